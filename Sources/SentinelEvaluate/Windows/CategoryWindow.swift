import Foundation

/// Category counts over a current window and the baseline window right before it, for the population
/// stability index. Entries move from current to baseline as time passes, then drop out.
///
/// Each group keeps only the categories its windows hold (plus at most as many that left, until they are
/// compacted away), so memory follows `max_window_samples`, not every category ever seen.
struct CategoryWindow {
    /// Each entry's time and category identity (its bits as the value).
    private var ring = SampleRing()
    /// Ring index (relative to the oldest entry) of the first entry of the current window.
    private var boundary = 0
    /// Slot of each category, in the order the group first saw them (the order the index is summed in).
    private var slots: [UInt64: Int] = [:]
    private var identities: [UInt64] = []
    private var current: [Int] = []
    private var baseline: [Int] = []
    private var currentTotal = 0
    private var baselineTotal = 0
    /// Slots whose category has no entry left in either window.
    private var emptySlots = 0

    var isEmpty: Bool { ring.isEmpty }
    /// Categories the group holds a slot for (what its memory grows with).
    var slotCount: Int { identities.count }

    /// Adds an entry to the current window; when both windows together already hold `maxSamples` entries the
    /// oldest is dropped first (returns true).
    mutating func append(time: Int64, identity: UInt64, maxSamples: Int) -> Bool {
        let full = ring.count >= maxSamples
        if full { removeOldest() }
        ring.append(time: time, value: Double(bitPattern: identity))
        let c: Int
        if let slot = slots[identity] {
            c = slot
            if current[c] == 0 && baseline[c] == 0 { emptySlots -= 1 }
        } else {
            c = identities.count
            slots[identity] = c
            identities.append(identity)
            current.append(0)
            baseline.append(0)
        }
        current[c] += 1
        currentTotal += 1
        return full
    }

    /// Moves entries at or before `now − current` to the baseline and drops those at or before
    /// `now − current − baseline`.
    mutating func advance(to now: Int64, currentMilliseconds: Int64, baselineMilliseconds: Int64) {
        let currentCutoff = now - currentMilliseconds
        while boundary < ring.count, ring.time(at: boundary) <= currentCutoff {
            let c = slot(ring.value(at: boundary))
            current[c] -= 1
            currentTotal -= 1
            baseline[c] += 1
            baselineTotal += 1
            boundary += 1
        }
        let baselineCutoff = currentCutoff - baselineMilliseconds
        while boundary > 0, ring.oldestTime <= baselineCutoff { removeOldest() }
        if emptySlots > 64, emptySlots * 2 > identities.count { compact() }
    }

    private func slot(_ value: Double) -> Int { slots[value.bitPattern]! }

    private mutating func removeOldest() {
        let c = slot(ring.removeOldest())
        if boundary > 0 {
            baseline[c] -= 1
            baselineTotal -= 1
            boundary -= 1
        } else {
            current[c] -= 1
            currentTotal -= 1
        }
        if current[c] == 0 && baseline[c] == 0 { emptySlots += 1 }
    }

    /// Drops the slots of categories no entry holds any more, keeping the others in order.
    private mutating func compact() {
        var kept = CategoryWindow()
        kept.ring = ring
        kept.boundary = boundary
        kept.currentTotal = currentTotal
        kept.baselineTotal = baselineTotal
        for c in identities.indices where current[c] > 0 || baseline[c] > 0 {
            kept.slots[identities[c]] = kept.identities.count
            kept.identities.append(identities[c])
            kept.current.append(current[c])
            kept.baseline.append(baseline[c])
        }
        self = kept
    }

    /// PSI = Σ (c − b)·ln(c / b) over the categories seen in either window, with proportions smoothed by adding
    /// half an observation to every category (Laplace), so a category absent from one window stays finite
    /// without dominating the index.
    var psi: Double? {
        guard currentTotal > 0, baselineTotal > 0 else { return nil }
        let seen = identities.count - emptySlots
        let currentDenominator = Double(currentTotal) + 0.5 * Double(seen)
        let baselineDenominator = Double(baselineTotal) + 0.5 * Double(seen)
        var total = 0.0
        for i in identities.indices where current[i] > 0 || baseline[i] > 0 {
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
