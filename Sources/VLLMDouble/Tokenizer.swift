/// The double's stand-in for a tokenizer: one token per word, each carrying the whitespace before it, so the
/// tokens concatenate back to the text and counts are easy to predict in tests.
enum Tokenizer {
    /// Chat-template tokens each message adds around its content (role markers, separators).
    static let templateTokensPerMessage = 4

    /// `"Safety: Unsafe\nCategories: Violent"` → `["Safety:", " Unsafe", "\nCategories:", " Violent"]`.
    static func tokens(_ text: String) -> [Substring] {
        var tokens: [Substring] = []
        var start = text.startIndex
        var previousIsSpace = true
        for index in text.indices {
            let isSpace = text[index].isWhitespace
            if isSpace, !previousIsSpace, index != start {
                tokens.append(text[start..<index])
                start = index
            }
            previousIsSpace = isSpace
        }
        if start < text.endIndex { tokens.append(text[start...]) }
        return tokens
    }

    /// Words (whitespace-separated runs) in a text.
    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// `usage.prompt_tokens`: the words of every message plus ``templateTokensPerMessage`` each.
    static func promptTokens(_ messages: [ChatRequest.Message]) -> Int {
        messages.reduce(0) { $0 + wordCount($1.content) + templateTokensPerMessage }
    }
}
