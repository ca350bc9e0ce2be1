import Foundation
import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct CategoryWindowTests {
    /// A group that sees a new category every second keeps slots only for what its windows hold, not for every
    /// category ever seen (with one map per group, a high-cardinality field grew memory with groups × categories).
    @Test func slotsFollowTheWindowsNotEveryCategoryEverSeen() {
        var window = CategoryWindow()
        for t in Int64(0)..<10_000 {
            _ = window.append(time: t * 1000, identity: UInt64(t) &* 0x9E37_79B9_7F4A_7C15, maxSamples: 1_000_000)
            window.advance(to: t * 1000, currentMilliseconds: 60_000, baselineMilliseconds: 60_000)
        }
        // 120 categories are in the two windows; at most as many again plus 64 are waiting to be compacted away.
        #expect(window.slotCount <= 2 * 120 + 64 + 1)
        #expect(window.psi != nil)
    }

    /// The index is the same whichever way slots were compacted: against a direct computation from the entries.
    @Test func psiMatchesADirectComputation() throws {
        var window = CategoryWindow()
        var generator = SplitMix64(seed: 17)
        var entries: [(time: Int64, category: UInt64)] = []
        for t in Int64(0)..<5_000 {
            // A shifting mix of 300 categories, so slots empty out and are compacted along the way.
            let category = (generator.next() % 40) + UInt64(t / 100) * 7
            _ = window.append(time: t * 1000, identity: category, maxSamples: 1_000_000)
            entries.append((t * 1000, category))
            window.advance(to: t * 1000, currentMilliseconds: 120_000, baselineMilliseconds: 240_000)
            guard t % 97 == 0, let psi = window.psi else { continue }
            var current: [UInt64: Double] = [:]
            var baseline: [UInt64: Double] = [:]
            for e in entries where e.time > t * 1000 - 360_000 {
                if e.time > t * 1000 - 120_000 { current[e.category, default: 0] += 1 } else { baseline[e.category, default: 0] += 1 }
            }
            let seen = Set(current.keys).union(baseline.keys)
            let nc = current.values.reduce(0, +) + 0.5 * Double(seen.count)
            let nb = baseline.values.reduce(0, +) + 0.5 * Double(seen.count)
            let expected = seen.map { k -> Double in
                let c = ((current[k] ?? 0) + 0.5) / nc
                let b = ((baseline[k] ?? 0) + 0.5) / nb
                return (c - b) * log(c / b)
            }.reduce(0, +)
            #expect(abs(psi - expected) <= 1e-9 * max(1, expected), "t \(t)")
        }
    }
}
