/// A model output as UTF-8 bytes cut into words and sentences: where spans may start and end.
///
/// A word is a run of ASCII letters, digits and `_` and of non-ASCII characters (so a boundary never splits a
/// character; non-ASCII punctuation such as curly quotes is part of the word it touches), or one Chinese or Japanese
/// character (see ``WordCharacter``). A sentence ends at `.`, `!`, `?` (or `。`, `！`, `？`) or a newline. A span
/// starts at a word, never crosses a sentence end, and ends at a *stop* of its sentence: the end of one of its
/// words, or just past the `.`, `!` or `?` that closes the sentence (a span may end with one; a newline is never
/// part of a span).
struct OutputText {
    /// A place a span may end: the byte after it, and the last word it completes.
    struct Stop {
        let byte: Int
        let lastWord: Int
    }

    let bytes: [UInt8]
    /// Byte ranges of the words.
    let words: [Range<Int>]
    let stops: [Stop]
    /// For each word, the stops a span starting at it may end at (its own end up to its sentence's last stop).
    let stopsFromWord: [Range<Int>]
    /// Word ranges of the sentences that have words.
    let sentences: [Range<Int>]

    init(_ text: String) {
        let bytes = Array(text.utf8)
        var words: [Range<Int>] = []
        var stops: [Stop] = []
        var stopsFromWord: [Range<Int>] = []
        var sentences: [Range<Int>] = []
        var sentenceWord = 0
        var sentenceStop = 0
        func closeSentence(terminator: Int?) {
            guard words.count > sentenceWord else { return }
            if let terminator { stops.append(Stop(byte: terminator, lastWord: words.count - 1)) }
            for word in sentenceWord..<words.count {
                stopsFromWord.append(sentenceStop + (word - sentenceWord)..<stops.count)
            }
            sentences.append(sentenceWord..<words.count)
            sentenceWord = words.count
            sentenceStop = stops.count
        }
        var index = 0
        while index < bytes.count {
            let (character, length) = WordCharacter.at(index, in: bytes)
            switch character {
            case .word, .standalone:
                var end = index + length
                while character == .word, end < bytes.count {
                    let (next, nextLength) = WordCharacter.at(end, in: bytes)
                    guard next == .word else { break }
                    end += nextLength
                }
                words.append(index..<end)
                stops.append(Stop(byte: end, lastWord: words.count - 1))
                index = end
                continue
            case .sentenceEnd: closeSentence(terminator: index + length)
            case .newline: closeSentence(terminator: nil)
            case .separator: break
            }
            index += length
        }
        closeSentence(terminator: nil)
        self.bytes = bytes
        self.words = words
        self.stops = stops
        self.stopsFromWord = stopsFromWord
        self.sentences = sentences
    }

    /// Bytes of the span from `word` to `stop`.
    func bytes(from word: Int, to stop: Int) -> Range<Int> {
        words[word].lowerBound..<stops[stop].byte
    }

    /// Words in the span from `word` to `stop`.
    func wordCount(from word: Int, to stop: Int) -> Int {
        stops[stop].lastWord - word + 1
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Unicode scalars before `byte`.
    func characterOffset(ofByte byte: Int) -> Int {
        bytes[..<byte].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
