/// Exact sliding-window aggregates of numeric samples for one group: count, sum, mean, population stddev,
/// and on demand min/max (monotonic deques) and order statistics (sorted blocks).
struct SampleWindow {
    var ring = SampleRing()
    private var sum = 0.0
    /// Sum of squares of (value − shift): shifting by a sample value keeps the variance numerically stable.
    private var shiftedSumOfSquares = 0.0
    private var shiftedSum = 0.0
    private var shift = 0.0
    private var removalsSinceRefresh = 0
    private var maxima: [Int] = []
    private var maximaHead = 0
    private var minima: [Int] = []
    private var minimaHead = 0
    private var sorted: SortedValues?

    var count: Int { ring.count }

    mutating func append(time: Int64, value: Double, extremes: Bool, order: Bool) {
        if ring.isEmpty { shift = value }
        let sequence = ring.nextSequence
        ring.append(time: time, value: value)
        sum += value
        let d = value - shift
        shiftedSum += d
        shiftedSumOfSquares += d * d
        if extremes {
            while maxima.count > maximaHead, ring.value(sequence: maxima[maxima.count - 1]) <= value { maxima.removeLast() }
            maxima.append(sequence)
            while minima.count > minimaHead, ring.value(sequence: minima[minima.count - 1]) >= value { minima.removeLast() }
            minima.append(sequence)
        }
        if order {
            if sorted == nil { sorted = SortedValues() }
            sorted!.insert(value)
        }
    }

    /// Drops samples at or before `cutoff` (the window is `(cutoff, now]`). Most calls drop nothing.
    @inline(__always)
    mutating func evict(through cutoff: Int64) {
        guard !ring.isEmpty, ring.oldestTime <= cutoff else { return }
        repeat { removeOldest() } while !ring.isEmpty && ring.oldestTime <= cutoff
    }

    mutating func removeOldest() {
        let sequence = ring.firstSequence
        let value = ring.removeOldest()
        if ring.isEmpty {
            reset()
            return
        }
        sum -= value
        let d = value - shift
        shiftedSum -= d
        shiftedSumOfSquares -= d * d
        if maximaHead < maxima.count, maxima[maximaHead] == sequence { maximaHead += 1 }
        if minimaHead < minima.count, minima[minimaHead] == sequence { minimaHead += 1 }
        compactDeques()
        sorted?.remove(value)
        removalsSinceRefresh += 1
        // Subtracting accumulates rounding error; recomputing now and then keeps sums exact to a few ulps.
        if removalsSinceRefresh > 2 * ring.count + 64 { refreshSums() }
    }

    private mutating func compactDeques() {
        if maximaHead > 64, maximaHead * 2 > maxima.count {
            maxima.removeFirst(maximaHead)
            maximaHead = 0
        }
        if minimaHead > 64, minimaHead * 2 > minima.count {
            minima.removeFirst(minimaHead)
            minimaHead = 0
        }
    }

    private mutating func refreshSums() {
        removalsSinceRefresh = 0
        shift = ring.oldestValue
        sum = 0
        shiftedSum = 0
        shiftedSumOfSquares = 0
        for i in 0..<ring.count {
            let v = ring.value(at: i)
            sum += v
            let d = v - shift
            shiftedSum += d
            shiftedSumOfSquares += d * d
        }
    }

    mutating func reset() {
        ring.removeAll()
        sum = 0
        shiftedSum = 0
        shiftedSumOfSquares = 0
        removalsSinceRefresh = 0
        maxima.removeAll(keepingCapacity: true)
        minima.removeAll(keepingCapacity: true)
        maximaHead = 0
        minimaHead = 0
        sorted?.removeAll()
    }

    var total: Double { sum }
    var mean: Double? { count > 0 ? sum / Double(count) : nil }

    var populationStandardDeviation: Double? {
        guard count > 0 else { return nil }
        let n = Double(count)
        let variance = max(0, (shiftedSumOfSquares - shiftedSum * shiftedSum / n) / n)
        return variance.squareRoot()
    }

    var maximum: Double? { maximaHead < maxima.count ? ring.value(sequence: maxima[maximaHead]) : nil }
    var minimum: Double? { minimaHead < minima.count ? ring.value(sequence: minima[minimaHead]) : nil }

    func quantile(_ q: Double) -> Double? { sorted?.quantile(q) }
}

extension SampleWindow {
    /// The same samples, keeping the aggregates a (possibly different) window definition needs.
    func rebuilt(extremes: Bool, order: Bool) -> SampleWindow {
        var copy = SampleWindow()
        for i in 0..<ring.count { copy.append(time: ring.time(at: i), value: ring.value(at: i), extremes: extremes, order: order) }
        return copy
    }
}
