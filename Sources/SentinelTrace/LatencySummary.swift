/// Percentiles of trace latencies, for `sentinel trace --batch` and the benchmark.
public struct LatencySummary: Sendable, Hashable, CustomStringConvertible {
    public let count: Int
    public let p50: Double
    public let p99: Double
    public let max: Double
    public let mean: Double

    /// Nearest-rank percentiles of `milliseconds` (all zero when empty).
    public init(milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[Swift.max(Int((p * Double(sorted.count)).rounded(.up)) - 1, 0)]
        }
        count = sorted.count
        p50 = percentile(0.5)
        p99 = percentile(0.99)
        max = sorted.last ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    public var description: String {
        "\(count) traces: p50 \(TraceReport.milliseconds(p50)), p99 \(TraceReport.milliseconds(p99)), "
            + "max \(TraceReport.milliseconds(max)), mean \(TraceReport.milliseconds(mean))"
    }
}
