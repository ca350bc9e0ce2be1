/// One label of a sample, `name="value"`, with the value unescaped.
public struct MetricLabel: Sendable, Hashable {
    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    public var name: String
    /// Any UTF-8 text.
    public var value: String

    /// The label `name="value"`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
