/// Builds one JSON object as text with keys in the order written: stable, diffable output lines.
///
/// The object is assembled as UTF-8 bytes and becomes a `String` once, in `result`: dry-run writes one of these
/// per match, and many small `String` appends cost more than the rest of the line's work.
public struct JSONText: Sendable {
    private var bytes: [UInt8]
    private var first = true

    public init() {
        bytes = []
        bytes.reserveCapacity(256)
        bytes.append(0x7B)
    }

    public var result: String {
        String(unsafeUninitializedCapacity: bytes.count + 1) { out in
            _ = out.initialize(fromContentsOf: bytes)
            out[bytes.count] = 0x7D
            return bytes.count + 1
        }
    }

    private mutating func key(_ k: String) {
        if !first { bytes.append(0x2C) }
        first = false
        Self.appendString(k, to: &bytes)
        bytes.append(0x3A)
    }

    public mutating func add(_ k: String, _ value: String) {
        key(k)
        Self.appendString(value, to: &bytes)
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
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Non-finite numbers become `null` (JSON has no NaN).
    public mutating func add(_ k: String, number: Double?) {
        key(k)
        bytes.append(contentsOf: (number.map(Self.number) ?? "null").utf8)
    }

    /// A sample value as Prometheus and recorded traffic write one: a number, or `"+Inf"`, `"-Inf"` or `"NaN"` (JSON
    /// has none of them); `null` when there is none.
    public mutating func add(_ k: String, sample: Double?) {
        guard let sample, !sample.isFinite else { return add(k, number: sample) }
        add(k, sample.isNaN ? "NaN" : sample > 0 ? "+Inf" : "-Inf")
    }

    /// A JSON number: whole numbers without a fraction, others with full precision, non-finite ones `null`.
    public static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
    }

    public mutating func add(_ k: String, _ value: Bool) {
        key(k)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func add(_ k: String, object pairs: [(String, String)]) {
        key(k)
        bytes.append(0x7B)
        for (i, (name, value)) in pairs.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            Self.appendString(name, to: &bytes)
            bytes.append(0x3A)
            Self.appendString(value, to: &bytes)
        }
        bytes.append(0x7D)
    }

    public mutating func add(_ k: String, strings: [String]) {
        key(k)
        bytes.append(0x5B)
        for (i, s) in strings.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            Self.appendString(s, to: &bytes)
        }
        bytes.append(0x5D)
    }

    /// Embeds already-serialised JSON (an object or array built elsewhere).
    public mutating func add(_ k: String, raw: String) {
        key(k)
        bytes.append(contentsOf: raw.utf8)
    }

    /// Appends `s` as a JSON string literal, quotes included.
    public static func appendString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 2)
        appendString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `s` as a JSON string literal (UTF-8, quotes included).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            out.append(0x22)
            // Most strings (prompts, answers, labels) need no escape: one copy, not one append per byte.
            if needsEscape(utf8) {
                appendEscaped(utf8, to: &out)
            } else {
                out.append(contentsOf: utf8)
            }
            out.append(0x22)
        }
    }

    /// 0x80 in each byte of the little-endian `word` that a JSON string must escape: `"`, `\` or below 0x20.
    /// Exact for the lowest flagged byte (a borrow only reaches bytes above one that already matched), so exact
    /// as an "any byte" test. The event decoder scans strings with it too.
    @inlinable
    public static func escapeMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let q = word ^ 0x2222_2222_2222_2222
        let b = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let t = ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((word &- 0x2020_2020_2020_2020) & ~word)
        return t & 0x8080_8080_8080_8080
    }

    /// Whether any byte is a control character, `"` or `\`: eight bytes per step, since every string of every
    /// output line passes here.
    static func needsEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        var i = 0
        while i + 8 <= utf8.count {
            if escapeMask(UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))) != 0 {
                return true
            }
            i += 8
        }
        while i < utf8.count {
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return true }
            i += 1
        }
        return false
    }

    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case ..<0x20: out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
    }
}
