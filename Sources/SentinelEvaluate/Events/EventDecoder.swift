#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SentinelCore

/// What every event carries: its time and its kind.
public struct EventHeader: Sendable {
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    /// The `kind` string, borrowed like any decoded string.
    public var kind: ByteString

    public init(timestamp: Int64, kind: ByteString) {
        self.timestamp = timestamp
        self.kind = kind
    }
}

/// A line that is not a valid event: the message, the 0-based byte offset in the line, and the top-level field
/// the problem is in (`ts`, `kind`, or the key whose value is malformed) when there is one.
public struct EventDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var field: String?
    /// The 1-based column (in characters, as editors count) of `offset`, once `located(in:)` has read the line.
    public var column: Int?

    public init(message: String, offset: Int, field: String? = nil) {
        self.message = message
        self.offset = offset
        self.field = field
    }

    public var description: String {
        if let field { return "\(message) at byte \(offset) (field '\(field)')" }
        return "\(message) at byte \(offset)"
    }

    /// The error with `column` counted in `line`, the line it was found in: one more than the Unicode scalars
    /// (UTF-8 sequence starts) before `offset`, so text before it in any script counts one per character.
    public func located(in line: UnsafeRawBufferPointer) -> EventDecodeError {
        var located = self
        let end = min(max(offset, 0), line.count)
        located.column = 1 + line[..<end].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return located
    }
}

/// A node of the path trie: a key position in the event the graph reads.
struct TrieNode {
    /// The slot this path fills, or -1.
    var slot: Int32 = -1
    /// 1 for the top-level `ts`, 2 for the top-level `kind`.
    var special: UInt8 = 0
    /// Nonzero when the value needs `parseValue` whatever its type (special key, or descendants to reset).
    var needsParse: UInt8 = 0
    var childCount: Int32 = 0
    /// Children as an open-addressing table `entries[tableStart ... tableStart + tableMask]`.
    var tableStart: Int32 = 0
    var tableMask: UInt32 = 0
    /// The slots of the node's strict descendants, `resets[resetStart ..< resetStart + resetCount]`: set back to
    /// missing when a duplicate key replaces the value.
    var resetStart: Int32 = 0
    var resetCount: Int32 = 0
}

/// A child key in a node's open-addressing table: the key's first 16 bytes as two zero-padded words, its length,
/// and (for keys over 16 bytes) where the full key is kept for the remaining comparison.
struct TrieEntry {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var length: Int32 = 0
    var node: Int32 = -1
    var keyStart: Int32 = 0
}

@inline(__always)
func trieHash(_ w0: UInt64, _ w1: UInt64, _ n: Int) -> UInt32 {
    let h = (w0 ^ (w1 &<< 1) ^ UInt64(truncatingIfNeeded: n)) &* 0x9E37_79B9_7F4A_7C15
    return UInt32(truncatingIfNeeded: h >> 40)
}

/// Scratch space for one line: unescaped strings, and the quote and escape bitmaps (one word per 64 bytes plus a
/// sentinel word).
struct LineBuffers {
    var capacity: Int
    var scratch: UnsafeMutablePointer<UInt8>
    var quoteWords: UnsafeMutablePointer<UInt64>
    var backslashWords: UnsafeMutablePointer<UInt64>
    var usesQuoteIndex = true

    init(capacity: Int) {
        self.capacity = capacity
        scratch = .allocate(capacity: capacity)
        quoteWords = .allocate(capacity: capacity / 64 + 2)
        backslashWords = .allocate(capacity: capacity / 64 + 2)
    }

    func deallocate() {
        scratch.deallocate()
        quoteWords.deallocate()
        backslashWords.deallocate()
    }
}

/// Decodes one JSON event line into the field slots the condition graph reads, skipping everything else.
///
/// Built once per graph from its field paths (`[["model"], ["response_guard", "safety"], ...]`). Allocation-free
/// per event after warm-up: strings are borrowed from the line; only strings with escapes are unescaped, into a
/// reusable scratch buffer. The whole line is validated while scanning; values no path needs are skipped
/// (validated, never decoded). Not thread-safe: one decoder per thread.
public final class EventDecoder {
    public let paths: [[String]]
    public var slotCount: Int { paths.count }
    /// Whether to index quotes with SIMD before validating (faster on typical lines). Results are identical
    /// either way; `false` forces the byte-by-byte scanner (for benchmarks and differential tests).
    public var usesQuoteIndex: Bool {
        get { buffers.pointee.usesQuoteIndex }
        set { buffers.pointee.usesQuoteIndex = newValue }
    }

    let nodes: UnsafeMutablePointer<TrieNode>
    let entries: UnsafeMutablePointer<TrieEntry>
    let keys: UnsafeMutablePointer<UInt8>
    let resets: UnsafeMutablePointer<Int32>
    /// Pairs (from, to): slots of duplicate paths, copied after decoding.
    let aliases: UnsafeMutablePointer<Int32>
    let aliasCount: Int
    let tsCache: UnsafeMutablePointer<TimestampCache>
    /// Per-line buffers, behind a pointer so that the hot path reads them without exclusivity checks.
    let buffers: UnsafeMutablePointer<LineBuffers>
    let pad: UnsafeMutablePointer<UInt8>

    /// The unescaped strings of the last line decoded: values may borrow from them as well as from the line.
    var scratch: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffers.pointee.scratch, count: scratchUsed) }
    private var scratchUsed = 0

    /// Slot i receives the value at `paths[i]` (e.g. `["response_guard", "safety"]`, `["labels", "le"]`).
    /// An empty path receives the whole event object.
    public init(paths: [[String]]) {
        self.paths = paths

        // Build a pointer-free trie first.
        struct Building {
            var slot: Int32 = -1
            var special: UInt8 = 0
            var children: [(key: [UInt8], node: Int)] = []
        }
        var tree = [Building()]
        func child(_ parent: Int, _ key: [UInt8]) -> Int {
            if let found = tree[parent].children.first(where: { $0.key == key }) { return found.node }
            tree.append(Building())
            tree[parent].children.append((key, tree.count - 1))
            return tree.count - 1
        }
        let tsNode = child(0, Array("ts".utf8))
        tree[tsNode].special = 1
        let kindNode = child(0, Array("kind".utf8))
        tree[kindNode].special = 2
        var aliasPairs: [Int32] = []
        for (i, path) in paths.enumerated() {
            var node = 0
            for segment in path { node = child(node, Array(segment.utf8)) }
            if tree[node].slot < 0 {
                tree[node].slot = Int32(i)
            } else {
                aliasPairs += [tree[node].slot, Int32(i)]
            }
        }

        // Flatten.
        nodes = .allocate(capacity: tree.count)
        nodes.initialize(repeating: TrieNode(), count: tree.count)
        var flatEntries: [TrieEntry] = []
        var keyBytes: [UInt8] = []
        var resetList: [Int32] = []
        func descendantSlots(_ n: Int) -> [Int32] {
            var out: [Int32] = []
            for c in tree[n].children {
                if tree[c.node].slot >= 0 { out.append(tree[c.node].slot) }
                out += descendantSlots(c.node)
            }
            return out
        }
        for (index, b) in tree.enumerated() {
            var node = TrieNode()
            node.slot = b.slot
            node.special = b.special
            node.childCount = Int32(b.children.count)
            if !b.children.isEmpty {
                var size = 8
                while size < b.children.count * 4 { size *= 2 }
                let start = flatEntries.count
                flatEntries += Array(repeating: TrieEntry(), count: size)
                for c in b.children {
                    let keyStart = keyBytes.count
                    keyBytes += c.key
                    let (w0, w1) = c.key.withUnsafeBufferPointer {
                        $0.isEmpty ? (0, 0) : JSONBytes.keyWords($0.baseAddress!, $0.count)
                    }
                    var h = trieHash(w0, w1, c.key.count)
                    while flatEntries[start + Int(h & UInt32(size - 1))].node >= 0 { h &+= 1 }
                    flatEntries[start + Int(h & UInt32(size - 1))] = TrieEntry(
                        w0: w0, w1: w1, length: Int32(c.key.count), node: Int32(c.node), keyStart: Int32(keyStart))
                }
                node.tableStart = Int32(start)
                node.tableMask = UInt32(size - 1)
                let below = descendantSlots(index)
                node.resetStart = Int32(resetList.count)
                node.resetCount = Int32(below.count)
                resetList += below
            }
            if node.special != 0 || node.resetCount > 0 {
                node.needsParse = 1
            }
            nodes[index] = node
        }
        entries = .allocate(capacity: max(flatEntries.count, 1))
        entries.initialize(repeating: TrieEntry(), count: max(flatEntries.count, 1))
        for (i, e) in flatEntries.enumerated() { entries[i] = e }
        keys = .allocate(capacity: max(keyBytes.count, 1) + 8)
        keys.initialize(repeating: 0, count: max(keyBytes.count, 1) + 8)
        for (i, k) in keyBytes.enumerated() { keys[i] = k }
        resets = .allocate(capacity: max(resetList.count, 1))
        resets.initialize(repeating: 0, count: max(resetList.count, 1))
        for (i, r) in resetList.enumerated() { resets[i] = r }
        aliasCount = aliasPairs.count / 2
        aliases = .allocate(capacity: max(aliasPairs.count, 1))
        aliases.initialize(repeating: 0, count: max(aliasPairs.count, 1))
        for (i, a) in aliasPairs.enumerated() { aliases[i] = a }
        tsCache = .allocate(capacity: 1)
        tsCache.initialize(to: TimestampCache())
        buffers = .allocate(capacity: 1)
        buffers.initialize(to: LineBuffers(capacity: 4096))
        pad = .allocate(capacity: 64)
    }

    deinit {
        nodes.deallocate()
        entries.deallocate()
        keys.deallocate()
        resets.deallocate()
        aliases.deallocate()
        tsCache.deallocate()
        buffers.pointee.deallocate()
        buffers.deallocate()
        pad.deallocate()
    }

    @inline(__always)
    func ensureScratch(_ count: Int) {
        if count > buffers.pointee.capacity { growScratch(count) }
    }

    /// Grows the per-line buffers to hold a line of `count` bytes (amortized: never shrinks).
    @inline(never)
    func growScratch(_ count: Int) {
        var capacity = buffers.pointee.capacity
        while capacity < count { capacity *= 2 }
        let uses = buffers.pointee.usesQuoteIndex
        buffers.pointee.deallocate()
        buffers.pointee = LineBuffers(capacity: capacity)
        buffers.pointee.usesQuoteIndex = uses
    }

    /// Decodes one JSON object line. Fills `slots[0 ..< slotCount]`: absent paths are `.missing`, JSON null is
    /// `.null`, strings are `.string` borrowed from `line` (or from the decoder's scratch buffer when the string has
    /// escapes), numbers `.number`, and arrays/objects `.array`/`.object` raw byte ranges when a path ends on one.
    /// A path through a key that holds a non-object is missing. Duplicate keys: the last one wins, except a second
    /// top-level `ts` or `kind`, which is an error (the event's time and kind would be a guess).
    /// Returned pointers stay valid until the next `decode`/`header` call and while `line` lives.
    public func decode(_ line: UnsafeRawBufferPointer, into slots: UnsafeMutablePointer<Value>) throws(
        EventDecodeError
    ) -> EventHeader {
        let n = slotCount
        for i in 0..<n { slots[i] = .missing }
        ensureScratch(line.count)
        guard let raw = line.baseAddress, line.count > 0 else {
            throw EventDecodeError(message: ScanCode.expectedObject.message, offset: 0)
        }
        let start = raw.assumingMemoryBound(to: UInt8.self)
        let end = start + line.count
        let b = buffers.pointee
        if b.usesQuoteIndex, let index = QuoteIndex.build(
            start, count: line.count, quoteWords: b.quoteWords, backslashWords: b.backslashWords, pad: pad)
        {
            var scanner = EventScanner(start: start, end: end, decoder: self, slots: slots)
            scanner.indexed = true
            scanner.quoteBits = b.quoteWords[0]
            if index.hasBackslash { scanner.nextEscape = scanner.firstEscape(from: 0) }
            var ok = true
            do throws(ScanFailure) {
                try scanner.decodeEvent()
            } catch {
                ok = false
            }
            if ok {
                if index.hasNonASCII { try validateUTF8(scanner) }
                return try finish(scanner, slots)
            }
            // The sequential scanner decides (and reports the exact error).
            for i in 0..<n { slots[i] = .missing }
        }
        var scanner = EventScanner(start: start, end: end, decoder: self, slots: slots)
        do throws(ScanFailure) {
            try scanner.decodeEvent()
        } catch {
            throw scanner.publicError(error)
        }
        try validateUTF8(scanner)
        return try finish(scanner, slots)
    }

    /// Rejects a line that is not UTF-8 (at its first bad byte, naming the member), so no label or output line
    /// carries bytes that are not text. Runs only on lines with bytes over 0x7F.
    func validateUTF8(_ scanner: EventScanner) throws(EventDecodeError) {
        if let bad = UTF8Validation.firstInvalid(scanner.start, count: scanner.count) {
            throw scanner.publicError(ScanFailure(.invalidUTF8, scanner.start + bad))
        }
    }

    @inline(__always)
    func finish(_ scanner: EventScanner, _ slots: UnsafeMutablePointer<Value>) throws(EventDecodeError)
        -> EventHeader
    {
        guard scanner.hasTimestamp else { throw EventDecodeError(message: "missing 'ts'", offset: 0, field: "ts") }
        guard scanner.hasKind else { throw EventDecodeError(message: "missing 'kind'", offset: 0, field: "kind") }
        if aliasCount > 0 {
            for i in 0..<aliasCount { slots[Int(aliases[2 * i + 1])] = slots[Int(aliases[2 * i])] }
        }
        scratchUsed = scanner.scratch - buffers.pointee.scratch
        return EventHeader(timestamp: scanner.timestamp, kind: scanner.kind)
    }

    /// Only `ts` and `kind`, for a re-ordering buffer. Stops reading as soon as both are known (cheap when `ts`
    /// and `kind` come first), so the rest of the line is validated only by `decode`, which also reports a
    /// duplicate `ts` or `kind` later in the line.
    public func header(of line: UnsafeRawBufferPointer) throws(EventDecodeError) -> EventHeader {
        ensureScratch(line.count)
        guard let raw = line.baseAddress, line.count > 0 else {
            throw EventDecodeError(message: ScanCode.expectedObject.message, offset: 0)
        }
        let start = raw.assumingMemoryBound(to: UInt8.self)
        if let header = leadingHeader(start, count: line.count) { return header }
        return try scannedHeader(start, count: line.count)
    }

    /// `header(of:)` by the general scan (any member order, escapes, epoch times; the errors it reports).
    func scannedHeader(_ start: UnsafePointer<UInt8>, count: Int) throws(EventDecodeError) -> EventHeader {
        var scanner = EventScanner(
            start: start, end: start + count, decoder: self,
            slots: UnsafeMutablePointer(mutating: UnsafePointer<Value>(bitPattern: 8)!))
        do throws(ScanFailure) {
            try scanner.scanHeader()
        } catch {
            throw scanner.publicError(error)
        }
        guard scanner.hasTimestamp else { throw EventDecodeError(message: "missing 'ts'", offset: 0, field: "ts") }
        guard scanner.hasKind else { throw EventDecodeError(message: "missing 'kind'", offset: 0, field: "kind") }
        return EventHeader(timestamp: scanner.timestamp, kind: scanner.kind)
    }

    /// The header of a line that starts `{"ts":"<RFC 3339 time>","kind":"<name>"` with no escape in either value,
    /// as producers write it, read in place; nil for anything else (spaces, another order, an epoch `ts`), which
    /// the general scan then reads and reports on.
    @inline(__always)
    func leadingHeader(_ start: UnsafePointer<UInt8>, count: Int) -> EventHeader? {
        let tsPrefix = 7  // {"ts":"
        let kindPrefix = 10  // ","kind":"
        guard count > tsPrefix + 20 + kindPrefix, memcmp(start, Self.leadingTs, tsPrefix) == 0 else { return nil }
        let tsStart = start + tsPrefix
        guard let tsEnd = Self.closingQuote(from: tsStart, end: start + count - kindPrefix),
            let timestamp = Timestamp.parseRFC3339(
                UnsafeBufferPointer(start: tsStart, count: tsEnd - tsStart), cache: &tsCache.pointee),
            memcmp(tsEnd, Self.leadingKind, kindPrefix) == 0
        else { return nil }
        let kindStart = tsEnd + kindPrefix
        guard let kindEnd = Self.closingQuote(from: kindStart, end: start + count),
            EventKind.isValid(utf8: UnsafeBufferPointer(start: kindStart, count: kindEnd - kindStart))
        else { return nil }
        return EventHeader(timestamp: timestamp, kind: ByteString(base: kindStart, count: kindEnd - kindStart))
    }

    private static let leadingTs: [UInt8] = Array(#"{"ts":""#.utf8)
    private static let leadingKind: [UInt8] = Array(#"","kind":""#.utf8)

    /// The first `"` in `[from, end)` when no byte before it is a backslash or a control character.
    @inline(__always)
    static func closingQuote(from: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        let q = JSONBytes.nextSpecial(from, end)
        return q < end && q[0] == 0x22 ? q : nil
    }
}
