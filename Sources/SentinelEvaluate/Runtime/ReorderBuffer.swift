/// Events held back for re-ordering, released by time with ties in arrival order.
///
/// Most events arrive in time order (or tie): those go to a FIFO whose lines sit back to back in 64 KiB chunks,
/// recycled once every line in them is released, so holding back an hour of a steady stream costs one copy per
/// line, no per-line allocation and no compaction. Events behind the FIFO's newest go to a binary min-heap on
/// (time, arrival number): one that arrives behind thousands of held-back ones (several producers posting at once,
/// a long `allowed_lateness`) costs O(log n), not a scan and a shift. Release takes the earlier of the two heads,
/// so the order is exactly a stable sort by time.
struct ReorderBuffer {
    private struct Entry {
        var time: Int64
        /// Arrival number: breaks ties in time so that equal times leave in the order they came.
        var sequence: Int
        var tag: Int
        /// FIFO: the line's chunk (counted from the first chunk ever used) and offset in it. Heap: its buffer.
        var chunk: Int
        var offset: Int
        var count: Int

        func precedes(_ other: Entry) -> Bool { time < other.time || (time == other.time && sequence < other.sequence) }
    }

    // The in-order FIFO: entries from `fifoHead` on; their lines in `chunks`, the first of which is chunk number
    // `chunkBase`. Lines leave in the order they came, so chunks are freed from the front.
    private static let chunkSize = 1 << 16
    private var fifo: [Entry] = []
    private var fifoHead = 0
    private var chunks: [[UInt8]] = []
    private var chunkBase = 0
    private var spareChunks: [[UInt8]] = []

    // Out-of-order arrivals.
    private var heap: [Entry] = []
    private var buffers: [[UInt8]] = []
    private var freeBuffers: [Int] = []

    private var arrivals = 0
    private(set) var maxTime: Int64 = .min

    var firstTime: Int64? { first?.time }

    private var first: Entry? {
        let inOrder = fifoHead < fifo.count ? fifo[fifoHead] : nil
        guard let top = heap.first else { return inOrder }
        guard let inOrder else { return top }
        return top.precedes(inOrder) ? top : inOrder
    }

    mutating func insert(time: Int64, tag: Int, line: UnsafeRawBufferPointer) {
        defer {
            arrivals += 1
            maxTime = max(maxTime, time)
        }
        if fifoHead == fifo.count || fifo[fifo.count - 1].time <= time {
            if chunks.isEmpty || chunks[chunks.count - 1].count + line.count > chunks[chunks.count - 1].capacity {
                var chunk = spareChunks.popLast() ?? []
                chunk.reserveCapacity(max(Self.chunkSize, line.count))
                chunks.append(chunk)
            }
            let last = chunks.count - 1
            fifo.append(
                Entry(time: time, sequence: arrivals, tag: tag, chunk: chunkBase + last, offset: chunks[last].count, count: line.count))
            chunks[last].append(contentsOf: line)
            return
        }
        let b: Int
        if let reused = freeBuffers.popLast() {
            b = reused
            buffers[b].removeAll(keepingCapacity: true)
        } else {
            b = buffers.count
            buffers.append([])
        }
        buffers[b].append(contentsOf: line)
        heap.append(Entry(time: time, sequence: arrivals, tag: tag, chunk: b, offset: 0, count: line.count))
        siftUp(heap.count - 1)
    }

    /// Hands the earliest held-back line to `body`, then forgets it. Call only when `firstTime` is not nil.
    mutating func removeFirst(_ body: (Int64, Int, UnsafeRawBufferPointer) -> Void) {
        if fifoHead < fifo.count, heap.isEmpty || !heap[0].precedes(fifo[fifoHead]) {
            let entry = fifo[fifoHead]
            let c = entry.chunk - chunkBase
            chunks[c].withUnsafeBytes { body(entry.time, entry.tag, UnsafeRawBufferPointer(rebasing: $0[entry.offset..<entry.offset + entry.count])) }
            fifoHead += 1
            releaseChunks()
            return
        }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        buffers[top.chunk].withUnsafeBytes { body(top.time, top.tag, $0) }
        freeBuffers.append(top.chunk)
    }

    /// Recycles the chunks before the next FIFO line, and drops released entries once they are over half of the
    /// FIFO (amortized O(1) per line).
    private mutating func releaseChunks() {
        let done = fifoHead == fifo.count ? chunks.count : fifo[fifoHead].chunk - chunkBase
        if done > 0 {
            for i in 0..<done where spareChunks.count < 4 {
                chunks[i].removeAll(keepingCapacity: true)
                spareChunks.append(chunks[i])
            }
            chunks.removeFirst(done)
            chunkBase += done
        }
        if fifoHead == fifo.count {
            fifo.removeAll(keepingCapacity: true)
            fifoHead = 0
        } else if fifoHead >= 1024, fifoHead * 2 >= fifo.count {
            fifo.removeFirst(fifoHead)
            fifoHead = 0
        }
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
