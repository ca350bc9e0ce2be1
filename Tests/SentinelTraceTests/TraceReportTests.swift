import Foundation
import Testing

@testable import SentinelTrace

/// What the `sentinel index build` and `sentinel trace` commands print comes from these.
struct TraceReportTests {
    @Test func theTextReportListsSpansAndSnippets() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let result = try await fixture.build(CorpusFixture.documents).trace(
            "We saw a sunny day in the park!",
            options: TraceOptions(minSpanLength: 3, maxSpanDensity: 1, snippetLength: 8))
        let lines = TraceReport.text(result).split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("1 spans of 1 maximal spans in ") == true)
        #expect(lines.first?.hasSuffix("(local index \(fixture.indexPath))") == true)
        #expect(lines.dropFirst().first == "1. \"a sunny day in the park\" 6 words, 23 bytes, 2 occurrences")
        #expect(
            lines.dropFirst(2).first
                == #"   document 0 {"id":1,"source":"pangrams"}: … It was «a sunny day in the park».…"#)
        #expect(
            lines.dropFirst(3).first
                == #"   document 1 {"id":2,"source":"notes"}: …On «a sunny day in the park» we met.…"#)
    }

    @Test func resultsEncodeWithSnakeCaseKeysAndDecodeBack() throws {
        let result = TraceResult(
            backend: "local", index: "i",
            spans: [
                TraceSpan(
                    text: "a b", start: 0, end: 3, characterStart: 0, characterEnd: 3, words: 2, count: 1,
                    documents: [
                        TraceDocument(
                            index: 4, metadata: "{}", context: TraceExcerpt(text: "a b", matchStart: 0, matchEnd: 3),
                            snippet: TraceExcerpt(text: "a b", matchStart: 0, matchEnd: 3))
                    ])
            ], candidates: 1, outputWords: 2, latencyMilliseconds: 1.5)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(result), as: UTF8.self)
        for key in ["\"output_words\":2", "\"latency_ms\":1.5", "\"character_start\":0", "\"match_end\":3"] {
            #expect(json.contains(key), "\(json)")
        }
        #expect(try JSONDecoder().decode(TraceResult.self, from: Data(json.utf8)) == result)
    }

    @Test func latencySummaryUsesNearestRankPercentiles() {
        let summary = LatencySummary(milliseconds: (1...200).map(Double.init).reversed())
        #expect(summary.count == 200 && summary.p50 == 100 && summary.p99 == 198 && summary.max == 200)
        #expect(summary.description == "200 traces: p50 100 ms, p99 198 ms, max 200 ms, mean 101 ms")
        #expect(LatencySummary(milliseconds: []).p99 == 0)
    }

    @Test func theBuildSummaryGivesRateAndSize() {
        let summary = IndexBuilder.Summary(
            documents: 3, skippedLines: 1, corpusBytes: 4 << 20, textBytes: 3 << 20, indexBytes: 27 << 20,
            readSeconds: 1, sortSeconds: 1)
        #expect(
            summary.description
                == "indexed 3 documents, 3.0 MiB of text, in 2.0 s (2.0 MiB/s of corpus; reading 1.0 s, sorting 1.0 s); "
                + "index 27.0 MiB (6.8× the corpus); 1 lines skipped")
    }
}
