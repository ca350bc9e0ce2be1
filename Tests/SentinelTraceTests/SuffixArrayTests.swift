import SentinelCore
import Testing

@testable import SentinelTrace

struct SuffixArrayTests {
    /// Random documents over a tiny alphabet (many repeats, many near misses), indexed with libdivsufsort; every
    /// pattern's count and longest match checked against naive search of the documents.
    @Test func searchAgreesWithNaiveSearchOnRandomTexts() throws {
        var generator = SplitMix64(seed: 7)
        for round in 0..<5 {
            let fixture = try CorpusFixture()
            defer { fixture.remove() }
            let alphabet = Array("ab ä".unicodeScalars)
            let documents = (0..<(1 + round * 3)).map { _ in
                String(
                    String.UnicodeScalarView(
                        (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                            alphabet.randomElement(using: &generator)!
                        }))
            }
            let index = try fixture.build(documents.map { ["text": $0] })
            let texts = documents.map { Array($0.utf8) }
            for _ in 0..<200 {
                let pattern = Array(
                    String(
                        String.UnicodeScalarView(
                            (0..<Int.random(in: 1...8, using: &generator)).map { _ in
                                alphabet.randomElement(using: &generator)!
                            })
                    ).utf8)
                let naiveCount = texts.reduce(0) { total, text in
                    total + text.indices.filter { text[$0...].starts(with: pattern) }.count
                }
                let naiveLongest = (0...pattern.count).last { length in
                    texts.contains { text in text.indices.contains { text[$0...].starts(with: pattern[..<length]) } }
                        || length == 0
                }!
                let (ranks, longest) = try pattern.withUnsafeBufferPointer { pattern throws(IndexError) in
                    (try index.corpus.ranks(of: pattern), try index.corpus.longestMatch(pattern))
                }
                #expect(ranks.count == naiveCount, "\(pattern) in \(documents)")
                #expect(longest == naiveLongest, "\(pattern) in \(documents)")
            }
        }
    }
}
