/// A maximal span of the output that occurs in the corpus at most `max_frequency` times, before the span budget
/// chooses among them: from the start of `word` to `stop` (see ``OutputText``).
struct SpanCandidate {
    let word: Int
    let stop: Int
    let count: Int
}

extension [SpanCandidate] {
    /// Indices of the candidates kept, in output order: the `budget` rarest, by fewest occurrences, then most
    /// words, then earliest. (OLMoTrace ranks by unigram probability or by length; occurrence count first keeps
    /// what is most specific to a few documents, length breaks the ties that count 1 leaves in a large corpus.)
    func rarest(_ budget: Int, in output: OutputText) -> [Int] {
        indices.sorted { a, b in
            let (x, y) = (self[a], self[b])
            if x.count != y.count { return x.count < y.count }
            let (wordsX, wordsY) = (
                output.wordCount(from: x.word, to: x.stop), output.wordCount(from: y.word, to: y.stop)
            )
            if wordsX != wordsY { return wordsX > wordsY }
            return a < b
        }.prefix(Swift.max(budget, 0)).sorted()
    }
}
