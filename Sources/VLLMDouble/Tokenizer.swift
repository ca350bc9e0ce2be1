/// The double's stand-in for a tokenizer: one token per word, each carrying the whitespace before it, so the
/// tokens concatenate back to the text and counts are easy to predict in tests.
enum Tokenizer {
    /// Chat-template tokens each message adds around its content (role markers, separators).
    static let templateTokensPerMessage = 4

    /// `"Safety: Unsafe\nCategories: Violent"` → `["Safety:", " Unsafe", "\nCategories:", " Violent"]`.
    /// Splits at ASCII whitespace only: byte-wise, which keeps it off the profile of a loaded double.
    static func tokens(_ text: String) -> [Substring] {
        var tokens: [Substring] = []
        let bytes = text.utf8
        var start = bytes.startIndex
        var previousIsSpace = true
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let isSpace = isSpace(bytes[index])
            if isSpace, !previousIsSpace {
                tokens.append(text[start..<index])
                start = index
            }
            previousIsSpace = isSpace
            bytes.formIndex(after: &index)
        }
        if start != bytes.endIndex { tokens.append(text[start...]) }
        return tokens
    }

    /// Words (runs between ASCII whitespace) in a text.
    static func wordCount(_ text: String) -> Int {
        var count = 0
        var previousIsSpace = true
        for byte in text.utf8 {
            let isSpace = isSpace(byte)
            if !isSpace, previousIsSpace { count += 1 }
            previousIsSpace = isSpace
        }
        return count
    }

    /// `usage.prompt_tokens`: the words of every message plus ``templateTokensPerMessage`` each.
    static func promptTokens(_ messages: [ChatRequest.Message]) -> Int {
        messages.reduce(0) { $0 + wordCount($1.content) + templateTokensPerMessage }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\r")
    }
}
