import SentinelCore
import Testing

@testable import SentinelEvaluate

/// How a frame column keeps its order statistics: sorted blocks, counts of whole numbers, or the sketch, and the
/// moves between them as samples come and go.
@Suite struct SampleFrameOrderTests {
    /// A frame column of whole-number samples (milliseconds) is exact at any size: past `exactOrderLimit` it counts
    /// them instead of sketching them. A fraction entering sends it back to sorted blocks or the sketch, as its
    /// count calls for, and once the fraction has left it counts again.
    @Test func aFrameColumnCountsWholeNumbersAndStepsAsideForOthers() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 21)
        var kept: [(time: Int64, value: Double)] = []
        var t: Int64 = 0
        func append(_ v: Double) {
            frame.append(time: t, values: [v])
            kept.append((t, v))
            t += 1
        }
        func evict(through cutoff: Int64) {
            frame.evict(through: cutoff)
            kept.removeAll { $0.time <= cutoff }
        }
        func check(_ keeping: SampleFrame.OrderKeeping, exact: Bool = true, _ note: String) {
            #expect(frame.orderKeeping(0) == keeping, "\(note)")
            let sorted = kept.map(\.value).sorted()
            for q in [0, 0.5, 0.9, 0.99, 1] {
                let expected = SortedValuesTests.quantile(q, sorted)!
                let got = frame.quantile(0, q)!
                if exact {
                    #expect(got == expected, "q \(q), \(note)")
                } else {
                    #expect(abs(got - expected) <= 0.005 * abs(expected) * (1 + 1e-9), "q \(q), \(note)")
                }
            }
        }
        let latency = { Double(80 + generator.next() % 8_000) }
        for _ in 0..<(SampleFrame.countsThreshold - 1) { append(latency()) }
        check(.sortedValues, "under the threshold")
        append(latency())
        check(.integerCounts, "at the threshold")
        for _ in 0..<SampleFrame.exactOrderLimit { append(latency()) }
        check(.integerCounts, "past the exact limit")
        // A fraction: sorted blocks at first, the sketch within 0.5% once past the exact limit.
        let fractionTime = t
        append(1234.5)
        check(.sketch, exact: false, "a fraction among many")
        evict(through: fractionTime - Int64(SampleFrame.exactOrderLimit / 4) + 100)
        check(.sortedValues, "a fraction among fewer")
        for _ in 0..<SampleFrame.exactOrderLimit { append(latency()) }
        check(.sketch, exact: false, "while the fraction stays")
        // The fraction leaves, by an eviction alone (an event without the field, a tick): counted again at once.
        evict(through: fractionTime)
        check(.integerCounts, "the fraction has left")
        append(latency())
        check(.integerCounts, "and a sample came")
        // Shrunk under a quarter of the threshold: sorted blocks.
        evict(through: t - Int64(SampleFrame.countsThreshold / 4) + 1)
        check(.sortedValues, "shrunk")
        // A negative sample below the threshold keeps sorted blocks past it.
        append(-3)
        for _ in 0..<SampleFrame.countsThreshold { append(latency()) }
        check(.sortedValues, "a negative sample")
    }

    /// Whole numbers spread thinly over the range would take a page each: the column keeps sorted blocks (and
    /// tries counting again only at twice the count).
    @Test func thinlySpreadWholeNumbersAreNotCounted() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 4)
        var values: [Double] = []
        for t in 0..<(3 * SampleFrame.countsThreshold) {
            let v = Double(generator.next() % UInt64(IntegerCounts.valueLimit))
            frame.append(time: Int64(t), values: [v])
            values.append(v)
        }
        #expect(frame.orderKeeping(0) == .sortedValues)
        let sorted = values.sorted()
        for q in [0, 0.5, 0.99, 1] { #expect(frame.quantile(0, q) == SortedValuesTests.quantile(q, sorted)) }
    }

    /// Whole numbers over a wider range (latencies up to a minute: 235 pages) are counted once there are enough of
    /// them for the pages to pay: not at 2 048 or 4 096 samples, at 8 192 (tried again at each doubling).
    @Test func widerSpreadWholeNumbersAreCountedOnceThereAreEnough() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 8)
        var values: [Double] = []
        for t in 0..<(4 * SampleFrame.countsThreshold) {
            if t == 2 * SampleFrame.countsThreshold { #expect(frame.orderKeeping(0) == .sortedValues) }
            let v = Double(generator.next() % 60_000)
            frame.append(time: Int64(t), values: [v])
            values.append(v)
        }
        #expect(frame.orderKeeping(0) == .integerCounts)
        let sorted = values.sorted()
        for q in [0, 0.5, 0.99, 1] { #expect(frame.quantile(0, q) == SortedValuesTests.quantile(q, sorted)) }
    }

    /// A burst of thinly spread whole numbers makes counting too costly while it is in the window; once every
    /// sample of that time has left, the column counts again, though it never doubled (it waited for a doubling
    /// that a steady window never reaches).
    @Test func countingResumesOnceASpreadBurstHasLeft() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 13)
        let window: Int64 = 20_000
        var t: Int64 = 0
        func step(_ v: Double) {
            frame.evict(through: t - window)
            frame.append(time: t, values: [v])
            t += 1
        }
        for _ in 0..<window { step(Double(generator.next() % 500)) }
        #expect(frame.orderKeeping(0) == .integerCounts)
        for _ in 0..<4_000 { step(Double(generator.next() % UInt64(IntegerCounts.valueLimit))) }
        #expect(frame.orderKeeping(0) == .sketch)
        for _ in 0..<(2 * window) { step(Double(generator.next() % 500)) }
        #expect(frame.orderKeeping(0) == .integerCounts)
    }

    /// A column that once counted samples spread over the whole range keeps a page buffer that size; once its
    /// samples are few, the next sample sends it to sorted blocks, which frees the buffer.
    @Test func aColumnDoesNotKeepThePagesOfSamplesThatLeft() {
        var frame = SampleFrame(columns: [.init(extremes: false, order: true)])
        var generator = SplitMix64(seed: 17)
        var t: Int64 = 0
        for _ in 0..<200_000 {
            frame.append(time: t, values: [Double(generator.next() % UInt64(IntegerCounts.valueLimit))])
            t += 1
        }
        #expect(frame.orderKeeping(0) == .integerCounts)  // 200 000 samples pay for ~4 000 pages
        frame.evict(through: t - 1_500)
        #expect(frame.orderKeeping(0) == .integerCounts)
        frame.append(time: t, values: [7])
        #expect(frame.orderKeeping(0) == .sortedValues)
    }
}
