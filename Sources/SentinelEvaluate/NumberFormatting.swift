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

    /// A number as a label value: whole numbers below 2⁵³ as integers, others in the shortest form that reads
    /// back as the same double (`0.1234567`, `1e+17`), so two different numbers are never one label (or group).
    public static func label(_ n: Double) -> String {
        if n.isNaN || n.isInfinite { return format(n) }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return n.description
    }
}
