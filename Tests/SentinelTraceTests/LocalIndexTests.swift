import Foundation
import Testing

@testable import SentinelTrace

struct LocalIndexTests {
    /// Traces `output` against the shared corpus.
    private func trace(_ output: String, _ options: TraceOptions = TraceOptions(minSpanLength: 3, maxSpanDensity: 1))
        async throws -> TraceResult
    {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        return try await fixture.build(CorpusFixture.documents).trace(output, options: options)
    }

    @Test func findsTheMaximalSpansWithCountsAndDocuments() async throws {
        let result = try await trace(
            "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!")
        #expect(
            result.spans.map(\.text) == ["The quick brown fox jumps over the lazy dog.", "a sunny day in the park"])
        #expect(result.spans.map(\.count) == [1, 2])
        #expect(result.spans.map(\.words) == [9, 6])
        #expect(result.spans.map(\.start) == [10, 62])
        #expect(result.candidates == 2)
        #expect(result.outputWords == 18)
        let first = try #require(result.spans.first?.documents.first)
        #expect(first.index == 0)
        #expect(first.metadata == #"{"id":1,"source":"pangrams"}"#)
        #expect(first.context.text == "The quick brown fox jumps over the lazy dog. It was a sunny day in the park.")
        #expect(first.context.matchStart == 0 && first.context.matchEnd == 44)
        #expect(result.spans[1].documents.map(\.index) == [0, 1])
        #expect(
            result.spans[1].documents.map(\.metadata) == [
                #"{"id":1,"source":"pangrams"}"#, #"{"id":2,"source":"notes"}"#,
            ])
    }

    @Test func spansStopAtSentenceEndsAndMayEndWithOne() async throws {
        let result = try await trace("He jumps over the lazy dog. It was a sunny day today.")
        #expect(result.spans.map(\.text) == ["jumps over the lazy dog.", "It was a sunny day"])
    }

    @Test func spansStartAndEndOnWholeWordsOfTheOutput() async throws {
        let result = try await trace("xThe quick brown fox jumps. The quick brown foxes.")
        #expect(result.spans.map(\.text) == ["quick brown fox jumps", "The quick brown"])
    }

    @Test func everyKeptSpanEndsFurtherThanTheOneBefore() async throws {
        let result = try await trace(
            "the lazy dog. It was a sunny day in the park we met. The quick brown fox jumps over the lazy dog.")
        #expect(!result.spans.isEmpty)
        for (before, after) in zip(result.spans, result.spans.dropFirst()) {
            #expect(before.end < after.end && before.start < after.start)
        }
        #expect(!result.spans.map(\.text).contains("sunny day in the park"))
    }

    @Test func spansMoreFrequentThanTheMaximumAreDropped() async throws {
        let output = "He said: and so on and so forth. Done."
        #expect(try await trace(output).spans.isEmpty)
        let loose = try await trace(output, TraceOptions(minSpanLength: 3, maxFrequency: 20, maxSpanDensity: 1))
        #expect(loose.spans.map(\.text) == ["and so on and so forth"])
        #expect(loose.spans.map(\.count) == [12])
        // Twelve occurrences, one document, and as many documents shown as asked for at most.
        #expect(loose.spans[0].documents.map(\.index) == [2])
    }

    @Test func theDensityBudgetKeepsTheRarestThenLongest() async throws {
        let output = "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!"
        // 18 words × 0.05 → 1 span: the one occurring once.
        let budgeted = try await trace(output, TraceOptions(minSpanLength: 3))
        #expect(budgeted.spans.map(\.text) == ["The quick brown fox jumps over the lazy dog."])
        #expect(budgeted.candidates == 2)
        let capped = try await trace(output, TraceOptions(minSpanLength: 3, maxSpanDensity: 1, maxSpanCount: 1))
        #expect(capped.spans.map(\.text) == budgeted.spans.map(\.text))
        let long = try await trace(output, TraceOptions(minSpanLength: 7, maxSpanDensity: 1))
        #expect(long.spans.map(\.text) == ["The quick brown fox jumps over the lazy dog."])
    }

    @Test func rankingPrefersFewerOccurrencesThenMoreWords() {
        let output = OutputText("a b c d e f g h")
        let candidates = [
            SpanCandidate(word: 0, stop: 1, count: 2), SpanCandidate(word: 2, stop: 5, count: 1),
            SpanCandidate(word: 4, stop: 5, count: 1), SpanCandidate(word: 6, stop: 7, count: 3),
        ]
        #expect(candidates.rarest(2, in: output) == [1, 2])
        #expect(candidates.rarest(3, in: output) == [0, 1, 2])
        #expect(candidates.rarest(0, in: output) == [])
    }

    @Test func offsetsAreInBytesAndInCharacters() async throws {
        let result = try await trace("Sie sagt: Der Bär läuft über die Brücke.")
        let span = try #require(result.spans.first)
        #expect(span.text == "Der Bär läuft über die Brücke.")
        #expect(span.start == 10 && span.characterStart == 10)
        #expect(span.end == 10 + span.text.utf8.count)
        #expect(span.characterEnd == 10 + span.text.unicodeScalars.count)
    }

    @Test func contextAndSnippetSurroundTheMatch() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let index = try fixture.build([
            [
                "text": String(repeating: "filler words here ", count: 30) + "the rare phrase ä ü ö "
                    + String(repeating: "more filler ", count: 30)
            ]
        ])
        let result = try await index.trace(
            "We found the rare phrase ä ü ö.",
            options: TraceOptions(minSpanLength: 3, maxSpanDensity: 1, contextLength: 20, snippetLength: 5))
        let document = try #require(result.spans.first?.documents.first)
        #expect(result.spans.first?.text == "the rare phrase ä ü ö")
        for (excerpt, characters) in [(document.context, 20), (document.snippet, 5)] {
            let scalars = Array(excerpt.text.unicodeScalars)
            var match = ""
            match.unicodeScalars.append(contentsOf: scalars[excerpt.matchStart..<excerpt.matchEnd])
            #expect(match == "the rare phrase ä ü ö")
            #expect(excerpt.matchStart == characters)
            #expect(scalars.count - excerpt.matchEnd == characters)
        }
    }

    @Test func manyOccurrencesShowASeededSampleOfDistinctDocuments() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let index = try fixture.build(
            (0..<30).map { ["text": "document \($0) says the same old line again", "n": $0] })
        let options = TraceOptions(minSpanLength: 3, maxFrequency: 50, maxSpanDensity: 1, maxDocumentsPerSpan: 4)
        let first = try await index.trace("It says the same old line again.", options: options)
        let again = try await index.trace("It says the same old line again.", options: options)
        #expect(first.spans.map(\.count) == [30])
        #expect(first.spans[0].documents.count == 4)
        #expect(Set(first.spans[0].documents.map(\.index)).count == 4)
        #expect(first.spans[0].documents.map(\.index) == again.spans[0].documents.map(\.index))
        #expect(DocumentSample.ranks(count: 5, limit: 10, seed: 1) == [0, 1, 2, 3, 4])
    }

    @Test func invalidOptionsAreRefused() async throws {
        await #expect(throws: TraceError.invalidOptions("min_span_length must be at least 1")) {
            try await trace("anything", TraceOptions(minSpanLength: 0))
        }
    }
}
