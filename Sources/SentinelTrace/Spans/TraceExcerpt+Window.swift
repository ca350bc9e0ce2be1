extension TraceExcerpt {
    /// The text of `document` from `characters` Unicode scalars before `match` to as many after it (fewer where
    /// the document ends), with the match's place in it. `document` is UTF-8 and `match` falls on scalar boundaries.
    init<Bytes: RandomAccessCollection<UInt8>>(document: Bytes, match: Range<Int>, characters: Int)
    where Bytes.Index == Int {
        let isLeading = { (byte: UInt8) in byte & 0xC0 != 0x80 }
        var start = match.lowerBound
        var taken = 0
        while start > document.startIndex, taken < characters {
            start -= 1
            if isLeading(document[start]) { taken += 1 }
        }
        var end = match.upperBound
        taken = 0
        while end < document.endIndex, taken < characters {
            end += 1
            while end < document.endIndex, !isLeading(document[end]) { end += 1 }
            taken += 1
        }
        let scalars = { (range: Range<Int>) in document[range].reduce(0) { $0 + (isLeading($1) ? 1 : 0) } }
        let matchStart = scalars(start..<match.lowerBound)
        self.init(
            text: String(decoding: document[start..<end], as: UTF8.self), matchStart: matchStart,
            matchEnd: matchStart + scalars(match))
    }

    /// This excerpt cut to at most `characters` Unicode scalars either side of the match.
    func trimmed(to characters: Int) -> TraceExcerpt {
        let scalars = Array(text.unicodeScalars)
        // More than the whole text is the whole text, and keeps the sums below from overflowing.
        let characters = min(characters, scalars.count)
        let from = max(0, matchStart - characters)
        let to = min(scalars.count, matchEnd + characters)
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[from..<to])
        return TraceExcerpt(text: text, matchStart: matchStart - from, matchEnd: matchEnd - from)
    }
}
