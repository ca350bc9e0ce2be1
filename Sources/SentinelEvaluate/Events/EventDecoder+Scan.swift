#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One event's scan: the line and the decoder's trie as plain pointers, so that the hot loop does no reference
/// counting, no exclusivity checks and no dynamic dispatch. The cursor is passed along by value (it stays in a
/// register); `self` only changes when a value is stored.
struct EventScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let nodes: UnsafeMutablePointer<TrieNode>
    let entries: UnsafeMutablePointer<TrieEntry>
    let keys: UnsafeMutablePointer<UInt8>
    let resets: UnsafeMutablePointer<Int32>
    let slots: UnsafeMutablePointer<Value>
    let tsCache: UnsafeMutablePointer<TimestampCache>
    /// Next free byte of the scratch buffer (which holds at least the line's length).
    var scratch: UnsafeMutablePointer<UInt8>

    var timestamp: Int64 = 0
    var hasTimestamp = false
    var kind = ByteString(base: nil, count: 0)
    var hasKind = false

    init(
        start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, nodes: UnsafeMutablePointer<TrieNode>,
        entries: UnsafeMutablePointer<TrieEntry>, keys: UnsafeMutablePointer<UInt8>,
        resets: UnsafeMutablePointer<Int32>, slots: UnsafeMutablePointer<Value>,
        tsCache: UnsafeMutablePointer<TimestampCache>, scratch: UnsafeMutablePointer<UInt8>
    ) {
        self.tsCache = tsCache
        self.start = start
        self.end = end
        self.nodes = nodes
        self.entries = entries
        self.keys = keys
        self.resets = resets
        self.slots = slots
        self.scratch = scratch
    }

    // MARK: - Errors (cold)

    func publicError(_ failure: ScanFailure) -> EventDecodeError {
        let offset = failure.at - start
        var field: String?
        switch failure.code {
        case .badTimestamp: field = "ts"
        case .kindNotString: field = "kind"
        default: field = topLevelKey(containing: failure.at)
        }
        return EventDecodeError(message: failure.code.message, offset: offset, field: field)
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

    @inline(__always)
    func ws(_ p: UnsafePointer<UInt8>) -> UnsafePointer<UInt8> {
        if p < end && p[0] > 0x20 { return p }
        return JSONBytes.skipWhitespace(p, end)
    }

    /// `p` at `{`; reads the object's members, descending into the keys the trie holds. Returns the position
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
            var child: Int32
            if let (n, w0, w1) = JSONBytes.shortKey(k, end) {
                p = k + n + 1
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
                child = try slowKey(k, table: table, mask: mask, after: &p)
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
                if target.special != 0 || target.resetCount > 0 || c == 0x7B || c == 0x5B {
                    p = try parseValue(p, node: Int(child), depth: depth)
                    slot = -2
                } else {
                    slot = Int(target.slot)
                }
            }
            if slot != -2 {
                if c == 0x22 {
                    let body = p + 1
                    var q = JSONBytes.nextSpecial(body, end)
                    if q < end && q[0] == 0x22 {
                        if slot >= 0 { slots[slot] = .string(ByteString(base: body, count: q - body)) }
                    } else {
                        var escaped = false
                        q = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
                        if slot >= 0 { slots[slot] = .string(makeString(body, q, escaped)) }
                    }
                    p = q + 1
                } else if c &- 0x30 < 10 || c == 0x2D {
                    if slot >= 0 {
                        let (e, v) = try JSONBytes.parseNumber(p, end)
                        slots[slot] = .number(v)
                        p = e
                    } else {
                        p = try JSONBytes.skipNumber(p, end)
                    }
                } else if c == 0x7B || c == 0x5B {
                    p = try JSONBytes.skipContainer(p, end, depth: depth + 1)
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

    /// A key that is long, escaped or near the end of the line: full scan, unescape, general comparison.
    @inline(never)
    mutating func slowKey(
        _ k: UnsafePointer<UInt8>, table: UnsafeMutablePointer<TrieEntry>, mask: UInt32,
        after p: inout UnsafePointer<UInt8>
    ) throws(ScanFailure) -> Int32 {
        var escaped = false
        let close = try JSONBytes.scanString(open: k - 1, end: end, escaped: &escaped)
        p = close + 1
        var key = k
        var n = close - k
        if escaped {
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

    /// Validates and skips a value no path needs.
    @inline(__always)
    func skipValue(_ p: UnsafePointer<UInt8>, depth: Int) throws(ScanFailure) -> UnsafePointer<UInt8> {
        let c = p[0]
        if c == 0x22 {
            var escaped = false
            return try JSONBytes.scanString(open: p, end: end, escaped: &escaped) + 1
        }
        if c &- 0x30 < 10 || c == 0x2D { return try JSONBytes.scanNumber(p, end).end }
        if c == 0x7B || c == 0x5B { return try JSONBytes.skipContainer(p, end, depth: depth + 1) }
        if c == 0x74 || c == 0x66 || c == 0x6E { return try JSONBytes.scanLiteral(p, end).0 }
        throw ScanFailure(.expectedValue, p)
    }

    /// `p` at the value of a key the trie holds; returns the position after the value.
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
            var escaped = false
            let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
            if slot >= 0 { slots[slot] = .string(makeString(p + 1, close, escaped)) }
            return close + 1
        case 0x7B:
            let e =
                node.childCount > 0
                ? try parseObject(p, node: index, depth: depth + 1)
                : try JSONBytes.skipContainer(p, end, depth: depth + 1)
            if slot >= 0 { slots[slot] = .object(RawObject(bytes: ByteString(base: p, count: e - p))) }
            return e
        case 0x5B:
            let e = try JSONBytes.skipContainer(p, end, depth: depth + 1)
            if slot >= 0 { slots[slot] = .array(RawArray(bytes: ByteString(base: p, count: e - p))) }
            return e
        case 0x74, 0x66, 0x6E:
            let (e, v) = try JSONBytes.scanLiteral(p, end)
            if slot >= 0 { slots[slot] = v }
            return e
        default:
            guard c == 0x2D || c &- 0x30 < 10 else { throw ScanFailure(.expectedValue, p) }
            let (e, v) = try JSONBytes.parseNumber(p, end)
            if slot >= 0 { slots[slot] = .number(v) }
            return e
        }
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

    /// `ts` (special 1) or `kind` (special 2) at the top level.
    mutating func parseSpecial(_ p: UnsafePointer<UInt8>, _ special: UInt8, slot: Int32) throws(ScanFailure)
        -> UnsafePointer<UInt8>
    {
        let c = p[0]
        if special == 1 {
            if c == 0x22 {
                var escaped = false
                let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
                let text = makeString(p + 1, close, escaped)
                guard let t = Timestamp.parseRFC3339(text.buffer, cache: &tsCache.pointee) else {
                    throw ScanFailure(.badTimestamp, p)
                }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = .string(text) }
                return close + 1
            } else if c == 0x2D || c &- 0x30 < 10 {
                let n = try JSONBytes.scanNumber(p, end)
                guard let t = Timestamp.epochMillis(n, text: p) else { throw ScanFailure(.badTimestamp, p) }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = .number(JSONBytes.numberValue(n, text: p)) }
                return n.end
            } else {
                throw ScanFailure(.badTimestamp, p)
            }
        } else {
            guard c == 0x22 else { throw ScanFailure(.kindNotString, p) }
            var escaped = false
            let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
            kind = makeString(p + 1, close, escaped)
            hasKind = true
            if slot >= 0 { slots[Int(slot)] = .string(kind) }
            return close + 1
        }
    }

    // MARK: - Header only

    /// Reads top-level members until both `ts` and `kind` are known.
    mutating func scanHeader() throws(ScanFailure) {
        var p = JSONBytes.skipWhitespace(start, end)
        guard p < end, p[0] == 0x7B else { throw ScanFailure(.expectedObject, p) }
        p = JSONBytes.skipWhitespace(p + 1, end)
        guard p < end else { throw ScanFailure(.expectedKeyOrBrace, p) }
        if p[0] == 0x7D { return }
        if p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        while true {
            guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
            var escaped = false
            let keyOpen = p
            let close = try JSONBytes.scanString(open: keyOpen, end: end, escaped: &escaped)
            let keyStart = keyOpen + 1
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
