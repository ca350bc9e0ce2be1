import Foundation
/// Writes the Prometheus text exposition format (0.0.4): one `# HELP` and `# TYPE` per family, then its samples.
///
/// Families are written whole, in the order added; label values are escaped (`\\`, `\"`, `\n`); non-finite
/// values are `NaN`, `+Inf`, `-Inf`. Output passes `promtool check metrics`.
public struct MetricsExposition {
    public enum Kind: String {
        case counter, gauge, histogram
    }

    public private(set) var text = ""

    public init() {}

    /// A family with its samples: `(labels, value)` pairs. A counter's name ends in `_total`.
    public mutating func family(_ name: String, _ kind: Kind, help: String, samples: [([(String, String)], Double)]) {
        header(name, kind, help)
        for (labels, value) in samples { sample(name, labels, value) }
    }

    /// A family with one unlabelled sample.
    public mutating func family(_ name: String, _ kind: Kind, help: String, value: Double) {
        family(name, kind, help: help, samples: [([], value)])
    }

    /// A histogram family: for each label set, cumulative bucket counts by upper bound, the sum and the count.
    public mutating func histogram(_ name: String, help: String, series: [([(String, String)], HistogramCounts)]) {
        header(name, .histogram, help)
        for (labels, counts) in series {
            var cumulative = 0.0
            for (bound, count) in zip(counts.bounds, counts.buckets) {
                cumulative += Double(count)
                sample(name + "_bucket", labels + [("le", Self.format(bound))], cumulative)
            }
            sample(name + "_bucket", labels + [("le", "+Inf")], Double(counts.count))
            sample(name + "_sum", labels, counts.sum)
            sample(name + "_count", labels, Double(counts.count))
        }
    }

    /// In the 0.0.4 text format a counter's family is named as its samples, `_total` included (only
    /// OpenMetrics strips it).
    private mutating func header(_ name: String, _ kind: Kind, _ help: String) {
        text += "# HELP \(name) \(help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n"))\n"
        text += "# TYPE \(name) \(kind.rawValue)\n"
    }

    private mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{"
            text += labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            text += "}"
        }
        text += " \(Self.format(value))\n"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// Counts of a histogram with fixed upper bounds (not cumulative; the exposition accumulates them).
public struct HistogramCounts: Sendable {
    public let bounds: [Double]
    public private(set) var buckets: [UInt64]
    public private(set) var count: UInt64 = 0
    public private(set) var sum = 0.0

    public init(bounds: [Double]) {
        self.bounds = bounds
        buckets = Array(repeating: 0, count: bounds.count)
    }

    /// Records `times` observations of `value`.
    public mutating func observe(_ value: Double, times: UInt64 = 1) {
        if let i = bounds.firstIndex(where: { value <= $0 }) { buckets[i] += times }
        count += times
        sum += value * Double(times)
    }

    /// The `q` quantile by linear interpolation inside the bucket (as `histogram_quantile`), for logs and benchmarks.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = q * Double(count)
        var cumulative = 0.0
        var lower = 0.0
        for (bound, n) in zip(bounds, buckets) {
            let next = cumulative + Double(n)
            if next >= rank, n > 0 { return lower + (bound - lower) * (rank - cumulative) / Double(n) }
            cumulative = next
            lower = bound
        }
        return bounds.last
    }
}
