/// What the `# HELP`, `# TYPE` and `# UNIT` lines of an exposition say about one metric family.
public struct MetricFamily: Sendable, Hashable {
    public var name: String
    /// `untyped` until a `# TYPE` line says otherwise.
    public var type: MetricType
    /// The `# HELP` text, unescaped.
    public var help: String?
    /// The OpenMetrics `# UNIT`.
    public var unit: String?

    public init(name: String, type: MetricType = .untyped, help: String? = nil, unit: String? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
    }
}
