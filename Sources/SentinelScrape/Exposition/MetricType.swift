/// The type a `# TYPE` line gives a metric family; samples of families without one are `untyped`.
public enum MetricType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, summary, untyped

    /// The type a `# TYPE` line names: the five of the Prometheus text format, and OpenMetrics' `unknown`,
    /// `gaugehistogram`, `info` and `stateset` mapped the way `prometheus_client` maps them to that format.
    init?(typeName: String) {
        switch typeName {
        case "counter": self = .counter
        case "gauge", "info", "stateset": self = .gauge
        case "histogram", "gaugehistogram": self = .histogram
        case "summary": self = .summary
        case "untyped", "unknown": self = .untyped
        default: return nil
        }
    }

    /// Whether a family of this type exposes samples named `<family><suffix>` (`_bucket`, `_sum`, `_count`,
    /// `_created`, `_total`; OpenMetrics' `_info` of an `info` family, a gauge here, and `_gcount` and `_gsum` of a
    /// `gaugehistogram`, a histogram here).
    func exposes(suffix: MetricSuffix) -> Bool {
        switch (self, suffix) {
        case (.histogram, .bucket), (.histogram, .sum), (.histogram, .count), (.histogram, .created),
            (.histogram, .gcount), (.histogram, .gsum), (.gauge, .info),
            (.summary, .sum), (.summary, .count), (.summary, .created),
            (.counter, .total), (.counter, .created):
            true
        default: false
        }
    }
}
