/// What the `# HELP`, `# TYPE` and `# UNIT` lines of an exposition say about one metric family.
public struct MetricFamily: Sendable, Hashable {
    /// The name the metadata lines give, as written (`vllm:prompt_tokens_total` for a 0.0.4 counter).
    public var name: String
    /// `untyped` until a `# TYPE` line says otherwise.
    public var type: MetricType
    /// The `# HELP` text, unescaped.
    public var help: String?
    /// The OpenMetrics `# UNIT`.
    public var unit: String?

    /// A family as its metadata lines describe it.
    public init(name: String, type: MetricType = .untyped, help: String? = nil, unit: String? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
    }
}
