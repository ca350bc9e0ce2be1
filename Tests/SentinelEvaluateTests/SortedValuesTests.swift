import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct SortedValuesTests {
    /// Against a sorted array: thousands of inserts and removes (many duplicates, so equal values span blocks),
    /// with blocks splitting and emptying, give the same count and quantiles.
    @Test func quantilesMatchASortedArray() {
        var generator = SplitMix64(seed: 3)
        var values = SortedValues()
        var reference: [Double] = []
        for step in 0..<20_000 {
            // Grow to a few thousand, then shrink to nothing, then grow again.
            let growing = (step / 5_000) % 2 == 0
            if !reference.isEmpty, !growing || generator.next() % 4 == 0 {
                let v = reference[Int(generator.next() % UInt64(reference.count))]
                values.remove(v)
                reference.remove(at: reference.firstIndex(of: v)!)
            } else {
                let v = Double(generator.next() % (step % 3 == 0 ? 7 : 100_000)) / 4
                values.insert(v)
                reference.insert(v, at: reference.firstIndex { $0 >= v } ?? reference.count)
            }
            #expect(values.count == reference.count)
            guard step % 97 == 0 else { continue }
            for q in [0, 0.01, 0.5, 0.95, 0.99, 1] {
                #expect(values.quantile(q) == Self.quantile(q, reference), "q \(q) at step \(step)")
            }
        }
    }

    /// Tens of thousands of values fill hundreds of blocks, many runs of blocks (a rank is found by stepping over
    /// runs first): every rank from either end still matches, while growing and while shrinking.
    @Test func ranksAcrossManyRunsOfBlocksMatchASortedArray() {
        var generator = SplitMix64(seed: 11)
        var values = SortedValues()
        var reference: [Double] = []
        for _ in 0..<40_000 {
            let v = Double(generator.next() % 1_000_000)
            values.insert(v)
            reference.append(v)
        }
        reference.sort()
        for step in 0..<40_001 {
            if step % 2_000 == 0 {
                for q in [0, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1] {
                    #expect(values.quantile(q) == Self.quantile(q, reference), "q \(q) at \(reference.count) values")
                }
            }
            guard !reference.isEmpty else { break }
            let v = reference.remove(at: Int(generator.next() % UInt64(reference.count)))
            values.remove(v)
        }
        #expect(values.count == 0)
    }

    /// Neighbours of opposite signs near the double limit: their difference overflows, the quantile does not
    /// (it was +∞, above every sample).
    @Test func quantilesBetweenHugeNeighboursOfOppositeSignsStayBetweenThem() {
        var values = SortedValues()
        values.insert(-1e308)
        values.insert(1.5e308)
        #expect(values.quantile(0.5) == 2.5e307)
        #expect(values.quantile(0.9) == 1.25e308)
        #expect(values.quantile(0) == -1e308)
        #expect(values.quantile(1) == 1.5e308)
    }

    static func quantile(_ q: Double, _ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = q * Double(sorted.count - 1)
        let lo = Int(rank.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - Double(lo))
    }
}
