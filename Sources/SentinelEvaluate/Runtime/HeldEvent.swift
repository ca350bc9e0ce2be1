/// An event held back for re-ordering, kept decoded in one block of the re-order buffer: its header, kind, field
/// values, and the bytes they borrow (its line, decoded in place in the block, and the strings the decoder
/// unescaped). An event is decoded, and so found malformed or not, when it arrives, before its time moves the
/// clock; it is released by a copy of its values, not a second decode.
///
/// Block layout: five words (line bytes, scratch bytes, values, kind index or −1, generation), the header, the
/// values, the line, the scratch; rounded up to 16 bytes, so blocks back to back stay aligned.
struct HeldEvent {
    private static let wordsSize = 5 * MemoryLayout<Int>.stride
    private static let valuesOffset = wordsSize + MemoryLayout<EventHeader>.stride

    /// The event's line, valid while the block is held.
    let line: UnsafeRawBufferPointer
    /// The engine generation that wrote the block: the slot layout its values follow.
    let generation: Int
    /// Index of the event's kind among those the graph reads, as that generation's engine found it.
    let kind: Int?
    private let block: UnsafeRawPointer
    private let valueCount: Int

    /// The most bytes an event of a `line`-byte line with `values` values takes (unescaped strings are never longer
    /// than the line).
    static func capacity(values: Int, line: Int) -> Int {
        (valuesOffset + values * MemoryLayout<Value>.stride + 2 * line + 15) & ~15
    }

    /// Copies `line` into `block` (of `capacity(values:line:)` bytes) and has `decode` read that copy into
    /// `values[0 ..< count]`, so the values borrow from the block; the strings the decoder unescaped (its
    /// `scratch`) are copied after the line and the values borrowing them moved there. Returns the bytes used.
    static func write<Failure: Error>(
        _ line: UnsafeRawBufferPointer, into block: UnsafeMutableRawPointer, generation: Int,
        values: UnsafeMutablePointer<Value>, count: Int, decoder: EventDecoder,
        decode: (UnsafeRawBufferPointer) throws(Failure) -> (EventHeader, Int?)
    ) throws(Failure) -> Int {
        let newLine = block + valuesOffset + count * MemoryLayout<Value>.stride
        if let bytes = line.baseAddress { newLine.copyMemory(from: bytes, byteCount: line.count) }
        var (header, kind) = try decode(UnsafeRawBufferPointer(start: newLine, count: line.count))
        let scratch = decoder.scratch
        if let bytes = scratch.baseAddress, scratch.count > 0 {
            let newScratch = newLine + line.count
            newScratch.copyMemory(from: bytes, byteCount: scratch.count)
            let move = ScratchRelocation(scratch: scratch, to: UnsafeRawPointer(newScratch))
            header.kind = move.string(header.kind)
            for i in 0..<count { values[i] = move.value(values[i]) }
        }
        let words = block.bindMemory(to: Int.self, capacity: 5)
        words[0] = line.count
        words[1] = scratch.count
        words[2] = count
        words[3] = kind ?? -1
        words[4] = generation
        (block + wordsSize).initializeMemory(as: EventHeader.self, repeating: header, count: 1)
        (block + valuesOffset).initializeMemory(as: Value.self, from: values, count: count)
        return (valuesOffset + count * MemoryLayout<Value>.stride + line.count + scratch.count + 15) & ~15
    }

    /// The event written at `block`.
    init(_ block: UnsafeRawBufferPointer) {
        self.block = block.baseAddress!
        let words = self.block.assumingMemoryBound(to: Int.self)
        valueCount = words[2]
        kind = words[3] < 0 ? nil : words[3]
        generation = words[4]
        line = UnsafeRawBufferPointer(
            start: self.block + Self.valuesOffset + valueCount * MemoryLayout<Value>.stride, count: words[0])
    }

    /// Copies the values into `values` (as many as were written) and returns the header.
    func restore(into values: UnsafeMutablePointer<Value>) -> EventHeader {
        values.update(from: (block + Self.valuesOffset).assumingMemoryBound(to: Value.self), count: valueCount)
        return (block + Self.wordsSize).assumingMemoryBound(to: EventHeader.self).pointee
    }
}

/// Moves pointers into the decoder's scratch to the same offsets in its copy; others stay.
private struct ScratchRelocation {
    let scratch: UnsafeRawBufferPointer
    let newScratch: UnsafeRawPointer

    init(scratch: UnsafeRawBufferPointer, to newScratch: UnsafeRawPointer) {
        self.scratch = scratch
        self.newScratch = newScratch
    }

    func value(_ value: Value) -> Value {
        guard case .string(let s) = value else { return value }  // only strings are unescaped
        return .string(string(s))
    }

    func string(_ s: ByteString) -> ByteString {
        guard let p = s.base, let start = scratch.baseAddress else { return s }
        let raw = UnsafeRawPointer(p)
        // The end is in the range: an empty string may point there.
        guard raw >= start, raw <= start + scratch.count else { return s }
        return ByteString(base: (newScratch + (raw - start)).assumingMemoryBound(to: UInt8.self), count: s.count)
    }
}
