extension LocalIndex {
    /// How far the span from a word reaches: the furthest stop at which it has a whole-word occurrence, and the
    /// suffix-array ranks of the span to there.
    private struct Reach {
        let stop: Int
        let ranks: Range<Int>
    }

    /// infini-gram's `attribute()` on bytes: from each word, the longest prefix of the rest of its sentence that
    /// occurs in the corpus on word boundaries, ending at a stop; kept when long enough, rare enough and reaching
    /// further than the span kept before it. Each candidate comes with its suffix-array ranks.
    ///
    /// From one word to the next the longest match never shrinks (the rest of a match is a match), and a word whose
    /// match ends where the one before it ends gives no candidate: the span one word longer occurs at most as often,
    /// so either it was kept and this one does not reach past it, or it was not and neither is this one. So a word
    /// only asks whether it reaches one stop further than the match before it, and the words that do not are
    /// skipped by a galloping search: the suffix-array lookups grow with the words and stops of a sentence, not with
    /// their square. (Each lookup still reads the span it looks up.)
    /// Nil when `stop` says to give up (asked before each word).
    func maximalSpans(_ output: OutputText, options: TraceOptions, stop: () -> Bool = { false }) throws(IndexError) -> (
        [SpanCandidate], [Range<Int>]
    )? {
        var candidates: [SpanCandidate] = []
        var ranks: [Range<Int>] = []
        var lastEnd = -1
        for sentence in output.sentences {
            let furthest = output.stopsFromWord[sentence.lowerBound].upperBound - 1
            var reach: Reach?
            var word = sentence.lowerBound
            while word < sentence.upperBound, output.wordCount(from: word, to: furthest) >= options.minSpanLength {
                if stop() { return nil }
                if let inherited = reach, inherited.stop >= output.stopsFromWord[word].lowerBound {
                    guard inherited.stop < furthest else { break }
                    let next = inherited.stop + 1
                    // The words `inherited` covers; those before the first reaching `next` end where it does.
                    let covered = word..<output.stops[inherited.stop].lastWord + 1
                    let extending = try covered.firstHit { later throws(IndexError) in
                        try wholeWordRanks(output, from: later, to: next).map { (word: later, ranks: $0) }
                    }
                    guard let extending else {
                        word = covered.upperBound
                        continue
                    }
                    word = extending.word
                    reach = try longestReach(output, from: word, beyond: Reach(stop: next, ranks: extending.ranks))
                } else {
                    reach = try longestReach(output, from: word, beyond: nil)
                }
                if let reach, output.wordCount(from: word, to: reach.stop) >= options.minSpanLength,
                    output.stops[reach.stop].byte > lastEnd
                {
                    let length = output.bytes(from: word, to: reach.stop).count
                    let count = try corpus.wholeWordCount(
                        in: reach.ranks, length: length, stoppingAbove: options.maxFrequency)
                    if count <= options.maxFrequency {
                        candidates.append(SpanCandidate(word: word, stop: reach.stop, count: count))
                        ranks.append(reach.ranks)
                        lastEnd = output.stops[reach.stop].byte
                    }
                }
                word += 1
            }
        }
        return (candidates, ranks)
    }

    /// The furthest stop the span from `word` reaches, when that is beyond `known` (a reach it is known to have);
    /// nil when not even the word occurs. The longest byte match bounds it, and it is searched down from there, as
    /// a byte match may end or start inside a corpus word.
    private func longestReach(_ output: OutputText, from word: Int, beyond known: Reach?) throws(IndexError) -> Reach? {
        let stops = output.stopsFromWord[word]
        let start = output.words[word].lowerBound
        let matched = try output.bytes.withUnsafeBufferPointer { bytes throws(IndexError) in
            try corpus.longestMatch(UnsafeBufferPointer(rebasing: bytes[start..<output.stops[stops.upperBound - 1].byte]))
        }
        let upper = (stops.firstHit { output.stops[$0].byte - start > matched ? $0 : nil } ?? stops.upperBound) - 1
        let lowest = known.map { $0.stop + 1 } ?? stops.lowerBound
        guard upper >= lowest else { return known }
        let found = try (0..<upper - lowest + 1).firstHit { back throws(IndexError) in
            try wholeWordRanks(output, from: word, to: upper - back).map { Reach(stop: upper - back, ranks: $0) }
        }
        return found ?? known
    }

    /// The suffix-array ranks of the span from `word` to `stop` when it has a whole-word occurrence, else nil.
    private func wholeWordRanks(_ output: OutputText, from word: Int, to stop: Int) throws(IndexError) -> Range<Int>? {
        let span = output.bytes(from: word, to: stop)
        let ranks = try output.bytes.withUnsafeBufferPointer { bytes throws(IndexError) in
            try corpus.ranks(of: UnsafeBufferPointer(rebasing: bytes[span]))
        }
        return try corpus.wholeWordCount(in: ranks, length: span.count, stoppingAbove: 0) > 0 ? ranks : nil
    }
}
