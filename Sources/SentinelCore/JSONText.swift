/// Builds one JSON object as text with keys in the order written: stable, diffable output lines.
public struct JSONText: Sendable {
    private var text = "{"
    private var first = true

    public init() {}

    public var result: String { text + "}" }

    private mutating func key(_ k: String) {
        if !first { text += "," }
        first = false
        Self.appendString(k, to: &text)
        text += ":"
    }

    public mutating func add(_ k: String, _ value: String) {
        key(k)
        Self.appendString(value, to: &text)
    }

    /// A string member, or `null` when the value is nil.
    public mutating func add(_ k: String, optional value: String?) {
        if let value { add(k, value) } else { add(k, raw: "null") }
    }

    /// A JSON string literal of `s`, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }

    public mutating func add(_ k: String, _ value: Int) {
        key(k)
        text += String(value)
    }

    /// Non-finite numbers become `null` (JSON has no NaN).
    public mutating func add(_ k: String, number: Double?) {
        key(k)
        text += number.map(Self.number) ?? "null"
    }

    /// A JSON number: whole numbers without a fraction, others with full precision, non-finite ones `null`.
    public static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
    }

    public mutating func add(_ k: String, _ value: Bool) {
        key(k)
        text += value ? "true" : "false"
    }

    public mutating func add(_ k: String, object pairs: [(String, String)]) {
        key(k)
        var inner = JSONText()
        for (name, value) in pairs { inner.add(name, value) }
        text += inner.result
    }

    public mutating func add(_ k: String, strings: [String]) {
        key(k)
        text += "[" + strings.map { s in
            var out = ""
            Self.appendString(s, to: &out)
            return out
        }.joined(separator: ",") + "]"
    }

    /// Embeds already-serialised JSON (an object or array built elsewhere).
    public mutating func add(_ k: String, raw: String) {
        key(k)
        text += raw
    }

    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        // Most strings (prompts, answers, labels) need no escape: one append, not one per scalar.
        if s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            appendEscaped(s, to: &out)
        } else {
            out += s
        }
        out += "\""
    }

    private static func appendEscaped(_ s: String, to out: inout String) {
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }
}
