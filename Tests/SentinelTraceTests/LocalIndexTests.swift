import Foundation
import SentinelCore
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

    @Test func onlyOccurrencesOnWordBoundariesOfTheCorpusCountAndAreListed() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let index = try fixture.build([
            ["text": "We saw the lazy dog near the river."], ["text": "Then the lazy dogs ran forever."],
            ["text": "A soothe lazy dog song."], ["text": "And the lazy dog, again."],
        ])
        let result = try await index.trace(
            "Look at the lazy dog today.", options: TraceOptions(minSpanLength: 3, maxSpanDensity: 1))
        #expect(result.spans.map(\.text) == ["the lazy dog"])
        #expect(result.spans.map(\.count) == [2])
        #expect(result.spans.first?.documents.map(\.index) == [0, 3])
    }

    @Test func occurrencesInsideCorpusWordsDoNotPushASpanPastTheMaximumFrequency() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let documents: [[String: any Sendable]] =
            Array(repeating: ["text": "the lazy dogs ran"], count: 20) + [["text": "Then the lazy dog slept."]]
        let index = try fixture.build(documents)
        let result = try await index.trace(
            "Yes, the lazy dog.", options: TraceOptions(minSpanLength: 3, maxFrequency: 5, maxSpanDensity: 1))
        #expect(result.spans.map(\.text) == ["the lazy dog"])
        #expect(result.spans.map(\.count) == [1])
        #expect(result.spans.first?.documents.map(\.index) == [20])
    }

    /// Random corpora and outputs over a few short words, the outputs partly cut from the corpus at any character,
    /// so that matches often start or end inside corpus words and run long; the spans checked against their
    /// definition, every stop of every word tried and whole-word occurrences counted naively.
    @Test func maximalSpansAgreeWithABruteForceReference() throws {
        var generator = SplitMix64(seed: 3)
        let words = ["a", "b", "ab", "ba", "ä", "中", "文", "中文", "a中", "か", "カナ", "々", "ｶ"]
        let gaps = [" ", " ", " ", " ", ", ", "'", ". ", "\n", "", "。", "、", "・", "「"]
        func text(words count: Int) -> String {
            (0..<count).map { _ in words.randomElement(using: &generator)! + gaps.randomElement(using: &generator)! }
                .joined()
        }
        for _ in 0..<8 {
            let fixture = try CorpusFixture()
            defer { fixture.remove() }
            let documents = (0..<Int.random(in: 1...5, using: &generator)).map { _ in
                text(words: Int.random(in: 0...40, using: &generator))
            }
            let index = try fixture.build(documents.map { ["text": $0] })
            for _ in 0..<20 {
                let output = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
                    let document = Array(documents.randomElement(using: &generator)!.unicodeScalars)
                    guard Bool.random(using: &generator), !document.isEmpty else {
                        return text(words: Int.random(in: 0...12, using: &generator))
                    }
                    let start = Int.random(in: 0..<document.count, using: &generator)
                    var piece = ""
                    piece.unicodeScalars.append(
                        contentsOf: document[start..<Int.random(in: start...document.count, using: &generator)])
                    return piece
                }.joined()
                for (minSpanLength, maxFrequency) in [(1, 1), (2, 5), (3, 2)] {
                    let options = TraceOptions(minSpanLength: minSpanLength, maxFrequency: maxFrequency)
                    let found = try index.maximalSpans(OutputText(output), options: options)!.0
                    #expect(
                        found.map { [$0.word, $0.stop, $0.count] }
                            == Self.referenceSpans(OutputText(output), documents: documents, options: options),
                        "\(output.debugDescription) in \(documents)")
                }
            }
        }
    }

    /// The candidates by definition, as [word, stop, count]: from each word the furthest stop whose span has an
    /// occurrence starting and ending on word boundaries of a document, kept by the rules ``LocalIndex`` applies.
    private static func referenceSpans(_ output: OutputText, documents: [String], options: TraceOptions) -> [[Int]] {
        let texts = documents.map { Array($0.utf8) }
        // Words run over ASCII letters, digits, `_` and other non-ASCII characters, but not over ideographs and kana
        // (each a word by itself) or CJK punctuation; never inside a character.
        func joins(_ scalar: Unicode.Scalar) -> Bool {
            if scalar.isASCII { return scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_" }
            let kana = ["HIRAGANA", "KATAKANA"].contains { (scalar.properties.name ?? "").contains($0) }
            let punctuation = ["。", "、", "・", "「"].contains(scalar)
            return !scalar.properties.isIdeographic && !kana && !punctuation && scalar != "々"
        }
        func isBoundary(_ text: [UInt8], _ index: Int) -> Bool {
            guard index > 0, index < text.count else { return true }
            guard text[index] & 0xC0 != 0x80 else { return false }
            var lead = index - 1
            while text[lead] & 0xC0 == 0x80 { lead -= 1 }
            let before = String(decoding: text[lead..<index], as: UTF8.self).unicodeScalars.first!
            var end = index + 1
            while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
            let after = String(decoding: text[index..<end], as: UTF8.self).unicodeScalars.first!
            return !(joins(before) && joins(after))
        }
        func count(_ pattern: ArraySlice<UInt8>) -> Int {
            var count = 0
            for text in texts where text.count >= pattern.count {
                for start in 0...text.count - pattern.count
                where text[start] == pattern.first && text[start..<start + pattern.count].elementsEqual(pattern)
                    && isBoundary(text, start) && isBoundary(text, start + pattern.count)
                {
                    count += 1
                }
            }
            return count
        }
        var found: [[Int]] = []
        var lastEnd = -1
        for word in output.words.indices {
            let counts = output.stopsFromWord[word].map { stop in
                (stop: stop, count: count(output.bytes[output.bytes(from: word, to: stop)]))
            }
            guard let longest = counts.last(where: { $0.count > 0 }),
                output.wordCount(from: word, to: longest.stop) >= options.minSpanLength,
                output.stops[longest.stop].byte > lastEnd, longest.count <= options.maxFrequency
            else { continue }
            found.append([word, longest.stop, longest.count])
            lastEnd = output.stops[longest.stop].byte
        }
        return found
    }

    /// A sentence of 200 KB that the corpus holds many times over (so every word's match runs to its end), and the
    /// same running on past what the corpus holds: each traced in far less than the seconds to minutes (quadratic
    /// in the sentence) that looking every word's match up afresh took, even in a debug build.
    @Test func aLongSentenceIsTracedInTimeLinearInItsLength() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let corpus = String(repeating: "quick brown fox jumps over the lazy dog near the river bank ", count: 4_000)
        let index = try fixture.build([["text": corpus]])
        let sentence = String(corpus.prefix(200_000))
        for output in [sentence, sentence + " zebra quokka"] {
            let started = ContinuousClock.now
            let result = try await index.trace(output, options: TraceOptions())
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(result.spans.isEmpty && result.outputWords > 30_000)
        }
    }

    /// Chinese and Japanese text, written without spaces, is traced character by character (it had no word
    /// boundaries, so no span was ever found); an occurrence must still start and end on whole characters and words.
    @Test func textWithoutSpacesIsTracedCharacterByCharacter() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let index = try fixture.build([
            ["text": "今天天气很好，我们去公园散步吧。その後、東京タワーに行きました！"],
            ["text": "Model output: 我们去公园散步吧 and more."],
        ])
        let result = try await index.trace(
            "他说：我们去公园散步吧。然后东京タワーに行きました。", options: TraceOptions(minSpanLength: 5, maxSpanDensity: 1))
        #expect(result.spans.map(\.text) == ["我们去公园散步吧。", "京タワーに行きました"])
        #expect(result.spans.map(\.count) == [1, 1])
        let output = OutputText("東京タワー。abc中文def")
        #expect(output.words.map { output.text($0) } == ["東", "京", "タ", "ワ", "ー", "abc", "中", "文", "def"])
        #expect(output.sentences.count == 2)
    }

    /// A trace's time limit stops a search that runs past it; a limit it keeps within changes nothing.
    @Test func aTraceOverItsTimeLimitGivesUp() async throws {
        let fixture = try CorpusFixture()
        defer { fixture.remove() }
        let corpus = String(repeating: "quick brown fox jumps over the lazy dog near the river bank ", count: 4_000)
        let index = try fixture.build([["text": corpus]])
        let long = String(corpus.prefix(200_000))
        await #expect(throws: TraceError.timeLimit(index: index.path, after: .milliseconds(1))) {
            try await index.trace(long, options: TraceOptions(timeLimit: .milliseconds(1)))
        }
        let short = "He saw the quick brown fox jumps over the lazy dog near the river bank today."
        let unlimited = try await index.trace(short, options: TraceOptions(maxFrequency: 10_000))
        let limited = try await index.trace(short, options: TraceOptions(maxFrequency: 10_000, timeLimit: .seconds(60)))
        #expect(!unlimited.spans.isEmpty && limited.spans == unlimited.spans)
        #expect(TraceOptions(timeLimit: .zero).problem == "timeout must be positive")
    }

    @Test func aContextLongerThanAnyDocumentShowsTheWholeDocument() async throws {
        let result = try await trace(
            "Yesterday The quick brown fox jumps over the lazy dog.",
            TraceOptions(minSpanLength: 3, maxSpanDensity: 1, contextLength: .max))
        #expect(
            result.spans.first?.documents.map(\.context.text) == [
                "The quick brown fox jumps over the lazy dog. It was a sunny day in the park."
            ])
    }

    @Test func aDensityBeyondWhatIntHoldsKeepsEveryCandidate() async throws {
        #expect(TraceOptions(maxSpanDensity: 1e300).spanBudget(words: 10) == .max)
        let result = try await trace(
            "Yesterday The quick brown fox jumps over the lazy dog. We saw a sunny day in the park!",
            TraceOptions(minSpanLength: 3, maxSpanDensity: 1e300))
        #expect(result.spans.count == result.candidates && result.candidates == 2)
    }

    @Test func invalidOptionsAreRefused() async throws {
        await #expect(throws: TraceError.invalidOptions("min_span_length must be at least 1")) {
            try await trace("anything", TraceOptions(minSpanLength: 0))
        }
    }
}
