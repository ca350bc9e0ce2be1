/// Prometheus label names, `[a-zA-Z_][a-zA-Z0-9_]*`: what alert labels, scrape target labels and
/// silence matchers may name.
public enum LabelName {
    /// Whether `name` is a label name.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameScalar(first, first: true) else { return false }
        return name.unicodeScalars.allSatisfy { isNameScalar($0, first: false) }
    }

    /// Whether `scalar` may stand in a label name: a letter or `_`, or also a digit when it is not the `first`.
    public static func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || (!first && ("0"..."9").contains(scalar))
    }
}
