import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct SampleFrameTests {
    /// Two columns, the second with holes, through growth, wrap-around, eviction, reset (which shrinks the ring)
    /// and reuse, against plain arrays of what the window holds.
    @Test func aggregatesFollowTheRowsThroughGrowthWrapAndReset() {
        var frame = SampleFrame(columns: [.init(extremes: true, order: true), .init(extremes: true, order: false)])
        var kept: [(time: Int64, a: Double, b: Double)] = []
        var generator = SplitMix64(seed: 11)
        let span: Int64 = 100  // over 64 rows: the ring grows past the size reset shrinks back from
        for round in 0..<2 {
            for t in Int64(0)..<400 {
                let a = Double(generator.next() % 1000) / 10
                let b = t % 3 == 0 ? Double.nan : Double(generator.next() % 100)
                frame.evict(through: t - span)
                kept.removeAll { $0.time <= t - span }
                frame.append(time: t, values: [a, b])
                kept.append((t, a, b))

                let aValues = kept.map(\.a)
                let bValues = kept.map(\.b).filter { !$0.isNaN }
                #expect(frame.count == kept.count)
                #expect(frame.columns[0].count == aValues.count)
                #expect(frame.columns[1].count == bValues.count)
                #expect(abs(frame.columns[0].total - aValues.reduce(0, +)) < 1e-9)
                #expect(frame.maximum(0) == aValues.max())
                #expect(frame.minimum(1) == bValues.min())
                let sorted = aValues.sorted()
                #expect(frame.quantile(0, 1) == sorted.last)
                #expect(frame.quantile(0, 0) == sorted.first, "round \(round) t \(t)")
            }
            frame.reset()
            kept.removeAll()
            #expect(frame.isEmpty && frame.columns[0].count == 0 && frame.maximum(0) == nil)
        }
    }

    /// A tally column (0/1 samples: `events`, `condition`) keeps only its count of ones and reads the same sum
    /// and mean, bit for bit, as a column keeping the running sums, through eviction, a frame of holes and reset.
    @Test func tallyColumnReadsWhatRunningSumsRead() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false, tally: true), .init(extremes: false, order: false)])
        var generator = SplitMix64(seed: 5)
        for t in Int64(0)..<600 {
            frame.evict(through: t - 50)
            let v: Double = t % 7 == 0 ? .nan : Double(generator.next() % 2)
            frame.append(time: t, values: [v, v])
            #expect(frame.columns[0].count == frame.columns[1].count)
            #expect(frame.columns[0].total == frame.columns[1].total)
            #expect(frame.columns[0].mean == frame.columns[1].mean)
            if t == 300 { frame.reset() }
        }
    }

    /// A huge sample that leaves the window takes nothing with it: the small samples it outweighed are still
    /// summed exactly (a plain running sum read 0.5 for 0.5 + 0.5 once 1e17 had come and gone).
    @Test(arguments: [1e17, 1e300, -3e200])
    func hugeSamplesLeaveTheSumExact(huge: Double) {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        frame.append(time: 0, values: [huge])
        frame.append(time: 1, values: [0.5])
        frame.append(time: 2, values: [0.1])
        frame.evict(through: 0)
        frame.append(time: 3, values: [0.5])
        #expect(frame.columns[0].total == 0.5 + 0.1 + 0.5)
        #expect(frame.columns[0].mean == (0.5 + 0.1 + 0.5) / 3)
        for t in Int64(4)..<200 { frame.append(time: t, values: [t % 2 == 0 ? huge : 0.25]) }
        frame.evict(through: 199)
        frame.append(time: 200, values: [0.25])
        #expect(frame.columns[0].total == 0.25)
    }

    /// Samples of very different sizes that all leave take nothing with them: one error term alone kept the
    /// rounding of 1e16 against 1e33 and read −1 for a window holding only 0.
    @Test(arguments: [[1e16, 1e33, 1], [1e10, 1e27, 0.001], [3e15, -7e31, 0.3]])
    func samplesOfVeryDifferentSizesLeaveTheSumExact(values: [Double]) {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        for (t, v) in values.enumerated() { frame.append(time: Int64(t), values: [v]) }
        frame.append(time: 10, values: [0])
        frame.evict(through: Int64(values.count - 1))
        #expect(frame.columns[0].total == 0)
        frame.append(time: 11, values: [0.25])
        #expect(frame.columns[0].total == 0.25 && frame.columns[0].mean == 0.125)
    }

    /// An infinite sample makes the sum infinite while it is in the window, and leaves no trace once it is out
    /// (a running sum that had subtracted it would stay NaN).
    @Test func infiniteSamplesCountWhileInTheWindowOnly() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        frame.append(time: 0, values: [0.5])
        frame.append(time: 1, values: [.infinity])
        frame.append(time: 2, values: [0.5])
        #expect(frame.columns[0].total == .infinity)
        #expect(frame.standardDeviation(0)?.isNaN == true)
        frame.append(time: 3, values: [-.infinity])
        #expect(frame.columns[0].total.isNaN)
        frame.evict(through: 1)
        #expect(frame.columns[0].total == -.infinity)
        frame.evict(through: 3)
        frame.append(time: 4, values: [0.25])
        #expect(frame.columns[0].total == 0.25)
        #expect(frame.columns[0].mean == 0.25)
        #expect(frame.standardDeviation(0) == 0)
    }

    /// Finite samples whose squares overflow a double (over ~1.3e154) have an infinite spread, as numpy gives,
    /// not 0 (which made `zscore` lose its value); once they leave, the spread is exact again.
    @Test func overflowingSquaresGiveAnInfiniteSpreadWhileInTheWindow() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        frame.append(time: 0, values: [2e154])
        frame.append(time: 1, values: [0])
        #expect(frame.standardDeviation(0) == .infinity)
        frame.append(time: 2, values: [4])
        frame.evict(through: 0)
        #expect(frame.standardDeviation(0) == 2)
    }

    /// Large samples whose squares do not overflow have their spread (S² / n overflowed first and read 0), and a
    /// sum past the largest double reads +∞, not NaN, and is exact again once its large samples leave.
    @Test func largeSamplesKeepTheirSpreadAndAnOverflowingSumRecovers() throws {
        var spread = SampleFrame(columns: [.init(extremes: false, order: false)])
        for t in Int64(0)..<200 { spread.append(time: t, values: [t % 2 == 0 ? 0 : 1e153]) }
        let sd = try #require(spread.standardDeviation(0))
        #expect(abs(sd - 5e152) / 5e152 < 1e-9, "\(sd)")
        var sum = SampleFrame(columns: [.init(extremes: false, order: false)])
        for t in Int64(1)...3 { sum.append(time: t, values: [8e307]) }
        #expect(sum.columns[0].total == .infinity)
        sum.append(time: 10, values: [1])
        sum.evict(through: 3)
        #expect(sum.columns[0].total == 1)
    }

    /// One sample whose square overflows costs one recomputation when it leaves, not one per eviction while it
    /// is in the window (which made a long window quadratic).
    @Test(arguments: [7, 1])  // 1: a constant gauge, every sample equal to the shift
    func oneHugeSampleDoesNotMakeEvictionQuadratic(period: Int64) {
        // The huge sample comes in the middle of the window: the 50 000 samples before it leave while it stays.
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        for t in Int64(0)...200_000 {
            frame.append(time: t, values: [t == 50_000 ? 1e200 : Double(t % period)])
            frame.evict(through: t - 100_000)
        }
        #expect(frame.standardDeviation(0).map { period == 1 ? $0 == 0 : $0 > 1 && $0 < 3 } == true)
    }

    /// Sums beyond a double's range part way (the largest double M: [−M, −M, M, M, M], [M, M, −M]) end where the
    /// true sum is, and a mean of [M, M] is M; one error term cancelling the sum leaves the second.
    @Test(arguments: [
        ([-Double.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .greatestFiniteMagnitude, .greatestFiniteMagnitude, .greatestFiniteMagnitude], Double.greatestFiniteMagnitude),
        ([.greatestFiniteMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude], .greatestFiniteMagnitude),
        ([.greatestFiniteMagnitude, .greatestFiniteMagnitude], 2 * Double.greatestFiniteMagnitude),
    ])
    func sumsBeyondADoublePartWayEndWhereTheTrueSumIs(values: [Double], total: Double) {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        for (t, v) in values.enumerated() { frame.append(time: Int64(t), values: [v]) }
        #expect(frame.columns[0].total == total)
        #expect(frame.columns[0].mean == (values.count == 2 ? .greatestFiniteMagnitude : total / Double(values.count)))
    }

    @Test func theSecondErrorTermSurvivesTheFirstCancellingTheSum() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        for (t, v) in [1e17, 3, 1e-17].enumerated() { frame.append(time: Int64(t), values: [v]) }
        frame.evict(through: 1)
        #expect(frame.columns[0].total == 1e-17)
    }

    /// Samples far apart throughout (1e200 and 1 alternating, or ±M) keep eviction O(1); the spread is +∞ while
    /// far samples are in the window and exact once they are gone, also when the far one was the shift.
    @Test func farSamplesKeepEvictionLinearAndTheSpreadRecovers() {
        for huge in [1e200, Double.greatestFiniteMagnitude] {
            var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
            for t in Int64(0)..<200_000 {
                frame.append(time: t, values: [t % 2 == 0 ? huge : (t % 4 == 1 ? 1 : -huge)])
                frame.evict(through: t - 100_000)
            }
            #expect(frame.standardDeviation(0) == .infinity)
        }
        var shifted = SampleFrame(columns: [.init(extremes: false, order: false)])
        for (t, v) in [1.0, 2, 1e200, 1e200, 1e200].enumerated() { shifted.append(time: Int64(t), values: [v]) }
        shifted.evict(through: 1)
        #expect(shifted.standardDeviation(0) == 0)
        var offset = SampleFrame(columns: [.init(extremes: false, order: false)])
        for (t, v) in [-5.07e152, -726.3, 8e-304].enumerated() { offset.append(time: Int64(t), values: [v]) }
        offset.evict(through: 0)
        #expect(offset.standardDeviation(0).map { abs($0 - 363.15) < 1e-9 } == true)
    }

    /// A huge sample the sums were re-based on (the newest when an eviction recomputed them, with ordinary samples
    /// before it) takes the infinite spread with it when it leaves: the ordinary samples after it read their own
    /// spread at once. It stayed +∞ until the periodic recomputation, dozens of evictions later.
    @Test func theSpreadIsFiniteAgainOnceAHugeShiftLeaves() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        let samples: [(Int64, Double)] =
            [(0, 256), (725, 12), (750, 256), (4_725, 1e300)] + (0..<40).map { (6_000 + 200 * $0, $0 % 2 == 0 ? 500 : 600) }
        for (t, v) in samples {
            frame.evict(through: t - 4_000)  // a 4-second window
            frame.append(time: t, values: [v])
            let kept = samples.filter { $0.0 > t - 4_000 && $0.0 <= t }.map(\.1)
            if kept.contains(1e300) {
                #expect(frame.standardDeviation(0) == .infinity, "at \(t)")
            } else {
                let mean = kept.reduce(0, +) / Double(kept.count)
                let sd = (kept.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(kept.count)).squareRoot()
                #expect(frame.standardDeviation(0).map { abs($0 - sd) <= 1e-9 * sd } == true, "at \(t)")
            }
        }
    }

    /// Equal samples left behind by a far larger one have a standard deviation of exactly 0 (the shift the sums
    /// were taken from is renewed once it is far from the samples), and a spread close to numpy's otherwise.
    @Test func theStandardDeviationStaysExactAfterAnOutlierLeaves() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: false)])
        frame.append(time: 0, values: [120_000])
        for t in Int64(1)...10 { frame.append(time: t, values: [250.3]) }
        frame.evict(through: 0)
        #expect(frame.standardDeviation(0) == 0)
        #expect(frame.columns[0].mean == 250.3)
        var generator = SplitMix64(seed: 5)
        var kept: [(Int64, Double)] = (1...10).map { ($0, 250.3) }
        for t in Int64(11)..<3_000 {
            // Bursts of outliers among small values near 1e6, entering and leaving a 50-sample window.
            let v = t % 97 < 3 ? 1e9 * Double(generator.next() % 7 + 1) : 1e6 + Double(generator.next() % 1000) / 1000
            frame.evict(through: t - 50)
            kept.removeAll { $0.0 <= t - 50 }
            frame.append(time: t, values: [v])
            kept.append((t, v))
            let mean = kept.map(\.1).reduce(0, +) / Double(kept.count)
            let variance = kept.map { ($0.1 - mean) * ($0.1 - mean) }.reduce(0, +) / Double(kept.count)
            let sd = frame.standardDeviation(0)!
            #expect(abs(sd - variance.squareRoot()) <= 1e-9 * max(1, variance.squareRoot()), "t \(t)")
        }
    }

    /// A reload's replay: column 0 takes the previous frame's column 1, column 1 is new and starts empty.
    @Test func replayMapsColumnsAndLeavesNewOnesEmpty() {
        var previous = SampleFrame(columns: [.init(extremes: false, order: false), .init(extremes: false, order: false)])
        for t in Int64(0)..<20 {
            previous.append(time: t, values: [1.0, Double(t)])
        }
        var next = SampleFrame(columns: [.init(extremes: true, order: false), .init(extremes: false, order: false)])
        next.replay(previous, sources: [1, nil])
        #expect(next.count == 20)
        #expect(next.columns[0].total == 190)
        #expect(next.maximum(0) == 19)
        #expect(next.columns[1].count == 0)
        next.evict(through: 9)
        #expect(next.columns[0].total == 145)
    }
}
