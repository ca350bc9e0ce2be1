#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SentinelCore

/// Stage 2 of decoding: a validating walk over the line that stores the values the trie asks for.
///
/// Everything is plain pointers, so the hot loop does no reference counting, no exclusivity checks and no dynamic
/// dispatch; the cursor travels by value. In indexed mode, string boundaries come from the quote index built by
/// `QuoteIndex` (strings with a backslash are still validated byte by byte); otherwise strings are scanned. Any
/// failure in indexed mode makes the decoder run the sequential mode, whose errors are authoritative.
struct EventScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    /// The line's length.
    let count: Int
    let nodes: UnsafeMutablePointer<TrieNode>
    let entries: UnsafeMutablePointer<TrieEntry>
    let keys: UnsafeMutablePointer<UInt8>
    let resets: UnsafeMutablePointer<Int32>
    let slots: UnsafeMutablePointer<Value>
    let tsCache: UnsafeMutablePointer<TimestampCache>
    /// Next free byte of the scratch buffer (which holds at least the line's length).
    var scratch: UnsafeMutablePointer<UInt8>

    // Quote bitmap (indexed mode): quotes are consumed in order, word by word.
    var indexed = false
    let quoteWords: UnsafeMutablePointer<UInt64>
    var quoteWord = 0
    var quoteBits: UInt64 = 0
    /// Per 64-byte block, the backslashes that start an escape.
    let backslashWords: UnsafeMutablePointer<UInt64>
    /// Offset of the next escape start not yet passed (`Int.max` when the line has none).
    var nextEscape = Int.max

    var timestamp: Int64 = 0
    var hasTimestamp = false
    var kind = ByteString(base: nil, count: 0)
    var hasKind = false

    init(
        start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, decoder: EventDecoder,
        slots: UnsafeMutablePointer<Value>
    ) {
        self.start = start
        self.end = end
        self.count = end - start
        self.nodes = decoder.nodes
        self.entries = decoder.entries
        self.keys = decoder.keys
        self.resets = decoder.resets
        self.slots = slots
        self.tsCache = decoder.tsCache
        let buffers = decoder.buffers.pointee
        self.scratch = buffers.scratch
        self.quoteWords = buffers.quoteWords
        self.backslashWords = buffers.backslashWords
    }

    // MARK: - Errors (cold)

    func publicError(_ failure: ScanFailure) -> EventDecodeError {
        let offset = failure.at - start
        var field: String?
        switch failure.code {
        case .badTimestamp, .badTimestampText, .timestampOutOfRange, .duplicateTimestamp: field = "ts"
        case .kindNotString, .badKind, .duplicateKind: field = "kind"
        case .trailingCharacters: field = nil  // after the object: in no member
        default: field = topLevelKey(containing: failure.at)
        }
        var message = failure.code.message
        if failure.code == .trailingCharacters {
            // A file whose lines end in CR alone reads as one line: a CR in the whitespace before the next object.
            var p = failure.at - 1
            var carriageReturn = false
            while p >= start, p[0] == 0x20 || p[0] == 0x09 || p[0] == 0x0D {
                carriageReturn = carriageReturn || p[0] == 0x0D
                p -= 1
            }
            if carriageReturn { message += " (after a carriage return: lines end in LF or CR LF, not CR alone)" }
        }
        return EventDecodeError(message: message, offset: offset, field: field)
    }

    /// The top-level key whose member (from the key to the following `,` or `}`) contains `at`, found by
    /// re-reading the line; nil when `at` is in a key or between members.
    func topLevelKey(containing at: UnsafePointer<UInt8>) -> String? {
        var p = JSONBytes.skipWhitespace(start, end)
        guard p < end, p[0] == 0x7B else { return nil }
        p = JSONBytes.skipWhitespace(p + 1, end)
        while p < end, p < at, p[0] == 0x22 {
            var escaped = false
            guard let close = try? JSONBytes.scanString(open: p, end: end, escaped: &escaped), close < at else {
                return nil
            }
            let name = String(decoding: UnsafeBufferPointer(start: p + 1, count: close - p - 1), as: UTF8.self)
            p = JSONBytes.skipWhitespace(close + 1, end)
            guard p < end, p[0] == 0x3A else { return name }
            p = JSONBytes.skipWhitespace(p + 1, end)
            guard p < end, let next = try? JSONBytes.skipValue(p, end, depth: 1) else { return name }
            p = JSONBytes.skipWhitespace(next, end)
            if p >= at { return name }
            guard p[0] == 0x2C else { return name }
            p = JSONBytes.skipWhitespace(p + 1, end)
        }
        return nil
    }

    // MARK: - Strings

    /// Offset of the next unescaped quote (a sentinel word ends the bitmap, so this stops at or past the end).
    @inline(__always)
    mutating func nextQuote() -> Int {
        var bits = quoteBits
        var w = quoteWord
        while bits == 0 {
            w &+= 1
            bits = quoteWords[w]
        }
        quoteWord = w
        quoteBits = bits & (bits &- 1)
        return w &<< 6 | bits.trailingZeroBitCount
    }

    /// The string whose opening quote is at `p`: its closing quote and whether it has escapes (validated).
    @inline(__always)
    mutating func string(at p: UnsafePointer<UInt8>) throws(ScanFailure) -> (UnsafePointer<UInt8>, Bool) {
        if indexed {
            let open: Int
            let close: Int
            let bits = quoteBits
            let rest = bits & (bits &- 1)
            if rest != 0 {
                // Both quotes in the current word (the usual case).
                let base = quoteWord &<< 6
                open = base | bits.trailingZeroBitCount
                close = base | rest.trailingZeroBitCount
                quoteBits = rest & (rest &- 1)
            } else {
                open = nextQuote()
                close = nextQuote()
            }
            guard open == p - start && close < count else { throw ScanFailure(.reindex, p) }
            if close < nextEscape { return (start + close, false) }
            let escaped = hasBackslash(from: open + 1, to: close)
            if escaped { try validateEscapes(at: p, close: close) }
            nextEscape = firstEscape(from: close)
            return (start + close, escaped)
        }
        return try sequentialString(at: p)
    }

    @inline(never)
    mutating func sequentialString(at p: UnsafePointer<UInt8>) throws(ScanFailure) -> (UnsafePointer<UInt8>, Bool) {
        var escaped = false
        let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
        return (close, escaped)
    }

    /// Validates the escapes of a string in indexed mode from the escape bitmap (the line has no control
    /// characters); anything unusual is left to the sequential scanner.
    @inline(never)
    mutating func validateEscapes(at p: UnsafePointer<UInt8>, close: Int) throws(ScanFailure) {
        var i = p - start + 1
        while i < close {
            let off = i & 63
            var bits = backslashWords[i &>> 6] &>> UInt64(off)
            let span = min(64 - off, close - i)
            if span < 64 { bits &= (UInt64(1) &<< UInt64(span)) &- 1 }
            while bits != 0 {
                let j = i + bits.trailingZeroBitCount  // a backslash starting an escape; j + 1 < close
                switch start[j + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    break
                case 0x75:
                    guard j + 6 <= close, JSONBytes.hex4(start + j + 2) != nil else { throw ScanFailure(.reindex, p) }
                default:
                    throw ScanFailure(.reindex, p)
                }
                bits &= bits &- 1
            }
            i += span
        }
    }

    /// Offset of the first escape start at or after `from` (the sentinel word makes it at least the line length
    /// when there is none).
    @inline(__always)
    func firstEscape(from: Int) -> Int {
        var w = from &>> 6
        var bits = backslashWords[w] & (~0 &<< UInt64(from & 63))
        while bits == 0 {
            w &+= 1
            bits = backslashWords[w]
        }
        return w &<< 6 | bits.trailingZeroBitCount
    }

    /// Whether an escape starts in the line's bytes `[from, to)` (indexed mode).
    @inline(__always)
    func hasBackslash(from: Int, to: Int) -> Bool {
        if to <= from { return false }
        let w = from &>> 6
        if w == (to &- 1) &>> 6 {
            let span = to &- from  // 1...64
            let bits = backslashWords[w] &>> UInt64(from & 63)
            return span >= 64 ? bits != 0 : bits & ((UInt64(1) &<< UInt64(span)) &- 1) != 0
        }
        return Self.hasBackslashAcrossWords(backslashWords, from: from, to: to)
    }

    @inline(never)
    static func hasBackslashAcrossWords(_ backslashWords: UnsafeMutablePointer<UInt64>, from: Int, to: Int)
        -> Bool
    {
        var i = from
        while i < to {
            let off = i & 63
            var bits = backslashWords[i &>> 6] &>> UInt64(off)
            let span = min(64 - off, to - i)
            if span < 64 { bits &= (UInt64(1) &<< UInt64(span)) &- 1 }
            if bits != 0 { return true }
            i += span
        }
        return false
    }

    @inline(__always)
    mutating func makeString(_ body: UnsafePointer<UInt8>, _ close: UnsafePointer<UInt8>, _ escaped: Bool)
        -> ByteString
    {
        if !escaped { return ByteString(base: body, count: close - body) }
        let n = JSONBytes.unescape(body, close, into: scratch)
        let s = ByteString(base: UnsafePointer(scratch), count: n)
        scratch += n
        return s
    }

    @inline(__always)
    func ws(_ p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        if p < end && p[0] > 0x20 { return p }
        return JSONBytes.skipWhitespace(p, end)
    }

    // MARK: - Whole event

    mutating func decodeEvent() throws(ScanFailure) {
        var p = JSONBytes.skipWhitespace(start, end)
        guard p < end, p[0] == 0x7B else { throw ScanFailure(.expectedObject, p) }
        let objectStart = p
        p = try parseObject(p, node: 0, depth: 1)
        let rootSlot = nodes[0].slot
        if rootSlot >= 0 {
            slots[Int(rootSlot)] = .object(RawObject(bytes: ByteString(base: objectStart, count: p - objectStart)))
        }
        p = JSONBytes.skipWhitespace(p, end)
        if p != end { throw ScanFailure(.trailingCharacters, p) }
    }

    /// `open` at `{`; reads the object's members, descending into the keys the trie holds. Returns the position
    /// after the closing brace. Scalars are handled inline; containers and special keys out of line.
    mutating func parseObject(_ open: UnsafePointer<UInt8>, node index: Int, depth: Int) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        if depth > JSONBytes.maxDepth { throw ScanFailure(.tooDeep, open) }
        let node = nodes[index]
        let table = entries + Int(node.tableStart)
        let mask = node.tableMask
        let end = self.end
        var p = ws(open + 1)
        guard p < end else { throw ScanFailure(.expectedKeyOrBrace, p) }
        if p[0] == 0x7D { return p + 1 }
        if p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        while true {
            // p at the key's opening quote.
            let k = p + 1
            let (close, escaped) = try string(at: p)
            let n = close - k
            p = close + 1
            var child: Int32
            if !escaped && n < 16 && end - k >= 16 {
                let a = UInt64(littleEndian: UnsafeRawPointer(k).loadUnaligned(as: UInt64.self))
                let b = UInt64(littleEndian: UnsafeRawPointer(k + 8).loadUnaligned(as: UInt64.self))
                let w0 = n >= 8 ? a : a & JSONBytes.lowBytesMask(n)
                let w1 = n <= 8 ? 0 : b & JSONBytes.lowBytesMask(n - 8)
                var i = trieHash(w0, w1, n)
                while true {
                    let e = table[Int(i & mask)]
                    if e.node < 0 || (e.w0 == w0 && e.w1 == w1 && Int(e.length) == n) {
                        child = e.node
                        break
                    }
                    i &+= 1
                }
            } else {
                child = slowKey(k, close, escaped, table: table, mask: mask)
            }
            if p < end && p[0] == 0x3A {
                p += 1
            } else {
                p = ws(p)
                guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
                p += 1
            }
            p = ws(p)
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            let c = p[0]
            var slot = -1
            if child >= 0 {
                let target = nodes[Int(child)]
                if target.needsParse != 0 || c == 0x7B || c == 0x5B {
                    p = try parseValue(p, node: Int(child), depth: depth)
                    slot = -2
                } else {
                    slot = Int(target.slot)
                }
            }
            if slot != -2 {
                if c == 0x22 {
                    let (q, escaped) = try string(at: p)
                    if slot >= 0 { slots[slot] = .string(makeString(p + 1, q, escaped)) }
                    p = q + 1
                } else if c &- 0x30 < 10 || c == 0x2D {
                    if slot >= 0 {
                        let (e, v, exact) = try JSONBytes.parseNumber(p, end)
                        slots[slot] = .number(v, text: exact ? nil : p)
                        p = e
                    } else {
                        p = try JSONBytes.skipNumber(p, end)
                    }
                } else if c == 0x7B || c == 0x5B {
                    p = try skipContainer(p, depth: depth + 1)
                } else {
                    let (e, v) = try JSONBytes.scanLiteral(p, end)
                    if slot >= 0 { slots[slot] = v }
                    p = e
                }
            }
            if p < end && p[0] == 0x2C {
                p += 1
                if p < end && p[0] == 0x22 { continue }
                p = ws(p)
                guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                continue
            }
            p = ws(p)
            guard p < end else { throw ScanFailure(.expectedCommaOrBrace, p) }
            let d = p[0]
            if d == 0x7D { return p + 1 }
            if d == 0x2C {
                p = ws(p + 1)
                guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                continue
            }
            throw ScanFailure(.expectedCommaOrBrace, p)
        }
    }

    /// A key that is long, escaped or near the end of the line: unescape, general comparison.
    @inline(never)
    mutating func slowKey(
        _ k: UnsafePointer<UInt8>, _ close: UnsafePointer<UInt8>, _ escaped: Bool,
        table: UnsafeMutablePointer<TrieEntry>, mask: UInt32
    ) -> Int32 {
        var key = k
        var n = close - k
        if escaped {
            // Temporarily at the scratch cursor: keys are not kept.
            n = JSONBytes.unescape(k, close, into: scratch)
            key = UnsafePointer(scratch)
        }
        let (w0, w1) = JSONBytes.keyWords(key, n)
        var i = trieHash(w0, w1, n)
        while true {
            let e = table[Int(i & mask)]
            if e.node < 0 { return -1 }
            if e.w0 == w0 && e.w1 == w1 && Int(e.length) == n {
                if n <= 16 || memcmp(keys + Int(e.keyStart) + 16, key + 16, n - 16) == 0 { return e.node }
            }
            i &+= 1
        }
    }

    /// `p` at the value of a key the trie holds that is special, has descendants or is a container.
    @inline(never)
    mutating func parseValue(_ p: UnsafePointer<UInt8>, node index: Int, depth: Int) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        let node = nodes[index]
        if node.special != 0 { return try parseSpecial(p, node.special, slot: node.slot) }
        if node.resetCount > 0 {
            // A duplicate key replaces everything read below the first occurrence.
            let r = resets + Int(node.resetStart)
            for i in 0..<Int(node.resetCount) { slots[Int(r[i])] = .missing }
        }
        let slot = Int(node.slot)
        let c = p[0]
        switch c {
        case 0x22:
            let (close, escaped) = try string(at: p)
            if slot >= 0 { slots[slot] = .string(makeString(p + 1, close, escaped)) }
            return close + 1
        case 0x7B:
            let e =
                node.childCount > 0
                ? try parseObject(p, node: index, depth: depth + 1)
                : try skipContainer(p, depth: depth + 1)
            if slot >= 0 { slots[slot] = .object(RawObject(bytes: ByteString(base: p, count: e - p))) }
            return e
        case 0x5B:
            let e = try skipContainer(p, depth: depth + 1)
            if slot >= 0 { slots[slot] = .array(RawArray(bytes: ByteString(base: p, count: e - p))) }
            return e
        case 0x74, 0x66, 0x6E:
            let (e, v) = try JSONBytes.scanLiteral(p, end)
            if slot >= 0 { slots[slot] = v }
            return e
        default:
            guard c == 0x2D || c &- 0x30 < 10 else { throw ScanFailure(.expectedValue, p) }
            let (e, v, exact) = try JSONBytes.parseNumber(p, end)
            if slot >= 0 { slots[slot] = .number(v, text: exact ? nil : p) }
            return e
        }
    }

    /// `ts` (special 1) or `kind` (special 2) at the top level.
    mutating func parseSpecial(_ p: UnsafePointer<UInt8>, _ special: UInt8, slot: Int32) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        let c = p[0]
        if special == 1 {
            if hasTimestamp { throw ScanFailure(.duplicateTimestamp, p) }
            if c == 0x22 {
                let (close, escaped) = try string(at: p)
                let text = makeString(p + 1, close, escaped)
                guard let t = Timestamp.parseRFC3339(text.buffer, cache: &tsCache.pointee) else {
                    throw ScanFailure(.badTimestampText, p)
                }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = .string(text) }
                return close + 1
            } else if c == 0x2D || c &- 0x30 < 10 {
                let n = try JSONBytes.scanNumber(p, end)
                guard let t = Timestamp.epochMillis(n, text: p) else { throw ScanFailure(.timestampOutOfRange, p) }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = JSONBytes.value(n, text: p) }
                return n.end
            } else {
                throw ScanFailure(.badTimestamp, p)
            }
        } else {
            if hasKind { throw ScanFailure(.duplicateKind, p) }
            guard c == 0x22 else { throw ScanFailure(.kindNotString, p) }
            let (close, escaped) = try string(at: p)
            kind = makeString(p + 1, close, escaped)
            guard EventKind.isValid(utf8: kind.buffer) else { throw ScanFailure(.badKind, p) }
            hasKind = true
            if slot >= 0 { slots[Int(slot)] = .string(kind) }
            return close + 1
        }
    }

    // MARK: - Skipping

    /// Validates and skips a value no path needs.
    @inline(__always)
    mutating func skipValue(_ p: UnsafePointer<UInt8>, depth: Int) throws(ScanFailure) -> UnsafePointer<UInt8> {
        let c = p[0]
        if c == 0x7B || c == 0x5B { return try skipContainer(p, depth: depth + 1) }
        return try skipScalar(p)
    }

    @inline(__always)
    mutating func skipScalar(_ p: UnsafePointer<UInt8>) throws(ScanFailure) -> UnsafePointer<UInt8> {
        let c = p[0]
        if c == 0x22 { return try string(at: p).0 + 1 }
        if c &- 0x30 < 10 || c == 0x2D { return try JSONBytes.skipNumber(p, end) }
        return try JSONBytes.scanLiteral(p, end).0
    }

    /// Validates the array or object whose opening bracket is at `start` (nesting level `depth`); returns the
    /// position after its closing bracket. Flat containers take a short path; nested ones the general machine.
    mutating func skipContainer(_ start: UnsafePointer<UInt8>, depth: Int) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        if depth > JSONBytes.maxDepth { throw ScanFailure(.tooDeep, start) }
        let isObject = start[0] == 0x7B
        let close: UInt8 = isObject ? 0x7D : 0x5D
        var p = ws(start + 1)
        guard p < end else { throw ScanFailure(isObject ? .expectedKeyOrBrace : .expectedValue, p) }
        if p[0] == close { return p + 1 }
        if isObject && p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        let firstQuote = (quoteWord, quoteBits, nextEscape)
        while true {
            if isObject {
                guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                p = try string(at: p).0 + 1
                if p < end && p[0] == 0x3A {
                    p += 1
                } else {
                    p = ws(p)
                    guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
                    p += 1
                }
                p = ws(p)
            }
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            let c = p[0]
            if c == 0x7B || c == 0x5B {
                (quoteWord, quoteBits, nextEscape) = firstQuote
                return try skipNested(start, depth: depth)
            }
            p = try skipScalar(p)
            if p < end && p[0] == 0x2C {
                p = ws(p + 1)
                continue
            }
            p = ws(p)
            guard p < end else { throw ScanFailure(isObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p) }
            if p[0] == close { return p + 1 }
            if p[0] == 0x2C {
                p = ws(p + 1)
                continue
            }
            throw ScanFailure(isObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
        }
    }

    /// The general container validator: an explicit bit stack of object/array levels, no recursion.
    @inline(never)
    mutating func skipNested(_ start: UnsafePointer<UInt8>, depth: Int) throws(ScanFailure) -> UnsafePointer<UInt8> {
        var p = start
        var kinds0: UInt64 = 0  // bit i: level i is an object (levels 0..<64)
        var kinds1: UInt64 = 0  // levels 64..<128
        var level = -1
        var d = depth - 1
        var inObject = false
        // States: 0 = at an opening bracket, 1 = expecting an element, 2 = after an element.
        var state = 0
        while true {
            switch state {
            case 0:
                level += 1
                d += 1
                if d > JSONBytes.maxDepth { throw ScanFailure(.tooDeep, p) }
                inObject = p[0] == 0x7B
                if level < 64 {
                    if inObject { kinds0 |= 1 << UInt64(level) } else { kinds0 &= ~(1 << UInt64(level)) }
                } else {
                    let b = UInt64(level - 64)
                    if inObject { kinds1 |= 1 << b } else { kinds1 &= ~(1 << b) }
                }
                p = ws(p + 1)
                guard p < end else {
                    throw ScanFailure(inObject ? .expectedKeyOrBrace : .expectedValue, p)
                }
                if p[0] == (inObject ? 0x7D : 0x5D) {
                    p += 1
                    level -= 1
                    d -= 1
                    if level < 0 { return p }
                    inObject = (level < 64 ? kinds0 >> UInt64(level) : kinds1 >> UInt64(level - 64)) & 1 != 0
                    state = 2
                } else {
                    if inObject && p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
                    state = 1
                }
            case 1:
                if inObject {
                    guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
                    p = try string(at: p).0 + 1
                    p = ws(p)
                    guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
                    p = ws(p + 1)
                }
                guard p < end else { throw ScanFailure(.expectedValue, p) }
                let c = p[0]
                if c == 0x7B || c == 0x5B {
                    state = 0
                    continue
                }
                p = try skipScalar(p)
                state = 2
            default:
                p = ws(p)
                guard p < end else {
                    throw ScanFailure(inObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
                }
                let c = p[0]
                if c == 0x2C {
                    p = ws(p + 1)
                    state = 1
                } else if c == (inObject ? 0x7D : 0x5D) {
                    p += 1
                    level -= 1
                    d -= 1
                    if level < 0 { return p }
                    inObject = (level < 64 ? kinds0 >> UInt64(level) : kinds1 >> UInt64(level - 64)) & 1 != 0
                } else {
                    throw ScanFailure(inObject ? .expectedCommaOrBrace : .expectedCommaOrBracket, p)
                }
            }
        }
    }

    // MARK: - Header only

    /// Reads top-level members until both `ts` and `kind` are known (sequential mode).
    mutating func scanHeader() throws(ScanFailure) {
        var p = JSONBytes.skipWhitespace(start, end)
        guard p < end, p[0] == 0x7B else { throw ScanFailure(.expectedObject, p) }
        p = ws(p + 1)
        guard p < end else { throw ScanFailure(.expectedKeyOrBrace, p) }
        if p[0] == 0x7D { return }
        if p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        while true {
            guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
            let keyStart = p + 1
            let (close, escaped) = try string(at: p)
            p = ws(close + 1)
            guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
            p = ws(p + 1)
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            var key = keyStart
            var n = close - keyStart
            if escaped {
                n = JSONBytes.unescape(keyStart, close, into: scratch)
                key = UnsafePointer(scratch)
            }
            if n == 2 && key[0] == 0x74 && key[1] == 0x73 {
                p = try parseSpecial(p, 1, slot: -1)
            } else if n == 4 && key[0] == 0x6B && key[1] == 0x69 && key[2] == 0x6E && key[3] == 0x64 {
                p = try parseSpecial(p, 2, slot: -1)
            } else {
                p = try skipValue(p, depth: 1)
            }
            if hasTimestamp && hasKind { return }
            p = ws(p)
            guard p < end else { throw ScanFailure(.expectedCommaOrBrace, p) }
            let c = p[0]
            if c == 0x2C {
                p = ws(p + 1)
                continue
            }
            if c == 0x7D { return }
            throw ScanFailure(.expectedCommaOrBrace, p)
        }
    }
}
