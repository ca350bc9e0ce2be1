extension SuffixArray {
    /// Visits the occurrences among `ranks` (those of one `length`-byte pattern) that start and end on word
    /// boundaries of the text, in rank order and numbered from 0, while `visit` returns true. A span of the output
    /// starts and ends on whole words, so only such an occurrence is one of it: "the lazy dog" does not occur in
    /// "the lazy dogs" nor in "soothe lazy dog", as infini-gram, matching whole tokens, does not count them either.
    ///
    /// The suffix array gives the candidates; each is checked, so the work is the occurrences visited.
    func forEachWholeWordOccurrence(
        in ranks: Range<Int>, length: Int, _ visit: (_ number: Int, _ position: Int) -> Bool
    ) throws(IndexError) {
        var number = 0
        for rank in ranks {
            let position = try occurrence(ofRank: rank, length: length)
            guard isWordBoundary(position), isWordBoundary(position + length) else { continue }
            guard visit(number, position) else { return }
            number += 1
        }
    }

    /// The whole-word occurrences among `ranks` (see ``forEachWholeWordOccurrence(in:length:_:)``), counted until
    /// there are more than `limit`: a count above `limit` only says there are more.
    func wholeWordCount(in ranks: Range<Int>, length: Int, stoppingAbove limit: Int) throws(IndexError) -> Int {
        var count = 0
        try forEachWholeWordOccurrence(in: ranks, length: length) { _, _ in
            count += 1
            return count <= limit
        }
        return count
    }

    /// Whether no word runs across the place before byte `index` of the text: words as ``OutputText`` has them,
    /// and the document separator (0xFF, no UTF-8 byte) between words.
    private func isWordBoundary(_ index: Int) -> Bool {
        WordCharacter.isBoundary(index, in: text)
    }
}
