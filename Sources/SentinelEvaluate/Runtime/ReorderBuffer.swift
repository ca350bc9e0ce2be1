/// Events held back for re-ordering: sorted by time, ties in arrival order; line buffers are reused.
struct ReorderBuffer {
    private var entries: [(time: Int64, tag: Int, buffer: Int)] = []
    private var head = 0
    private var buffers: [[UInt8]] = []
    private var freeBuffers: [Int] = []
    private(set) var maxTime: Int64 = .min

    var firstTime: Int64? { head < entries.count ? entries[head].time : nil }

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
        var i = entries.count
        while i > head, entries[i - 1].time > time { i -= 1 }
        if i == entries.count {
            entries.append((time, tag, b))  // in order, the usual case; `insert(at:)` costs more even at the end
        } else {
            entries.insert((time, tag, b), at: i)
        }
        maxTime = max(maxTime, time)
    }

    mutating func removeFirst(_ body: (Int64, Int, UnsafeRawBufferPointer) -> Void) {
        let entry = entries[head]
        head += 1
        buffers[entry.buffer].withUnsafeBytes { body(entry.time, entry.tag, $0) }
        freeBuffers.append(entry.buffer)
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}
