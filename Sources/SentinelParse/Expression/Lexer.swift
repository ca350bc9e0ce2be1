import SentinelCore

/// Splits expression text into tokens. Numbers immediately followed by a unit are durations (`5m`, `1h30m`).
public struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    public init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// All tokens, ending with `.end`; throws at the first malformed token.
    public static func tokenize(_ text: String) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    mutating func next() throws(ExpressionError) -> Token {
        while index < scalars.count, isWhitespace(scalars[index]) { index += 1 }
        let start = index
        guard index < scalars.count else { return Token(kind: .end, start: start, end: start) }
        let c = scalars[index]
        if Self.isDigit(c) || (c == "." && index + 1 < scalars.count && Self.isDigit(scalars[index + 1])) {
            return try number(start)
        }
        if Self.isIdentifierStart(c) {
            while index < scalars.count, Self.isIdentifierPart(scalars[index]) { index += 1 }
            let word = asciiText(start..<index)
            if let keyword = Token.Keyword(rawValue: word) {
                return Token(kind: .keyword(keyword), start: start, end: index)
            }
            return Token(kind: .identifier(word), start: start, end: index)
        }
        if c == "\"" || c == "'" { return try string(quote: c, start: start) }
        if let (symbol, length) = symbol(at: index) {
            index += length
            return Token(kind: .symbol(symbol), start: start, end: index)
        }
        let hint: String
        switch c {
        // PromQL anchors its patterns; `matches` does not.
        case "=" where next(start) == "~": hint = " (PromQL's regex match: write x matches \"^(pattern)$\")"
        case "=": hint = " (use '==' to compare)"
        case "&": hint = " (use 'and')"
        case "|" where next(start) != "|" && Self.followedByWord(scalars, after: start):
            hint = " (use 'or' to join conditions; a template pipe such as '| humanize' belongs in annotations)"
        case "|": hint = " (use 'or')"
        case "{" where next(start) == "{":
            hint = " (a template such as '{{ $labels.model }}' belongs in annotations, as '{{ model }}'; a condition reads the field itself: model, or labels.model_name on metrics)"
        case "!" where next(start) == "~": hint = " (PromQL's negated regex match: write not (x matches \"^(pattern)$\"))"
        case "!": hint = " (use 'not', or '!=' to compare)"
        case ":" where start > 0 && Self.isIdentifierPart(scalars[start - 1]): hint = metricNameHint(around: start)
        default: hint = ""
        }
        throw ExpressionError(.expressionSyntax, "unexpected character '\(c)'\(hint)", start: start, end: start + 1)
    }

    /// Whether a word (a template function such as `humanize`) follows the character at `start` after spaces,
    /// and nothing but spaces after it.
    private static func followedByWord(_ scalars: [Unicode.Scalar], after start: Int) -> Bool {
        var i = start + 1
        while i < scalars.count, scalars[i] == " " { i += 1 }
        let wordStart = i
        while i < scalars.count, isIdentifierPart(scalars[i]) { i += 1 }
        guard i > wordStart else { return false }
        while i < scalars.count, scalars[i] == " " { i += 1 }
        return i == scalars.count
    }

    /// The character after `i`, if any.
    private func next(_ i: Int) -> Unicode.Scalar? { i + 1 < scalars.count ? scalars[i + 1] : nil }

    /// For a Prometheus metric name written as a field (`rate(vllm:generation_tokens_total, 5m)`): how rules
    /// read metric samples instead.
    private func metricNameHint(around colon: Int) -> String {
        var first = colon
        while first > 0, Self.isIdentifierPart(scalars[first - 1]) { first -= 1 }
        var end = colon
        while end < scalars.count, Self.isIdentifierPart(scalars[end]) || scalars[end] == ":" { end += 1 }
        let name = asciiText(first..<end)
        return " (a metric name is not a field: select its samples with where: name == \"\(name)\" on "
            + "a metric rule and read their 'value', e.g. rate(value, 5m))"
    }

    /// The operator or punctuation at `i`, longest first (`<=` before `<`).
    private func symbol(at i: Int) -> (Token.Symbol, Int)? {
        let c = scalars[i]
        let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
        switch (c, next) {
        case ("=", "="): return (.equal, 2)
        case ("!", "="): return (.notEqual, 2)
        case ("<", "="): return (.lessEqual, 2)
        case (">", "="): return (.greaterEqual, 2)
        case ("<", _): return (.less, 1)
        case (">", _): return (.greater, 1)
        case ("(", _): return (.lparen, 1)
        case (")", _): return (.rparen, 1)
        case ("[", _): return (.lbracket, 1)
        case ("]", _): return (.rbracket, 1)
        case (",", _): return (.comma, 1)
        case (".", _): return (.dot, 1)
        case ("+", _): return (.plus, 1)
        case ("-", _): return (.minus, 1)
        case ("*", _): return (.star, 1)
        case ("/", _): return (.slash, 1)
        case ("%", _): return (.percent, 1)
        default: return nil
        }
    }

    private mutating func number(_ start: Int) throws(ExpressionError) -> Token {
        while index < scalars.count, Self.isDigit(scalars[index]) || scalars[index] == "." { index += 1 }
        // Exponent: 1e3, 2.5E-4 (but `1e` alone is not a unit: there is no `e` unit).
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            var probe = index + 1
            if probe < scalars.count, scalars[probe] == "+" || scalars[probe] == "-" { probe += 1 }
            if probe < scalars.count, Self.isDigit(scalars[probe]) {
                index = probe
                while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
            }
        }
        if index + 1 < scalars.count, scalars[index] == "_", Self.isDigit(scalars[index + 1]) {
            var end = index
            while end < scalars.count, Self.isDigit(scalars[end]) || scalars[end] == "_" { end += 1 }
            let written = asciiText(start..<end)
            throw ExpressionError(
                .expressionSyntax,
                "'\(written)': numbers have no digit separators (write \(String(written.filter { $0 != "_" })))",
                start: start, end: end)
        }
        if index < scalars.count, Self.isIdentifierStart(scalars[index]) {
            // A duration: digits and units, no spaces (`1h30m`).
            while index < scalars.count, Self.isDigit(scalars[index]) || Self.isLetter(scalars[index]) { index += 1 }
            let text = asciiText(start..<index)
            switch DurationLiteral.checked(text, "", allowZero: true) {
            case .success(let ms): return Token(kind: .duration(milliseconds: ms), start: start, end: index)
            case .failure(let error): throw ExpressionError(.badDuration, error.message, start: start, end: index)
            }
        }
        let text = asciiText(start..<index)
        guard let value = Double(text), value.isFinite else {
            throw ExpressionError(.expressionSyntax, "invalid number '\(text)'", start: start, end: index)
        }
        return Token(kind: .number(value, digits: WideNumber.digits(of: text)), start: start, end: index)
    }

    private mutating func string(quote: Unicode.Scalar, start: Int) throws(ExpressionError) -> Token {
        index += 1
        var value = String.UnicodeScalarView()
        while index < scalars.count {
            let c = scalars[index]
            if c == quote {
                index += 1
                return Token(kind: .string(String(value)), start: start, end: index)
            }
            if c == "\\" {
                guard index + 1 < scalars.count else { break }
                let escaped = scalars[index + 1]
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "\\", "\"", "'": value.append(escaped)
                default:
                    // Regex classes (`\d`, `\s`, `\b`) are the usual cause: a pattern's backslash is written twice.
                    throw ExpressionError(
                        .expressionSyntax,
                        "unknown escape '\\\(escaped)' in string (a backslash in a string is written '\\\\': a pattern's \\\(escaped) is \\\\\(escaped))",
                        start: index, end: index + 2)
                }
                index += 2
                continue
            }
            value.append(c)
            index += 1
        }
        throw ExpressionError(.expressionSyntax, "unterminated string", start: start, end: scalars.count)
    }

    /// The text of an identifier, number or duration token, which are ASCII by construction: built from bytes,
    /// several times faster than appending scalars to a `String.UnicodeScalarView`.
    private func asciiText(_ range: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: range.count) { buffer in
            for i in range { buffer[i - range.lowerBound] = UInt8(truncatingIfNeeded: scalars[i].value) }
            return range.count
        }
    }

    /// ASCII spaces without a Unicode property lookup (which dominated lexing); other scalars ask Unicode.
    private func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" : c.properties.isWhitespace
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { Self.isLetter(c) || c == "_" }
    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { Self.isIdentifierStart(c) || Self.isDigit(c) }

    /// Whether `word` is an identifier of the expression language (a field path segment or a name written bare):
    /// an ASCII letter or `_`, then letters, digits and `_`.
    public static func isIdentifier(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, Self.isIdentifierStart(first) else { return false }
        return word.unicodeScalars.allSatisfy(isIdentifierPart)
    }
}
