/// JSON string literals as pydantic writes them: `"` `\` and control characters escaped, everything else
/// (non-ASCII included) as UTF-8.
enum JSONString {
    static func append(_ text: some StringProtocol, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    static func quoted(_ text: some StringProtocol) -> String {
        var out = ""
        append(text, to: &out)
        return out
    }
}
