/// Prometheus label names, `[a-zA-Z_][a-zA-Z0-9_]*`: what alert labels, scrape target labels and
/// silence matchers may name.
public enum LabelName {
    /// Whether `name` is a label name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, isStart(first) else { return false }
        return name.utf8.allSatisfy { isStart($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// A letter or `_`.
    private static func isStart(_ c: UInt8) -> Bool { (c | 0x20) &- 0x61 < 26 || c == 0x5F }
}
