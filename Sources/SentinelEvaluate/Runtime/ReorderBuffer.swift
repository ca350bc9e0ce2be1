/// Events held back for re-ordering, released by time with ties in arrival order. A binary min-heap on (time,
/// arrival number): an event that arrives behind thousands of held-back ones (several producers posting at once, a
/// long `allowed_lateness`) costs O(log n), not a scan and a shift of everything after it. Line buffers are reused.
struct ReorderBuffer {
    private struct Entry {
        var time: Int64
        /// Arrival number: breaks ties in time so that equal times leave in the order they came.
        var sequence: Int
        var tag: Int
        var buffer: Int

        func precedes(_ other: Entry) -> Bool { time < other.time || (time == other.time && sequence < other.sequence) }
    }

    private var heap: [Entry] = []
    private var arrivals = 0
    private var buffers: [[UInt8]] = []
    private var freeBuffers: [Int] = []
    private(set) var maxTime: Int64 = .min

    var firstTime: Int64? { heap.first?.time }

    mutating func insert(time: Int64, tag: Int, line: UnsafeRawBufferPointer) {
        let b: Int
        if let reused = freeBuffers.popLast() {
            b = reused
            buffers[b].removeAll(keepingCapacity: true)
        } else {
            b = buffers.count
            buffers.append([])
        }
        buffers[b].append(contentsOf: line)
        heap.append(Entry(time: time, sequence: arrivals, tag: tag, buffer: b))
        arrivals += 1
        siftUp(heap.count - 1)
        maxTime = max(maxTime, time)
    }

    /// Hands the earliest held-back line to `body`, then forgets it. Call only when `firstTime` is not nil.
    mutating func removeFirst(_ body: (Int64, Int, UnsafeRawBufferPointer) -> Void) {
        let first = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        buffers[first.buffer].withUnsafeBytes { body(first.time, first.tag, $0) }
        freeBuffers.append(first.buffer)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let entry = heap[parent]
        let count = heap.count
        while true {
            var child = 2 * parent + 1
            guard child < count else { break }
            if child + 1 < count, heap[child + 1].precedes(heap[child]) { child += 1 }
            guard heap[child].precedes(entry) else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = entry
    }
}
