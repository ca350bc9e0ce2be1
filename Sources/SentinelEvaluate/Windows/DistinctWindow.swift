/// Distinct values in a window: value identities (hashes) with their multiplicity.
struct DistinctWindow {
    private var ring = SampleRing()
    private var identities: [UInt64] = []
    private var identityHead = 0
    private var counts: [UInt64: Int] = [:]

    var distinctCount: Int { counts.count }

    /// Adds a value; when the window already holds `maxSamples` values its oldest is dropped first (returns true).
    mutating func append(time: Int64, identity: UInt64, maxSamples: Int) -> Bool {
        let full = ring.count >= maxSamples
        if full { removeOldest() }
        ring.append(time: time, value: 0)
        identities.append(identity)
        counts[identity, default: 0] += 1
        return full
    }

    mutating func evict(through cutoff: Int64) {
        while !ring.isEmpty, ring.oldestTime <= cutoff { removeOldest() }
    }

    private mutating func removeOldest() {
        ring.removeOldest()
        let identity = identities[identityHead]
        identityHead += 1
        if let n = counts[identity], n > 1 { counts[identity] = n - 1 } else { counts[identity] = nil }
        if identityHead > 1024, identityHead * 2 > identities.count {
            identities.removeFirst(identityHead)
            identityHead = 0
        }
    }

    mutating func reset() {
        self = DistinctWindow()
    }
}
