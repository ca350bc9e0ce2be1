/// A parsed `/metrics` response: its samples in order, and the families its metadata lines describe.
public struct Exposition: Sendable {
    /// Families with a `# HELP`, `# TYPE` or `# UNIT` line, in the order first described.
    public var families: [MetricFamily]
    /// Every sample line, in order.
    public var samples: [MetricSample]

    /// An exposition of these families and samples.
    public init(families: [MetricFamily] = [], samples: [MetricSample] = []) {
        self.families = families
        self.samples = samples
    }

    /// How many samples are `_created` samples (parsed, but not measurements).
    public var createdSampleCount: Int {
        samples.reduce(0) { $0 + ($1.isCreated ? 1 : 0) }
    }
}
