/// How a character takes part in the words a trace counts (see ``OutputText``), for outputs and corpora alike.
///
/// Words are runs of ASCII letters, digits and `_` and of non-ASCII characters, except in scripts written without
/// spaces: a Chinese or Japanese character (Han, kana) is a word by itself, as the tokens infini-gram matches mostly
/// are, so such text has spans of at least `min_span_length` characters instead of none at all. (Thai, Lao, Khmer
/// and Burmese need a dictionary to find their words; they stay one word a run.)
enum WordCharacter: Equatable {
    /// Runs together with the word characters next to it.
    case word
    /// A word by itself (Han, kana).
    case standalone
    /// Between words: spaces, ASCII and CJK punctuation, the index's document separator.
    case separator
    /// Ends a sentence, and may end a span: `.`, `!`, `?` and their ideographic and full-width forms.
    case sentenceEnd
    /// Ends a sentence, and is never part of a span.
    case newline

    /// Whether a word runs across the place between characters of these kinds.
    static func joins(_ before: WordCharacter, _ after: WordCharacter) -> Bool { before == .word && after == .word }

    init(_ scalar: UInt32) {
        switch scalar {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: self = .word
        case 0x0A: self = .newline
        case 0x21, 0x2E, 0x3F: self = .sentenceEnd
        case 0...0x7F: self = .separator
        // 。 ！ ． ？ and the half-width ｡
        case 0x3002, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61: self = .sentenceEnd
        // 々 (repeats the ideograph before it), 〆 and 〇 are written as ideographs; ・ separates words.
        case 0x3005...0x3007: self = .standalone
        case 0x30FB: self = .separator
        // CJK symbols and punctuation (、「」 and the ideographic space), full-width ASCII punctuation.
        case 0x3000...0x303F, 0xFF00...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: self = .separator
        // Hiragana, katakana (with its phonetic extensions and half-width forms), CJK ideographs (the unified ones,
        // extension A, the compatibility ones, and extensions B and later).
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9F,
            0x20000...0x323AF:
            self = .standalone
        default: self = .word
        }
    }

    /// The character starting at byte `index` of UTF-8 `bytes` and its length in bytes. A byte that starts no
    /// valid sequence (the index's document separator 0xFF, a stray continuation byte) is a one-byte separator.
    static func at<Bytes: RandomAccessCollection<UInt8>>(_ index: Int, in bytes: Bytes) -> (WordCharacter, Int)
    where Bytes.Index == Int {
        let lead = bytes[index]
        if lead < 0x80 { return (WordCharacter(UInt32(lead)), 1) }
        let length: Int
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: (length, scalar) = (2, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, scalar) = (3, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, scalar) = (4, UInt32(lead & 0x07))
        default: return (.separator, 1)
        }
        guard index + length <= bytes.endIndex else { return (.separator, 1) }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (.separator, 1) }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        return (WordCharacter(scalar), length)
    }

    /// Whether no word runs across the place before byte `index` of UTF-8 `bytes` (never inside a character).
    static func isBoundary<Bytes: RandomAccessCollection<UInt8>>(_ index: Int, in bytes: Bytes) -> Bool
    where Bytes.Index == Int {
        guard index > bytes.startIndex, index < bytes.endIndex else { return true }
        if bytes[index] & 0xC0 == 0x80 {
            // Inside a character, unless the byte is a stray one (which reads as a separator).
            var lead = index - 1
            while lead > bytes.startIndex, index - lead < 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
            let (_, length) = at(lead, in: bytes)
            return lead + length <= index
        }
        var lead = index - 1
        while lead > bytes.startIndex, index - lead < 4, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let (before, length) = at(lead, in: bytes)
        // A byte that starts no valid sequence is a character of its own: then the one just before is.
        let previous = lead + length == index ? before : .separator
        return !joins(previous, at(index, in: bytes).0)
    }
}
