/// A parsed `/metrics` response: its samples in order, and the families its metadata lines describe.
public struct Exposition: Sendable {
    public var families: [MetricFamily]
    public var samples: [MetricSample]

    public init(families: [MetricFamily] = [], samples: [MetricSample] = []) {
        self.families = families
        self.samples = samples
    }

    /// How many samples are `_created` samples (parsed, but not measurements).
    public var createdSampleCount: Int {
        samples.reduce(0) { $0 + ($1.isCreated ? 1 : 0) }
    }
}
