import SentinelCompile

/// Per-group state of one window node. Only the array matching the node's source is used; windows of numeric
/// samples (`events`, `condition`, `samples`) are kept in frames (`FrameStore`) and their store stays empty.
struct WindowStore {
    let node: WindowNode
    let maxSamples: Int
    var counters: [CounterWindow] = []
    var distinct: [DistinctWindow] = []
    var categories: [CategoryWindow] = []
    var overflow = 0

    init(node: WindowNode, maxSamples: Int) {
        self.node = node
        self.maxSamples = maxSamples
    }

    mutating func ensureCapacity(_ groups: Int) {
        switch node.source {
        case .events, .condition, .samples: break
        case .counter, .histogram:
            while counters.count < groups { counters.append(CounterWindow()) }
        case .values:
            while distinct.count < groups { distinct.append(DistinctWindow()) }
        case .categories:
            while categories.count < groups { categories.append(CategoryWindow()) }
        }
    }

    mutating func reset(_ group: Int) {
        switch node.source {
        case .events, .condition, .samples: break
        case .counter, .histogram: counters[group].reset()
        case .values: distinct[group].reset()
        case .categories: categories[group].reset()
        }
    }

    /// Evicts what fell out of the window at time `now`.
    mutating func advance(_ group: Int, to now: Int64) {
        let cutoff = now - node.milliseconds
        switch node.source {
        case .events, .condition, .samples: break
        case .counter, .histogram:
            // A group holds many series (a histogram has one per bucket): each is trimmed when it gets a sample,
            // and all of them only before a read (`evictSeries`), not on every sample of any series.
            break
        case .values:
            distinct[group].evict(through: cutoff)
        case .categories(_, let baseline):
            categories[group].advance(to: now, currentMilliseconds: node.milliseconds, baselineMilliseconds: baseline)
        }
    }

    /// Trims every series of a group to the window ending at `now`, dropping series left empty.
    mutating func evictSeries(_ group: Int, to now: Int64) {
        counters[group].evict(through: now - node.milliseconds)
    }

    /// Like frames, counter windows keep at most `maxSamples` samples per group, over all its series.
    mutating func appendCounter(_ group: Int, series: UInt64, time: Int64, value: Double, upperBound: Double) {
        let dropped = counters[group].record(
            series: series, upperBound: upperBound, time: time, value: value, windowMilliseconds: node.milliseconds,
            maxSamples: maxSamples)
        if dropped { overflow += 1 }
    }

    /// Like frames and counter series, distinct and category windows keep at most `maxSamples` entries per group.
    mutating func appendDistinct(_ group: Int, time: Int64, identity: UInt64) {
        if distinct[group].append(time: time, identity: identity, maxSamples: maxSamples) { overflow += 1 }
    }

    mutating func appendCategory(_ group: Int, time: Int64, identity: UInt64) {
        if categories[group].append(time: time, identity: identity, maxSamples: maxSamples) { overflow += 1 }
    }

    /// Sum over the group's series of PromQL's extrapolated rate or increase.
    func counterValue(_ group: Int, now: Int64, perSecond: Bool) -> Double? {
        var total: Double?
        counters[group].forEachSeries { series in
            if let v = series.extrapolatedIncrease(rangeMilliseconds: node.milliseconds, end: now, perSecond: perSecond) {
                total = (total ?? 0) + v
            }
        }
        return total
    }

    /// `histogram_quantile(q, rate(bucket[w]))` with buckets of equal `le` summed across series.
    func histogramQuantile(_ group: Int, q: Double, now: Int64) -> Double? {
        var byBound: [Double: Double] = [:]
        counters[group].forEachSeries { series in
            guard !series.upperBound.isNaN,
                let rate = series.extrapolatedIncrease(rangeMilliseconds: node.milliseconds, end: now, perSecond: true)
            else { return }
            byBound[series.upperBound, default: 0] += rate
        }
        let buckets = byBound.sorted { $0.key < $1.key }.map { (upperBound: $0.key, count: $0.value) }
        return BucketQuantile.compute(q, buckets: buckets)
    }

    /// `histogram_count`: observations over the window, the summed increase of the `+Inf` buckets (PromQL's
    /// `increase(x_bucket{le="+Inf"}[w])`, which equals `increase(x_count[w])`); nil without a `+Inf` bucket.
    func histogramCount(_ group: Int, now: Int64) -> Double? {
        var total: Double?
        counters[group].forEachSeries { series in
            guard series.upperBound == .infinity,
                let v = series.extrapolatedIncrease(rangeMilliseconds: node.milliseconds, end: now, perSecond: false)
            else { return }
            total = (total ?? 0) + v
        }
        return total
    }
}

extension WindowStore {
    /// Takes over the per-group state of `previous`, a store of the same window definition in an earlier graph.
    mutating func adopt(_ previous: WindowStore) {
        switch node.source {
        case .events, .condition, .samples: break
        case .counter, .histogram: counters = previous.counters
        case .values: distinct = previous.distinct
        case .categories:
            categories = previous.categories
        }
        overflow = previous.overflow
    }
}
