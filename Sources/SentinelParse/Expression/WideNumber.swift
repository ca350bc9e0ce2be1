/// Numbers written with more significant digits than a double holds (64-bit IDs) keep their digits, so they compare
/// with event numbers by their exact value, as event numbers compare with each other.
public enum WideNumber {
    /// `written` as JSON number text (`.5` is `0.5`, a leading `+` dropped) when it has more than 15 significant
    /// digits; nil for shorter numbers, which a double holds as written, and for other spellings (`0x1p3`).
    public static func digits(of written: String) -> String? {
        var text = Substring(written)
        if text.first == "+" { text = text.dropFirst() }
        var json = text.first == "." ? "0" + text : text.first == "-" && text.dropFirst().first == "." ? "-0" + text.dropFirst() : String(text)
        guard isJSONNumber(Array(json.utf8)) else { return nil }
        let mantissa = json.utf8.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
        let significant = mantissa.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.drop { $0 == UInt8(ascii: "0") }
        guard significant.count > 15 else { return nil }
        json.makeContiguousUTF8()
        return json
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private static func isJSONNumber(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == 0x2D { i += 1 }
        guard i < b.count else { return false }
        if b[i] == 0x30 { i += 1 } else if digits() == 0 { return false }
        if i < b.count, b[i] == 0x2E {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }
}
