/// Events held back for re-ordering, released by time with ties in arrival order. Each is a block of bytes (its
/// line, or the engine's `HeldEvent`) that stays at one address while held.
///
/// Most events arrive in time order (or tie): those go to a FIFO whose blocks sit back to back in 64 KiB chunks,
/// recycled once every block in them is released, so holding back an hour of a steady stream costs one copy per
/// event, no per-event allocation and no compaction. Events behind the FIFO's newest go to a binary min-heap on
/// (time, arrival number): one that arrives behind thousands of held-back ones (several producers posting at once,
/// a long `allowed_lateness`) costs O(log n), not a scan and a shift. Release takes the earlier of the two heads,
/// so the order is exactly a stable sort by time.
struct ReorderBuffer {
    private struct Entry {
        var time: Int64
        /// Arrival number: breaks ties in time so that equal times leave in the order they came.
        var sequence: Int
        /// FIFO: the block's chunk (counted from the first chunk ever used) and offset in it. Heap: its buffer.
        var chunk: Int
        var offset: Int
        var count: Int

        func precedes(_ other: Entry) -> Bool { time < other.time || (time == other.time && sequence < other.sequence) }
    }

    /// Memory that never moves while a block in it is held: a held block may point into itself.
    private final class Chunk {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(byteCount: max(1, capacity), alignment: 16)
        }

        deinit { base.deallocate() }
    }

    // The in-order FIFO: entries from `fifoHead` on; their blocks in `chunks`, the first of which is chunk number
    // `chunkBase`. Blocks leave in the order they came, so chunks are freed from the front.
    private static let chunkSize = 1 << 16
    private var fifo: [Entry] = []
    private var fifoHead = 0
    private var chunks: [Chunk] = []
    private var chunkBase = 0
    private var spareChunks: [Chunk] = []

    // Out-of-order arrivals.
    private var heap: [Entry] = []
    private var buffers: [Chunk] = []
    private var freeBuffers: [Int] = []

    private var arrivals = 0
    private(set) var maxTime: Int64 = .min
    /// Bytes of the blocks held.
    private(set) var heldBytes = 0

    var firstTime: Int64? { first?.time }

    private var first: Entry? {
        let inOrder = fifoHead < fifo.count ? fifo[fifoHead] : nil
        guard let top = heap.first else { return inOrder }
        guard let inOrder else { return top }
        return top.precedes(inOrder) ? top : inOrder
    }

    /// Holds a block that `write` fills at the address it keeps until it is released: at most `capacity` bytes,
    /// as many as `write` returns. Nothing is held (and the time does not count) when `write` throws.
    mutating func insert<Failure: Error>(
        time: Int64, capacity: Int, write: (UnsafeMutableRawPointer) throws(Failure) -> Int
    ) throws(Failure) {
        if fifoHead == fifo.count || fifo[fifo.count - 1].time <= time {
            if chunks.isEmpty || chunks[chunks.count - 1].used + capacity > chunks[chunks.count - 1].capacity {
                var chunk = spareChunks.popLast() ?? Chunk(capacity: max(Self.chunkSize, capacity))
                if chunk.capacity < capacity { chunk = Chunk(capacity: capacity) }
                chunk.used = 0
                chunks.append(chunk)
            }
            let chunk = chunks[chunks.count - 1]
            let count = try write(chunk.base + chunk.used)
            fifo.append(Entry(time: time, sequence: arrivals, chunk: chunkBase + chunks.count - 1, offset: chunk.used, count: count))
            chunk.used += count
            heldBytes += count
        } else {
            let b: Int
            if let reused = freeBuffers.popLast() {
                b = reused
                if buffers[b].capacity < capacity { buffers[b] = Chunk(capacity: capacity) }
            } else {
                b = buffers.count
                buffers.append(Chunk(capacity: capacity))
            }
            let count: Int
            do {
                count = try write(buffers[b].base)
            } catch {
                freeBuffers.append(b)
                throw error
            }
            heap.append(Entry(time: time, sequence: arrivals, chunk: b, offset: 0, count: count))
            siftUp(heap.count - 1)
            heldBytes += count
        }
        arrivals += 1
        maxTime = max(maxTime, time)
    }

    /// Holds a copy of `line`.
    mutating func insert(time: Int64, line: UnsafeRawBufferPointer) {
        insert(time: time, capacity: line.count) { block in
            if let bytes = line.baseAddress { block.copyMemory(from: bytes, byteCount: line.count) }
            return line.count
        }
    }

    /// Hands the earliest held-back block to `body`, then forgets it. Call only when `firstTime` is not nil.
    mutating func removeFirst(_ body: (Int64, UnsafeRawBufferPointer) -> Void) {
        if fifoHead < fifo.count, heap.isEmpty || !heap[0].precedes(fifo[fifoHead]) {
            let entry = fifo[fifoHead]
            let chunk = chunks[entry.chunk - chunkBase]
            body(entry.time, UnsafeRawBufferPointer(start: chunk.base + entry.offset, count: entry.count))
            heldBytes -= entry.count
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
        body(top.time, UnsafeRawBufferPointer(start: buffers[top.chunk].base, count: top.count))
        heldBytes -= top.count
        freeBuffers.append(top.chunk)
    }

    /// Recycles the chunks before the next FIFO block, and drops released entries once they are over half of the
    /// FIFO (amortized O(1) per block).
    private mutating func releaseChunks() {
        let done = fifoHead == fifo.count ? chunks.count : fifo[fifoHead].chunk - chunkBase
        if done > 0 {
            for i in 0..<done where spareChunks.count < 4 && chunks[i].capacity == Self.chunkSize {
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
