import Foundation

/// Category counts over a current window and the baseline window right before it, for the population
/// stability index. Entries move from current to baseline as time passes, then drop out.
struct CategoryWindow {
    private var ring = SampleRing()
    /// Ring index (relative to the oldest entry) of the first entry of the current window.
    private var boundary = 0
    private var current: [Int] = []
    private var baseline: [Int] = []
    private var currentTotal = 0
    private var baselineTotal = 0

    var isEmpty: Bool { ring.isEmpty }

    /// Adds an entry to the current window; when both windows together already hold `maxSamples` entries the
    /// oldest is dropped first (returns true).
    mutating func append(time: Int64, category: Int, maxSamples: Int) -> Bool {
        let full = ring.count >= maxSamples
        if full { removeOldest() }
        ring.append(time: time, value: Double(category))
        if category >= current.count {
            current.append(contentsOf: repeatElement(0, count: category + 1 - current.count))
            baseline.append(contentsOf: repeatElement(0, count: category + 1 - baseline.count))
        }
        current[category] += 1
        currentTotal += 1
        return full
    }

    private mutating func removeOldest() {
        let c = Int(ring.removeOldest())
        if boundary > 0 {
            baseline[c] -= 1
            baselineTotal -= 1
            boundary -= 1
        } else {
            current[c] -= 1
            currentTotal -= 1
        }
    }

    /// Moves entries at or before `now − current` to the baseline and drops those at or before
    /// `now − current − baseline`.
    mutating func advance(to now: Int64, currentMilliseconds: Int64, baselineMilliseconds: Int64) {
        let currentCutoff = now - currentMilliseconds
        while boundary < ring.count, ring.time(at: boundary) <= currentCutoff {
            let c = Int(ring.value(at: boundary))
            current[c] -= 1
            currentTotal -= 1
            baseline[c] += 1
            baselineTotal += 1
            boundary += 1
        }
        let baselineCutoff = currentCutoff - baselineMilliseconds
        while boundary > 0, ring.oldestTime <= baselineCutoff { removeOldest() }
    }

    /// PSI = Σ (c − b)·ln(c / b) over the categories seen in either window, with proportions smoothed by adding
    /// half an observation to every category (Laplace), so a category absent from one window stays finite
    /// without dominating the index.
    var psi: Double? {
        guard currentTotal > 0, baselineTotal > 0 else { return nil }
        var seen = 0
        for i in 0..<current.count where current[i] > 0 || baseline[i] > 0 { seen += 1 }
        let currentDenominator = Double(currentTotal) + 0.5 * Double(seen)
        let baselineDenominator = Double(baselineTotal) + 0.5 * Double(seen)
        var total = 0.0
        for i in 0..<current.count where current[i] > 0 || baseline[i] > 0 {
            let c = (Double(current[i]) + 0.5) / currentDenominator
            let b = (Double(baseline[i]) + 0.5) / baselineDenominator
            total += (c - b) * log(c / b)
        }
        return total
    }

    mutating func reset() {
        self = CategoryWindow()
    }
}
