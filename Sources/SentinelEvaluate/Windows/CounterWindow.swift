/// The counter series of one group in one window (`rate`, `increase`, `histogram_quantile`), with
/// `max_window_samples` applied to the group as a whole: a group whose series never repeat (a label carrying a
/// request id makes a series per sample) still keeps at most that many samples.
struct CounterWindow {
    /// By series identity (metric name and labels).
    private(set) var series: [UInt64: CounterSeries] = [:]
    /// The series of each sample in the window, oldest first (samples come in event-time order), so the group's
    /// oldest sample can be dropped at the cap. Entries at or before the window's start are skipped lazily.
    private var arrivals: [(series: UInt64, time: Int64)] = []
    private var arrivalsHead = 0

    /// The identities of `series`, in order: readouts sum the series in this order, where a dictionary's changes
    /// from one process to the next (two runs over the same events differed in the last bits and decided a threshold
    /// both ways). Kept as series come and go, so a readout neither sorts nor allocates.
    private(set) var order: [UInt64] = []

    /// Calls `body` with each series, in the order of their identities.
    func forEachSeries(_ body: (CounterSeries) -> Void) {
        for id in order { body(series[id]!) }
    }

    private mutating func seriesAppeared(_ id: UInt64) {
        order.insert(id, at: insertionIndex(id))
    }

    private mutating func seriesLeft(_ id: UInt64) {
        order.remove(at: insertionIndex(id))
    }

    /// The index of `id` in `order`, or where it would go.
    private func insertionIndex(_ id: UInt64) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Adds a sample to its series after trimming the window to end at `time`; when the group already holds
    /// `maxSamples` samples its oldest is dropped first (returns true).
    mutating func record(
        series id: UInt64, upperBound: Double, time: Int64, value: Double, windowMilliseconds: Int64, maxSamples: Int
    ) -> Bool {
        let cutoff = time - windowMilliseconds
        while arrivalsHead < arrivals.count, arrivals[arrivalsHead].time <= cutoff { arrivalsHead += 1 }
        let full = arrivals.count - arrivalsHead >= maxSamples
        if full {
            let oldest = arrivals[arrivalsHead].series
            arrivalsHead += 1
            // Once trimmed to the window, the series' oldest sample is the group's oldest.
            series[oldest]?.evict(through: cutoff)
            series[oldest]?.dropOldest()
            if series[oldest]?.ring.isEmpty == true {
                series[oldest] = nil
                seriesLeft(oldest)
            }
        }
        if series[id] == nil { seriesAppeared(id) }
        series[id, default: CounterSeries(upperBound: upperBound)].record(time: time, value: value, windowMilliseconds: windowMilliseconds)
        arrivals.append((id, time))
        if arrivalsHead > 1024, arrivalsHead * 2 > arrivals.count {
            arrivals.removeFirst(arrivalsHead)
            arrivalsHead = 0
        }
        return full
    }

    /// Trims every series to the window ending after `cutoff`, forgetting series left empty (before a read: each
    /// series is otherwise trimmed only when it gets a sample).
    mutating func evict(through cutoff: Int64) {
        var emptied = false
        for i in series.values.indices {
            series.values[i].evict(through: cutoff)
            if series.values[i].ring.isEmpty { emptied = true }
        }
        if emptied {
            series = series.filter { !$0.value.ring.isEmpty }
            order.removeAll { series[$0] == nil }
        }
    }

    mutating func reset() {
        self = CounterWindow()
    }
}
