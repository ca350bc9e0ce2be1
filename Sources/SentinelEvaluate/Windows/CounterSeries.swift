/// Samples of one counter series in a window, with the running reset correction PromQL's `rate` needs.
struct CounterSeries {
    var ring = SampleRing()
    /// Sum of the values just before each reset inside the window (a drop means the counter restarted at 0):
    /// compensated, so that a huge value leaving takes no small ones with it, and with `+Inf` ones counted apart
    /// (added and later subtracted, one would leave NaN for as long as the series has samples).
    private var correction = CompensatedSum()
    private var infiniteCorrections = 0
    /// Upper bound of the bucket, for histogram series.
    var upperBound = Double.nan

    init(upperBound: Double = .nan) {
        self.upperBound = upperBound
    }

    /// Trims the series to the window ending at `time`, then appends.
    mutating func record(time: Int64, value: Double, windowMilliseconds: Int64) {
        evict(through: time - windowMilliseconds)
        append(time: time, value: value)
    }

    mutating func append(time: Int64, value: Double) {
        if !ring.isEmpty {
            let last = ring.newestValue
            if value < last { addCorrection(last, sign: 1) }
        }
        ring.append(time: time, value: value)
    }

    mutating func evict(through cutoff: Int64) {
        while !ring.isEmpty, ring.oldestTime <= cutoff { dropOldest() }
    }

    /// Removes the oldest sample, and the reset correction it carried.
    mutating func dropOldest() {
        let first = ring.removeOldest()
        if !ring.isEmpty, ring.oldestValue < first { addCorrection(first, sign: -1) }
        if ring.isEmpty {
            correction = CompensatedSum()
            infiniteCorrections = 0
        }
    }

    /// Adds (`sign` 1) or takes out (−1) the value before a reset. Only `+Inf` can be one: nothing is below `−Inf`.
    private mutating func addCorrection(_ value: Double, sign: Int) {
        if value.isInfinite {
            infiniteCorrections += sign
        } else {
            correction.add(Double(sign) * value)
        }
    }

    /// PromQL's `extrapolatedRate` for a counter over the window `(end − range, end]`:
    /// the increase, extrapolated towards the window edges (at most half a sample interval, never below zero),
    /// per second when `perSecond`. Nil with fewer than two samples.
    func extrapolatedIncrease(rangeMilliseconds: Int64, end: Int64, perSecond: Bool) -> Double? {
        guard ring.count >= 2 else { return nil }
        let first = ring.oldestValue
        var result = ring.newestValue - first + (infiniteCorrections > 0 ? .infinity : correction.value)
        // Durations from whole-millisecond differences, as Prometheus takes them: differences of times in seconds
        // are inexact, which decides the 1.1× threshold the wrong way when a gap is exactly 1.1 intervals.
        let sampled = Double(ring.newestTime - ring.oldestTime) / 1000
        guard sampled > 0 else { return nil }
        var toStart = Double(ring.oldestTime - (end - rangeMilliseconds)) / 1000
        var toEnd = Double(end - ring.newestTime) / 1000
        let averageInterval = sampled / Double(ring.count - 1)
        let threshold = averageInterval * 1.1
        if toStart >= threshold { toStart = averageInterval / 2 }
        if result > 0, first >= 0 {
            let toZero = sampled * (first / result)
            if toZero < toStart { toStart = toZero }
        }
        if toEnd >= threshold { toEnd = averageInterval / 2 }
        var factor = (sampled + toStart + toEnd) / sampled
        if perSecond { factor /= Double(rangeMilliseconds) / 1000 }
        result *= factor
        return result
    }
}

/// PromQL's `bucketQuantile`: the q-quantile from cumulative bucket counts sorted by upper bound (last `+Inf`).
enum BucketQuantile {
    static func compute(_ q: Double, buckets: [(upperBound: Double, count: Double)]) -> Double? {
        guard buckets.count >= 2, buckets.last!.upperBound == .infinity else { return nil }
        var counts = buckets.map(\.count)
        // As PromQL's `ensureMonotonicAndIgnoreSmallDeltas`: a count within a relative 1e-12 of the one before is
        // that count (series summed in another order per bucket differ in the last bit, and a q = 1 read the bound
        // of an empty bucket), and a decrease (counters scraped at slightly different times) is clamped away.
        var previous = counts[0]
        for i in 1..<counts.count {
            let current = counts[i]
            if current == previous { continue }
            if Self.almostEqual(previous, current) || current < previous {
                counts[i] = previous
                continue
            }
            previous = current
        }
        let observations = counts.last!
        guard observations > 0 else { return nil }
        var rank = q * observations
        let b = counts.firstIndex { $0 >= rank } ?? counts.count - 1
        if b == counts.count - 1 { return buckets[counts.count - 2].upperBound }
        if b == 0, buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var start = 0.0
        let end = buckets[b].upperBound
        var count = counts[b]
        if b > 0 {
            start = buckets[b - 1].upperBound
            count -= counts[b - 1]
            rank -= counts[b - 1]
        }
        // q = 0 with an empty first bucket: 0 / 0, NaN as in PromQL.
        guard count > 0 else { return .nan }
        return start + (end - start) * (rank / count)
    }

    /// Prometheus' `almost.Equal(a, b, 1e-12)`.
    static func almostEqual(_ a: Double, _ b: Double) -> Bool {
        let epsilon = 1e-12
        if a == b { return true }
        let absoluteSum = abs(a) + abs(b)
        let difference = abs(a - b)
        if a == 0 || b == 0 || absoluteSum < Double.leastNormalMagnitude {
            return difference < epsilon * Double.leastNormalMagnitude
        }
        return difference / min(absoluteSum, Double.greatestFiniteMagnitude) < epsilon
    }
}
