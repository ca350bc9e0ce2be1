/// Timestamped samples in arrival (= event-time) order, in a growable circular buffer.
/// Each sample has a sequence number; `firstSequence` is the oldest one still held.
struct SampleRing {
    private(set) var times: ContiguousArray<Int64>
    private(set) var values: ContiguousArray<Double>
    private var head = 0
    private(set) var count = 0
    private(set) var firstSequence = 0

    init() {
        times = ContiguousArray(repeating: 0, count: 8)
        values = ContiguousArray(repeating: 0, count: 8)
    }

    var isEmpty: Bool { count == 0 }
    var nextSequence: Int { firstSequence + count }

    @inline(__always) func time(at i: Int) -> Int64 { times[(head + i) & (times.count - 1)] }
    @inline(__always) func value(at i: Int) -> Double { values[(head + i) & (values.count - 1)] }
    @inline(__always) func value(sequence: Int) -> Double { value(at: sequence - firstSequence) }

    var oldestTime: Int64 { time(at: 0) }
    var newestTime: Int64 { time(at: count - 1) }
    var oldestValue: Double { value(at: 0) }
    var newestValue: Double { value(at: count - 1) }

    mutating func append(time: Int64, value: Double) {
        if count == times.count { grow() }
        let i = (head + count) & (times.count - 1)
        times[i] = time
        values[i] = value
        count += 1
    }

    /// Removes and returns the oldest sample.
    @discardableResult
    mutating func removeOldest() -> Double {
        let v = values[head]
        head = (head + 1) & (times.count - 1)
        count -= 1
        firstSequence += 1
        return v
    }

    mutating func removeAll() {
        firstSequence += count
        head = 0
        count = 0
        if times.count > 64 {
            times = ContiguousArray(repeating: 0, count: 8)
            values = ContiguousArray(repeating: 0, count: 8)
        }
    }

    private mutating func grow() {
        let capacity = times.count * 2
        var newTimes = ContiguousArray<Int64>(repeating: 0, count: capacity)
        var newValues = ContiguousArray<Double>(repeating: 0, count: capacity)
        for i in 0..<count {
            newTimes[i] = time(at: i)
            newValues[i] = value(at: i)
        }
        times = newTimes
        values = newValues
        head = 0
    }
}
