import Foundation

/// Numbers as text: for people (six significant digits) and as label values (exact).
public enum NumberFormatting {
    /// For reading: annotations, text output, logs (`0.123457`, `1e+15`).
    public static func format(_ n: Double) -> String {
        if n.isNaN { return "NaN" }
        if n.isInfinite { return n > 0 ? "+Inf" : "-Inf" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        var text = String(format: "%.6g", n)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// A double as a label value: whole numbers below 2⁵³ as integers, others in the shortest form that reads
    /// back as the same double (`0.1234567`, `1e+17`), so two different doubles are never one label (or group).
    /// The same form as `label(jsonNumber:)` gives the double's shortest decimal.
    public static func label(_ n: Double) -> String {
        if n.isNaN || n.isInfinite { return format(n) }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return n.description
    }

    /// A JSON number as a label value, from its text: its exact decimal value, with every significant digit, in
    /// the form `label(_:)` writes doubles in (`12.50e3` is `12500`, `1234567890123456789` is
    /// `1.234567890123456789e+18`, `0.30000000000000000001` stays so). Equal numbers are one label however they
    /// are written; numbers one double cannot tell apart are two. A power of ten beyond ±10⁹ keeps the text as
    /// written (still exact).
    public static func label(jsonNumber text: UnsafeBufferPointer<UInt8>) -> String {
        guard let value = ExactDecimal(jsonNumber: text) else { return String(decoding: text, as: UTF8.self) }
        guard !value.digits.isEmpty else { return "0" }
        return label(negative: value.negative, digits: value.digits, exponent: value.exponent)
    }

    /// How two numbers whose doubles are equal compare exactly (-1, 0 or 1): a double holds 15 to 17 significant
    /// digits, so numbers with more (64-bit IDs) can share one. `text` is a number's JSON text when its double may
    /// not be its value (see `Value.number`); a number without is its shortest decimal when that has up to 15
    /// significant digits (what an event wrote), else its double's exact value (a sum, an arithmetic result).
    public static func exactOrder(
        _ x: Double, text xText: UnsafePointer<UInt8>?, _ y: Double, text yText: UnsafePointer<UInt8>?
    ) -> Int {
        func exact(_ n: Double, _ text: UnsafePointer<UInt8>?) -> ExactDecimal? {
            if let text { return ExactDecimal(jsonNumber: JSONBytes.numberText(at: text)) }
            guard n.isFinite else { return nil }
            // Up to 15 significant digits, the shortest decimal is the number as written (an event's `0.1`). Beyond,
            // the double is no written number (a sum: 1234567890123456768 prints shortest as 1.2345678901234568e+18,
            // 32 more): its own value, every digit, a whole number as an integer and others to the 767 significant
            // digits a double can need (C's printf writes them exactly).
            var shortest = n.description  // JSON number syntax: `1e+18`, `12.5`, `-0.0`
            if Self.significantDigits(shortest) <= 15 { return shortest.withUTF8 { ExactDecimal(jsonNumber: $0) } }
            var digits = n == n.rounded() ? String(format: "%.0f", n) : String(format: "%.767e", n)
            return digits.withUTF8 { ExactDecimal(jsonNumber: $0) }
        }
        guard let a = exact(x, xText), let b = exact(y, yText) else { return 0 }
        return a.order(b)
    }

    /// Significant digits of a number's text (`0.00120` has 3, `1.2345678901234568e+18` 17).
    private static func significantDigits(_ text: String) -> Int {
        let mantissa = text.prefix { $0 != "e" && $0 != "E" }.filter(\.isNumber)
        return mantissa.drop { $0 == "0" }.reversed().drop { $0 == "0" }.count
    }

    /// The label of `±d.ddd × 10^exponent` (`digits` without leading or trailing zeros), in the form of Swift's
    /// `Double.description` except that whole numbers below 2⁵³ have no `.0`: exponent notation below 10⁻⁴ and
    /// above 2⁵³, decimal notation between.
    private static func label(negative: Bool, digits: [UInt8], exponent: Int) -> String {
        let pow53: [UInt8] = Array("9007199254740992".utf8)
        // How the number compares with 2⁵³ (16 digits, exponent 15).
        var order = exponent < 15 ? -1 : exponent > 15 ? 1 : 0
        if order == 0 {
            for k in 0..<16 {
                let d = k < digits.count ? digits[k] : 0x30
                if d != pow53[k] {
                    order = d < pow53[k] ? -1 : 1
                    break
                }
            }
            if order == 0 && digits.count > 16 { order = 1 }
        }
        var out: [UInt8] = negative ? [0x2D] : []
        if exponent < -4 || order > 0 {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(0x2E)
                out += digits[1...]
            }
            out += Array((exponent < 0 ? "e-" : "e+").utf8)
            if abs(exponent) < 10 { out.append(0x30) }
            out += Array(String(abs(exponent)).utf8)
        } else if exponent < 0 {
            out += Array("0.".utf8) + [UInt8](repeating: 0x30, count: -exponent - 1) + digits
        } else {
            let integer = digits.prefix(exponent + 1)
            out += integer + [UInt8](repeating: 0x30, count: exponent + 1 - integer.count)
            if digits.count > exponent + 1 {
                out.append(0x2E)
                out += digits[(exponent + 1)...]
            } else if order == 0 {
                out += Array(".0".utf8)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A JSON number's exact decimal value: `±0.d₁d₂… × 10^(exponent + 1)`, i.e. `d₁.d₂… × 10^exponent`.
struct ExactDecimal {
    var negative: Bool
    /// Significant digits (ASCII), without leading or trailing zeros; empty for zero.
    var digits: [UInt8]
    /// The power of ten of the first digit.
    var exponent: Int

    /// Reads JSON number text; nil when its exponent has more than 9 digits.
    init?(jsonNumber text: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let negative = i < text.count && text[i] == 0x2D
        if negative { i += 1 }
        var digits: [UInt8] = []
        var integerDigits = 0
        var leadingZeros = 0
        while i < text.count, text[i] &- 0x30 < 10 {
            if digits.isEmpty && text[i] == 0x30 { leadingZeros += 1 } else { digits.append(text[i]) }
            integerDigits += 1
            i += 1
        }
        if i < text.count, text[i] == 0x2E {
            i += 1
            while i < text.count, text[i] &- 0x30 < 10 {
                if digits.isEmpty && text[i] == 0x30 { leadingZeros += 1 } else { digits.append(text[i]) }
                i += 1
            }
        }
        var exponent = 0
        if i < text.count, text[i] | 0x20 == 0x65 {
            i += 1
            let exponentNegative = i < text.count && text[i] == 0x2D
            if i < text.count, text[i] == 0x2B || text[i] == 0x2D { i += 1 }
            while i < text.count, text[i] == 0x30 { i += 1 }
            guard text.count - i <= 9 else { return nil }
            while i < text.count {
                exponent = exponent * 10 + Int(text[i] &- 0x30)
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        while digits.last == 0x30 { digits.removeLast() }
        self.negative = negative
        self.digits = digits
        self.exponent = exponent + integerDigits - 1 - leadingZeros
    }

    /// -1, 0 or 1 as `self` is less than, equal to or greater than `other`.
    func order(_ other: ExactDecimal) -> Int {
        let sign = digits.isEmpty ? 0 : negative ? -1 : 1
        let otherSign = other.digits.isEmpty ? 0 : other.negative ? -1 : 1
        if sign != otherSign { return sign < otherSign ? -1 : 1 }
        if sign == 0 { return 0 }
        var magnitude = exponent < other.exponent ? -1 : exponent > other.exponent ? 1 : 0
        var k = 0
        while magnitude == 0, k < max(digits.count, other.digits.count) {
            let d = k < digits.count ? digits[k] : 0x30
            let e = k < other.digits.count ? other.digits[k] : 0x30
            if d != e { magnitude = d < e ? -1 : 1 }
            k += 1
        }
        return sign * magnitude
    }
}
