import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct IntegerCountsTests {
    @Test func countsWholeNumbersUnderTheLimitOnly() {
        for v in [0, 1, 17, 65_535, 1_048_575] as [Double] { #expect(IntegerCounts.canCount(v), "\(v)") }
        for v in [-0.0, -1, 0.5, 1_048_576, 1e300, .infinity, -.infinity, .nan] as [Double] {
            #expect(!IntegerCounts.canCount(v), "\(v)")
        }
    }

    /// Against a sorted array: inserts and removes over the whole range (pages filling, emptying and taken again,
    /// many equal values), as a window grows, shrinks to nothing and grows again.
    @Test func quantilesMatchASortedArray() {
        var generator = SplitMix64(seed: 5)
        let counts = IntegerCounts()
        var reference: [Double] = []
        for step in 0..<30_000 {
            let growing = (step / 6_000) % 2 == 0
            if !reference.isEmpty, !growing || generator.next() % 4 == 0 {
                let v = reference[Int(generator.next() % UInt64(reference.count))]
                counts.remove(v)
                reference.remove(at: reference.firstIndex(of: v)!)
            } else {
                let v: Double =
                    switch step % 4 {
                    case 0: Double(generator.next() % 8)  // runs of equal values
                    case 1: Double(generator.next() % UInt64(IntegerCounts.valueLimit))
                    case 2: Double(IntegerCounts.valueLimit - 1 - Int(generator.next() % 300))
                    default: Double(200 + generator.next() % 5_000)
                    }
                counts.insert(v)
                reference.insert(v, at: reference.firstIndex { $0 >= v } ?? reference.count)
            }
            #expect(counts.count == reference.count)
            guard step % 89 == 0 else { continue }
            for q in [0, 0.01, 0.25, 0.5, 0.95, 0.99, 1] {
                #expect(counts.quantile(q) == SortedValuesTests.quantile(q, reference), "q \(q) at step \(step)")
            }
        }
        #expect(counts.pagesInUse <= reference.count)
    }

    /// The tree covers the pages used so far and widens as larger values come, keeping the samples it holds.
    @Test func quantilesStayExactAsLargerValuesWidenTheTree() {
        var generator = SplitMix64(seed: 11)
        let counts = IntegerCounts()
        var reference: [Double] = []
        for magnitude in [10, 300, 3_000, 70_000, 1_048_575] {
            for _ in 0..<200 {
                let v = Double(generator.next() % UInt64(magnitude + 1))
                counts.insert(v)
                reference.insert(v, at: reference.firstIndex { $0 >= v } ?? reference.count)
            }
            for _ in 0..<50 {
                let v = reference[Int(generator.next() % UInt64(reference.count))]
                counts.remove(v)
                reference.remove(at: reference.firstIndex(of: v)!)
            }
            for q in [0, 0.1, 0.5, 0.9, 0.99, 1] {
                #expect(counts.quantile(q) == SortedValuesTests.quantile(q, reference), "q \(q) up to \(magnitude)")
            }
        }
    }

    @Test func removingASampleItDoesNotHoldChangesNothing() {
        let counts = IntegerCounts()
        counts.insert(300)
        counts.remove(301)
        counts.remove(70_000)
        counts.remove(0.5)
        counts.remove(-1)
        #expect(counts.count == 1)
        #expect(counts.quantile(0.5) == 300)
        counts.remove(300)
        #expect(counts.count == 0)
        #expect(counts.pagesInUse == 0)
        #expect(counts.quantile(0.5) == nil)
    }
}
