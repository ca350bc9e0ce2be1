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
                #expect(frame.columns[0].quantile(1) == sorted.last)
                #expect(frame.columns[0].quantile(0) == sorted.first, "round \(round) t \(t)")
            }
            frame.reset()
            kept.removeAll()
            #expect(frame.isEmpty && frame.columns[0].count == 0 && frame.maximum(0) == nil)
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
