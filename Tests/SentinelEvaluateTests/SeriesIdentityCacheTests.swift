import SentinelCore
import Testing

@testable import SentinelEvaluate

@Suite struct SeriesIdentityCacheTests {
    /// Over many more series than the cache has entries (so entries are replaced), with names and labels that
    /// differ in one byte or only in length, every answer is what `compute` gives for those values, and `compute`
    /// runs again only for values the cache no longer holds.
    @Test func answersAreComputedValuesAndRepeatsAreRemembered() {
        var cache = SeriesIdentityCache()
        var generator = SplitMix64(seed: 3)
        // Values of 12 000 series: a name string and a labels object, some with escapes' bytes, some empty.
        let series: [(String, String)] = (0..<12_000).map { i in
            let name = i % 7 == 0 ? "vllm:x" : "vllm:metric_\(i % 50)"
            let labels = i % 11 == 0 ? "{}" : #"{"model_name":"m\#(i)","le":"\#(i % 13)"}"#
            return (name, labels)
        }
        var storage: [[UInt8]] = []
        var computed = 0
        func ask(_ index: Int) -> (UInt64, Bool) {
            let (name, labels) = series[index]
            let nameBytes = Array(name.utf8)
            let labelBytes = Array(labels.utf8)
            storage = [nameBytes, labelBytes]
            let expected = StableHash.fnv1a(name + "|" + labels)
            var ran = false
            let slots = UnsafeMutablePointer<Value>.allocate(capacity: 3)
            defer { slots.deallocate() }
            let identity = storage[0].withUnsafeBufferPointer { n in
                storage[1].withUnsafeBufferPointer { l in
                    slots[0] = .string(ByteString(base: n.baseAddress, count: n.count))
                    slots[1] = .object(RawObject(bytes: ByteString(base: l.baseAddress, count: l.count)))
                    slots[2] = .number(Double(index))  // not part of the key: every non-string counts the same
                    return cache.identity([0, 1, 2], in: slots) {
                        ran = true
                        computed += 1
                        return expected
                    }
                }
            }
            #expect(identity == expected, "series \(index)")
            return (identity, ran)
        }
        for _ in 0..<40_000 { _ = ask(Int(generator.next() % UInt64(series.count))) }
        // Asked twice in a row, the second answer comes from the cache.
        for index in [0, 1, 77, 11_999] {
            _ = ask(index)
            #expect(ask(index).1 == false)
        }
        #expect(computed < 40_000)
    }
}
