import SentinelCore

/// Durations in log-spaced buckets (exact below 64 µs, then 32 buckets per power of two: about 3 % wide), for
/// quantiles over a whole run in fixed memory.
struct LatencyHistogram {
    private static let subBuckets = 32
    private static let exactLimit: UInt64 = 64
    private var counts = [Int](repeating: 0, count: 64 + 58 * 32)
    private(set) var count = 0
    private(set) var maximum: Duration = .zero

    mutating func record(_ duration: Duration) {
        let micros = duration < .zero ? 0 : UInt64(duration.milliseconds * 1_000)
        counts[Self.bucket(micros)] += 1
        count += 1
        if duration > maximum { maximum = duration }
    }

    /// The smallest bucket value with at least `q` of the samples at or below it (its upper bound); nil when empty.
    func quantile(_ q: Double) -> Duration? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return min(.microseconds(Self.upperBound(index)), maximum) }
        }
        return maximum
    }

    private static func bucket(_ micros: UInt64) -> Int {
        if micros < exactLimit { return Int(micros) }
        let exponent = 63 - micros.leadingZeroBitCount
        let mantissa = Int(micros >> (exponent - 5)) & (subBuckets - 1)
        return 64 + (exponent - 6) * subBuckets + mantissa
    }

    private static func upperBound(_ index: Int) -> Int64 {
        if index < Int(exactLimit) { return Int64(index) }
        let exponent = (index - 64) / subBuckets + 6
        let mantissa = Int64((index - 64) % subBuckets)
        return (Int64(subBuckets) + mantissa + 1) << (exponent - 5) - 1
    }
}
