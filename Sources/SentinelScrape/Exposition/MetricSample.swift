/// One sample line of an exposition: `name{labels} value [timestamp]`.
public struct MetricSample: Sendable {
    /// The name as exposed, suffix included (`vllm:e2e_request_latency_seconds_bucket`).
    public var name: String
    /// The labels in the order they were written.
    public var labels: [MetricLabel]
    /// The value; `NaN` and the infinities included.
    public var value: Double
    /// The sample's own timestamp in milliseconds since the Unix epoch, when the line has one.
    public var timestampMillis: Int64?
    /// The type of the family the sample belongs to (`_bucket`, `_sum`, `_count`, `_created` and `_total`
    /// samples take their family's type).
    public var type: MetricType
    /// Whether the sample is a `_created` sample: the creation time of a counter, histogram or summary series,
    /// not a measurement.
    public var isCreated: Bool

    /// A sample; by default without labels or timestamp, `untyped`, not a `_created` sample.
    public init(
        name: String, labels: [MetricLabel] = [], value: Double, timestampMillis: Int64? = nil,
        type: MetricType = .untyped, isCreated: Bool = false
    ) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMillis = timestampMillis
        self.type = type
        self.isCreated = isCreated
    }

    /// The value of the label `name`, if the sample has it.
    public subscript(label name: String) -> String? {
        labels.first { $0.name == name }?.value
    }
}
