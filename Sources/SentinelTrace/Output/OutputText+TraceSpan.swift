extension OutputText {
    /// The result form of a kept candidate.
    func traceSpan(_ candidate: SpanCandidate, documents: [TraceDocument]) -> TraceSpan {
        let range = bytes(from: candidate.word, to: candidate.stop)
        let characterStart = characterOffset(ofByte: range.lowerBound)
        let text = text(range)
        return TraceSpan(
            text: text, start: range.lowerBound, end: range.upperBound, characterStart: characterStart,
            characterEnd: characterStart + text.unicodeScalars.count,
            words: wordCount(from: candidate.word, to: candidate.stop), count: candidate.count, documents: documents)
    }
}
