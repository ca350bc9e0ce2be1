import Foundation
import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct QuantileSketchTests {
    /// Heavy-tailed samples (latencies from 1 ms to minutes), added and then mostly removed in arrival order as a
    /// sliding window does: every quantile is within 0.5% of the exact one.
    @Test func quantilesAreWithinHalfAPercentOfTheExactOnes() {
        var generator = SplitMix64(seed: 5)
        var sketch = QuantileSketch()
        var samples: [Double] = []
        for _ in 0..<60_000 {
            let u = max(Double(generator.next() % 1_000_000) / 1_000_000, 1e-6)
            let v = exp(6.5 + 1.2 * sqrt(-2 * log(u)) * cos(Double(generator.next() % 1000) / 1000 * 2 * .pi))
            sketch.insert(v)
            samples.append(v)
        }
        func check(_ window: ArraySlice<Double>) {
            let sorted = window.sorted()
            #expect(sketch.count == sorted.count)
            for q in [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1] {
                let exact = SortedValuesTests.quantile(q, sorted)!
                let approximate = sketch.quantile(q)!
                #expect(abs(approximate - exact) <= QuantileSketch.relativeAccuracy * exact * (1 + 1e-9), "q \(q)")
            }
        }
        check(samples[...])
        for v in samples[..<45_000] { sketch.remove(v) }
        check(samples[45_000...])
    }

    /// The sketch's constants are literals (read on every insert); they are what their definitions give.
    @Test func constantsFollowFromTheRelativeAccuracy() {
        let gamma = (1 + QuantileSketch.relativeAccuracy) / (1 - QuantileSketch.relativeAccuracy)
        #expect(QuantileSketch.gamma == gamma)
        #expect(QuantileSketch.logGamma == log(gamma))
        let lowest = Int((log(QuantileSketch.smallest) / log(gamma)).rounded(.up))
        let highest = Int((log(QuantileSketch.largest) / log(gamma)).rounded(.up))
        #expect(QuantileSketch.lowestExponent == lowest)
        #expect(QuantileSketch.highestExponent == highest)
        #expect(QuantileSketch.binsPerSign == highest - lowest + 1)
        #expect(QuantileSketch.zeroBin == 1 + QuantileSketch.binsPerSign)
        #expect(QuantileSketch.binCount == 2 * QuantileSketch.binsPerSign + 3)
        #expect(QuantileSketch.treeSize >= QuantileSketch.binCount && QuantileSketch.treeSize / 2 < QuantileSketch.binCount)
        #expect(QuantileSketch.treeSize.nonzeroBitCount == 1)
    }

    /// Negative values, zero, values too small to tell from zero, and infinities keep their order and read back as
    /// themselves (within 0.5% for finite ones).
    @Test func signsZeroAndInfinitiesKeepTheirPlaces() {
        var sketch = QuantileSketch()
        for v in [-Double.infinity, -250, -0.003, 0, 1e-12, 7, 4e5, .infinity] { sketch.insert(v) }
        #expect(sketch.quantile(0) == -.infinity)
        #expect(sketch.quantile(1) == .infinity)
        #expect(sketch.quantile(0.5 / 7) == -.infinity)  // halfway from −∞ to −250, as PromQL weighs it
        let ranks = (1...6).map { sketch.quantile(Double($0) / 7)! }
        let exact: [Double] = [-250, -0.003, 0, 0, 7, 4e5]
        for (a, e) in zip(ranks, exact) { #expect(abs(a - e) <= 0.005 * abs(e), "\(a) for \(e)") }
        sketch.remove(-.infinity)
        sketch.remove(.infinity)
        #expect(abs(sketch.quantile(0)! + 250) <= 1.25)
        #expect(abs(sketch.quantile(1)! - 4e5) <= 2e3)
    }

    /// A frame column's order statistics are exact up to `SampleFrame.exactOrderLimit` samples, within 0.5%
    /// beyond, and exact again once the window has shrunk under a quarter of the limit.
    @Test func aFrameColumnSwitchesToTheSketchAndBack() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 9)
        var kept: [(time: Int64, value: Double)] = []
        let limit = SampleFrame.exactOrderLimit
        func checkExact(_ exact: Bool) {
            let sorted = kept.map(\.value).sorted()
            for q in [0, 0.5, 0.99, 1] {
                let expected = SortedValuesTests.quantile(q, sorted)!
                let got = frame.quantile(0, q)!
                if exact {
                    #expect(got == expected, "q \(q) with \(kept.count) samples")
                } else {
                    #expect(abs(got - expected) <= 0.005 * expected * (1 + 1e-9), "q \(q) with \(kept.count) samples")
                }
            }
        }
        var t: Int64 = 0
        func append() {
            let v = Double(generator.next() % 100_000) / 10 + 1
            frame.append(time: t, values: [v])
            kept.append((t, v))
            t += 1
        }
        for _ in 0..<limit { append() }
        checkExact(true)
        for _ in 0..<limit { append() }
        checkExact(false)
        // The window narrows to under a quarter of the limit: exact again.
        let cutoff = t - Int64(limit / 4) + 10
        frame.evict(through: cutoff)
        kept.removeAll { $0.time <= cutoff }
        checkExact(true)
        append()
        checkExact(true)
    }
}
