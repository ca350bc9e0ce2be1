/// Timestamped samples in arrival (= event-time) order, in a growable circular buffer.
/// Each sample has a sequence number; `firstSequence` is the oldest one still held.
struct SampleRing {
    /// A sample's time and value side by side: eviction reads both at the oldest end, so one cache line serves.
    private struct Sample {
        var time: Int64
        var value: Double
    }

    private var samples: ContiguousArray<Sample>
    private var head = 0
    private(set) var count = 0
    private(set) var firstSequence = 0

    init() {
        samples = ContiguousArray(repeating: Sample(time: 0, value: 0), count: 8)
    }

    var isEmpty: Bool { count == 0 }
    var nextSequence: Int { firstSequence + count }

    @inline(__always) func time(at i: Int) -> Int64 { samples[(head + i) & (samples.count - 1)].time }
    @inline(__always) func value(at i: Int) -> Double { samples[(head + i) & (samples.count - 1)].value }
    @inline(__always) func value(sequence: Int) -> Double { value(at: sequence - firstSequence) }

    var oldestTime: Int64 { time(at: 0) }
    var newestTime: Int64 { time(at: count - 1) }
    var oldestValue: Double { value(at: 0) }
    var newestValue: Double { value(at: count - 1) }

    mutating func append(time: Int64, value: Double) {
        if count == samples.count { grow() }
        samples[(head + count) & (samples.count - 1)] = Sample(time: time, value: value)
        count += 1
    }

    /// Removes and returns the oldest sample.
    @discardableResult
    mutating func removeOldest() -> Double {
        let v = samples[head].value
        head = (head + 1) & (samples.count - 1)
        count -= 1
        firstSequence += 1
        return v
    }

    mutating func removeAll() {
        firstSequence += count
        head = 0
        count = 0
        if samples.count > 64 { samples = ContiguousArray(repeating: Sample(time: 0, value: 0), count: 8) }
    }

    private mutating func grow() {
        var larger = ContiguousArray(repeating: Sample(time: 0, value: 0), count: samples.count * 2)
        for i in 0..<count { larger[i] = samples[(head + i) & (samples.count - 1)] }
        samples = larger
        head = 0
    }
}
