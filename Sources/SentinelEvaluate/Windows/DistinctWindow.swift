/// Distinct values in a window: value identities (hashes) with their multiplicity.
struct DistinctWindow {
    private var ring = SampleRing()
    private var identities: [UInt64] = []
    private var identityHead = 0
    private var counts: [UInt64: Int] = [:]

    var distinctCount: Int { counts.count }

    mutating func append(time: Int64, identity: UInt64) {
        ring.append(time: time, value: 0)
        identities.append(identity)
        counts[identity, default: 0] += 1
    }

    mutating func evict(through cutoff: Int64) {
        while !ring.isEmpty, ring.oldestTime <= cutoff {
            ring.removeOldest()
            let identity = identities[identityHead]
            identityHead += 1
            if let n = counts[identity], n > 1 { counts[identity] = n - 1 } else { counts[identity] = nil }
        }
        if identityHead > 1024, identityHead * 2 > identities.count {
            identities.removeFirst(identityHead)
            identityHead = 0
        }
    }

    mutating func reset() {
        self = DistinctWindow()
    }
}
