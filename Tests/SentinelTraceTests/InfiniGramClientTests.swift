import Foundation
import Testing

@testable import SentinelTrace

struct InfiniGramClientTests {
    /// The shared corpus as the double serves it: two shards, metadata as JSON strings.
    private static func double(maxQueryTokens: Int? = nil) throws -> InfiniGramDouble {
        let documents = try CorpusFixture.documents.map { document in
            var fields = document
            let text = fields.removeValue(forKey: "text") as! String
            let metadata = try JSONSerialization.data(
                withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
            return (text: text, metadata: String(decoding: metadata, as: UTF8.self))
        }
        return InfiniGramDouble(maxQueryTokens: maxQueryTokens, shards: [Array(documents[..<2]), Array(documents[2...])])
    }

    private static func client(
        _ url: String, index: String = "v4_test_llama",
        configure: (inout InfiniGramClient.Configuration) -> Void = { _ in }
    )
        -> InfiniGramClient
    {
        var configuration = InfiniGramClient.Configuration(
            url: url, index: index, timeout: .seconds(5), initialBackoff: .milliseconds(10))
        configure(&configuration)
        return InfiniGramClient(configuration: configuration)
    }

    private static let options = TraceOptions(minSpanLength: 3, maxSpanDensity: 1)

    @Test func findsTheSameSpansAsTheLocalIndex() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let local = try fixture.build(CorpusFixture.documents)
        let outputs = [
            "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!",
            "the lazy dog. It was a sunny day in the park we met. The quick brown fox jumps over the lazy dog.",
            "xThe quick brown fox jumps. The quick brown foxes. Der Bär läuft über die Brücke. <script>alert('x')</script>",
            "He said: and so on and so forth, and so on. Done.",
        ]
        let double = try Self.double()
        try await double.serve { url in
            let client = Self.client(url)
            for output in outputs {
                let expected = try await local.trace(output, options: Self.options)
                let found = try await client.trace(output, options: Self.options)
                #expect(found.spans.map(\.text) == expected.spans.map(\.text), "\(output)")
                #expect(found.spans.map(\.start) == expected.spans.map(\.start))
                #expect(found.spans.map(\.count) == expected.spans.map(\.count))
                #expect(found.candidates == expected.candidates)
                for (remote, local) in zip(found.spans, expected.spans) {
                    #expect(remote.documents.map(\.metadata).sorted() == local.documents.map(\.metadata).sorted())
                    for document in remote.documents {
                        let scalars = Array(document.context.text.unicodeScalars)
                        var match = ""
                        match.unicodeScalars.append(
                            contentsOf: scalars[document.context.matchStart..<document.context.matchEnd])
                        #expect(match == remote.text)
                    }
                }
                #expect(found.backend == "infini-gram" && found.index == "v4_test_llama")
            }
            #expect(double.requests.filter { $0.queryType == "get_doc_by_rank" }.count > 0)
        }
    }

    @Test func requestsStayWithinTheHalfOpenRankSegments() async throws {
        let double = try Self.double()
        try await double.serve { url in
            let result = try await Self.client(url).trace(
                "We saw a sunny day in the park!", options: Self.options)
            #expect(result.spans.map(\.text) == ["a sunny day in the park"])
            // Two occurrences, both in shard 0 (ranks 0..<2 of some segment): two documents, no third request.
            #expect(result.spans[0].documents.map(\.shard) == [0, 0])
            #expect(double.requests.filter { $0.queryType == "get_doc_by_rank" }.count == 2)
            #expect(result.requests == double.requests.count)
        }
    }

    @Test func aMinimumSpanLongerThanEverySentenceAsksNothing() async throws {
        let double = try Self.double()
        try await double.serve { url in
            let result = try await Self.client(url).trace(
                "The quick brown fox jumps. We saw a sunny day in the park!",
                options: TraceOptions(minSpanLength: .max))
            #expect(result.spans.isEmpty && result.requests == 0)
        }
    }

    @Test func aContextLongerThanAnyDocumentShowsAsMuchAsTheAPIGives() async throws {
        let double = try Self.double()
        try await double.serve { url in
            let result = try await Self.client(url).trace(
                "We saw a sunny day in the park!",
                options: TraceOptions(minSpanLength: 3, maxSpanDensity: 1, contextLength: .max))
            let texts = CorpusFixture.documents.map { $0["text"] as! String }
            #expect(result.spans.first?.documents.map(\.context.text) == Array(texts[..<2]))
        }
    }

    /// A span longer than the API's token limit ends where the API still counts it, as at `maxQueryBytes`: the
    /// limit's error answer failed the whole trace.
    @Test func aSpanOverTheAPIsTokenLimitEndsWithinIt() async throws {
        let double = try Self.double(maxQueryTokens: 30)
        try await double.serve { url in
            let result = try await Self.client(url).trace(
                "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!",
                options: Self.options)
            #expect(
                result.spans.map(\.text) == [
                    "The quick brown fox jumps over", "quick brown fox jumps over the", "brown fox jumps over the lazy",
                    "fox jumps over the lazy dog.", "a sunny day in the park",
                ])
            #expect(double.requests.contains { $0.query.utf8.count > 30 })
        }
    }

    @Test func anErrorAnswerFailsTheTraceWithItsMessageAndNoRetry() async throws {
        let double = try Self.double()
        try await double.serve { url in
            await #expect(throws: TraceError.api(url: url, message: "[Flask] Invalid index: v4_nope")) {
                try await Self.client(url, index: "v4_nope").trace("The quick brown fox jumps.", options: Self.options)
            }
            #expect(double.requests.count == 1)
        }
    }

    @Test func aServerErrorIsRetried() async throws {
        let double = try Self.double()
        double.fail("count", times: 1)
        double.fail("get_doc_by_rank", times: 1)
        try await double.serve { url in
            let result = try await Self.client(url).trace("We saw a sunny day in the park!", options: Self.options)
            #expect(result.spans.map(\.text) == ["a sunny day in the park"])
            #expect(result.spans[0].documents.count == 2)
            #expect(result.requests == double.requests.count)
        }
        let firstTwo = double.requests.prefix(2)
        #expect(firstTwo.count == 2 && firstTwo.allSatisfy { $0 == firstTwo.first })
    }

    @Test func persistentServerErrorsFailAfterTheLastAttempt() async throws {
        let double = try Self.double()
        double.fail("count", times: 10)
        try await double.serve { url in
            await #expect(throws: TraceError.api(url: url, message: "[Flask] Internal server error: injected failure"))
            {
                try await Self.client(url).trace("The quick brown fox jumps.", options: Self.options)
            }
            #expect(double.requests.count == 3)
        }
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let double = try Self.double()
        // Far slower than the two 200 ms attempts, so that a loaded machine does not blur the difference.
        double.delay(.seconds(10))
        try await double.serve { url in
            let client = Self.client(url) {
                $0.timeout = .milliseconds(200)
                $0.maxAttempts = 2
            }
            let started = ContinuousClock.now
            await #expect(throws: TraceError.timeout(url: url, after: .milliseconds(200), attempts: 2)) {
                try await client.trace("The quick brown fox jumps.", options: Self.options)
            }
            // Sooner than one answer of the slow server: neither attempt waited for it.
            #expect(ContinuousClock.now - started < .seconds(10))
            double.delay(nil)
        }
    }

    @Test func theRequestBudgetBoundsATrace() async throws {
        let double = try Self.double()
        try await double.serve { url in
            let client = Self.client(url) { $0.maxRequests = 3 }
            await #expect(throws: TraceError.requestBudgetExhausted(3)) {
                try await client.trace(
                    "The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!",
                    options: Self.options)
            }
        }
    }

    @Test func anUnreachableServerIsAClearError() async throws {
        let client = Self.client("http://127.0.0.1:9/") {
            $0.maxAttempts = 1
            $0.timeout = .seconds(1)
        }
        await #expect {
            try await client.trace("The quick brown fox jumps.", options: Self.options)
        } throws: { error in
            guard let error = error as? TraceError else { return false }
            switch error {
            case .connection, .timeout: return error.description.hasPrefix("http://127.0.0.1:9/: ")
            default: return false
            }
        }
    }

    @Test func displayedPiecesAreJoinedAndTheFirstOccurrenceMarked() {
        let excerpt = InfiniGramClient.excerpt([
            ["the old", nil], ["cat sat", "0"], [", then", nil], ["cat sat", "0"],
        ])
        #expect(excerpt.text == "the old cat sat, then cat sat")
        #expect(excerpt.matchStart == 8 && excerpt.matchEnd == 15)
    }
}
