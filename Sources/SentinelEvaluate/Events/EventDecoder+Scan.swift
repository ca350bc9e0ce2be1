/// One event's scan: a cursor over the line plus the decoder's trie, all as plain pointers so that the hot loop
/// does no reference counting, no exclusivity checks and no dynamic dispatch.
struct EventScanner {
    let start: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    var p: UnsafePointer<UInt8>
    let nodes: UnsafeMutablePointer<TrieNode>
    let entries: UnsafeMutablePointer<TrieEntry>
    let keys: UnsafeMutablePointer<UInt8>
    let resets: UnsafeMutablePointer<Int32>
    let slots: UnsafeMutablePointer<Value>
    /// Next free byte of the scratch buffer (which holds at least the line's length).
    var scratch: UnsafeMutablePointer<UInt8>

    var timestamp: Int64 = 0
    var hasTimestamp = false
    var kind = ByteString(base: nil, count: 0)
    var hasKind = false
    /// The top-level key whose value is being read (for error messages).
    var fieldStart: UnsafePointer<UInt8>?
    var fieldLength = 0

    init(
        start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, nodes: UnsafeMutablePointer<TrieNode>,
        entries: UnsafeMutablePointer<TrieEntry>, keys: UnsafeMutablePointer<UInt8>,
        resets: UnsafeMutablePointer<Int32>, slots: UnsafeMutablePointer<Value>, scratch: UnsafeMutablePointer<UInt8>
    ) {
        self.start = start
        self.end = end
        self.p = start
        self.nodes = nodes
        self.entries = entries
        self.keys = keys
        self.resets = resets
        self.slots = slots
        self.scratch = scratch
    }

    static let tsNode = 1
    static let kindNode = 2

    func publicError(_ failure: ScanFailure) -> EventDecodeError {
        var field: String?
        switch failure.code {
        case .badTimestamp: field = "ts"
        case .kindNotString: field = "kind"
        default:
            if let fieldStart {
                field = String(decoding: UnsafeBufferPointer(start: fieldStart, count: fieldLength), as: UTF8.self)
            }
        }
        return EventDecodeError(message: failure.code.message, offset: failure.at - start, field: field)
    }

    // MARK: - Whole event

    mutating func decodeEvent() throws(ScanFailure) {
        p = JSONBytes.skipWhitespace(start, end)
        guard p < end, p[0] == 0x7B else { throw ScanFailure(.expectedObject, p) }
        let objectStart = p
        try parseObject(node: 0, depth: 1)
        fieldStart = nil
        let rootSlot = nodes[0].slot
        if rootSlot >= 0 {
            slots[Int(rootSlot)] = .object(RawObject(bytes: ByteString(base: objectStart, count: p - objectStart)))
        }
        p = JSONBytes.skipWhitespace(p, end)
        if p != end { throw ScanFailure(.trailingCharacters, p) }
    }

    /// `p` at `{`; reads the object's members, descending into the keys the trie holds.
    mutating func parseObject(node index: Int, depth: Int) throws(ScanFailure) {
        if depth > JSONBytes.maxDepth { throw ScanFailure(.tooDeep, p) }
        let node = nodes[index]
        let top = depth == 1
        p = JSONBytes.skipWhitespace(p + 1, end)
        guard p < end else { throw ScanFailure(.expectedKeyOrBrace, p) }
        if p[0] == 0x7D {
            p += 1
            return
        }
        if p[0] != 0x22 { throw ScanFailure(.expectedKeyOrBrace, p) }
        while true {
            guard p < end, p[0] == 0x22 else { throw ScanFailure(.expectedKey, p) }
            var escaped = false
            let keyOpen = p
            let close = try JSONBytes.scanString(open: keyOpen, end: end, escaped: &escaped)
            let keyStart = keyOpen + 1
            if top {
                fieldStart = keyStart
                fieldLength = close - keyStart
            }
            p = JSONBytes.skipWhitespace(close + 1, end)
            guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
            p = JSONBytes.skipWhitespace(p + 1, end)
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            var child: Int32 = -1
            if node.childCount > 0 {
                if escaped {
                    let n = JSONBytes.unescape(keyStart, close, into: scratch)
                    child = lookup(node, UnsafePointer(scratch), n)
                } else {
                    child = lookup(node, keyStart, close - keyStart)
                }
            }
            if child < 0 {
                p = try JSONBytes.skipValue(p, end, depth: depth)
            } else {
                try parseValue(node: Int(child), depth: depth)
            }
            p = JSONBytes.skipWhitespace(p, end)
            guard p < end else { throw ScanFailure(.expectedCommaOrBrace, p) }
            let c = p[0]
            if c == 0x2C {
                p = JSONBytes.skipWhitespace(p + 1, end)
                if top { fieldStart = nil }
                continue
            }
            if c == 0x7D {
                p += 1
                return
            }
            throw ScanFailure(.expectedCommaOrBrace, p)
        }
    }

    @inline(__always)
    func lookup(_ node: TrieNode, _ key: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
        var i = trieHash(key, n)
        let table = entries + Int(node.tableStart)
        while true {
            let e = table[Int(i & node.tableMask)]
            if e.node < 0 { return -1 }
            if Int(e.keyLength) == n {
                let k = keys + Int(e.keyStart)
                var j = 0
                while j < n && k[j] == key[j] { j += 1 }
                if j == n { return e.node }
            }
            i &+= 1
        }
    }

    /// `p` at the value of a key the trie holds.
    mutating func parseValue(node index: Int, depth: Int) throws(ScanFailure) {
        let node = nodes[index]
        if node.special != 0 {
            try parseSpecial(node.special, slot: node.slot)
            return
        }
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
            p = close + 1
        case 0x7B:
            let s = p
            if node.childCount > 0 {
                try parseObject(node: index, depth: depth + 1)
            } else {
                p = try JSONBytes.skipContainer(p, end, depth: depth + 1)
            }
            if slot >= 0 { slots[slot] = .object(RawObject(bytes: ByteString(base: s, count: p - s))) }
        case 0x5B:
            let s = p
            p = try JSONBytes.skipContainer(p, end, depth: depth + 1)
            if slot >= 0 { slots[slot] = .array(RawArray(bytes: ByteString(base: s, count: p - s))) }
        case 0x74, 0x66, 0x6E:
            let (e, v) = try JSONBytes.scanLiteral(p, end)
            if slot >= 0 { slots[slot] = v }
            p = e
        default:
            guard c == 0x2D || c &- 0x30 < 10 else { throw ScanFailure(.expectedValue, p) }
            let n = try JSONBytes.scanNumber(p, end)
            if slot >= 0 { slots[slot] = .number(JSONBytes.numberValue(n, text: p)) }
            p = n.end
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
    mutating func parseSpecial(_ special: UInt8, slot: Int32) throws(ScanFailure) {
        let valueStart = p
        let c = p[0]
        if special == 1 {
            if c == 0x22 {
                var escaped = false
                let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
                let text = makeString(p + 1, close, escaped)
                guard let t = Timestamp.parseRFC3339(text.buffer) else {
                    throw ScanFailure(.badTimestamp, valueStart)
                }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = .string(text) }
                p = close + 1
            } else if c == 0x2D || c &- 0x30 < 10 {
                let n = try JSONBytes.scanNumber(p, end)
                guard let t = Timestamp.epochMillis(n, text: p) else { throw ScanFailure(.badTimestamp, valueStart) }
                timestamp = t
                hasTimestamp = true
                if slot >= 0 { slots[Int(slot)] = .number(JSONBytes.numberValue(n, text: p)) }
                p = n.end
            } else {
                throw ScanFailure(.badTimestamp, valueStart)
            }
        } else {
            guard c == 0x22 else { throw ScanFailure(.kindNotString, valueStart) }
            var escaped = false
            let close = try JSONBytes.scanString(open: p, end: end, escaped: &escaped)
            kind = makeString(p + 1, close, escaped)
            hasKind = true
            if slot >= 0 { slots[Int(slot)] = .string(kind) }
            p = close + 1
        }
    }

    // MARK: - Header only

    /// Reads top-level members until both `ts` and `kind` are known.
    mutating func scanHeader() throws(ScanFailure) {
        p = JSONBytes.skipWhitespace(start, end)
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
            fieldStart = keyStart
            fieldLength = close - keyStart
            p = JSONBytes.skipWhitespace(close + 1, end)
            guard p < end, p[0] == 0x3A else { throw ScanFailure(.expectedColon, p) }
            p = JSONBytes.skipWhitespace(p + 1, end)
            guard p < end else { throw ScanFailure(.expectedValue, p) }
            var key = keyStart
            var n = close - keyStart
            if escaped {
                n = JSONBytes.unescape(keyStart, close, into: scratch)
                key = UnsafePointer(scratch)
            }
            if n == 2 && key[0] == 0x74 && key[1] == 0x73 {
                try parseSpecial(1, slot: -1)
            } else if n == 4 && key[0] == 0x6B && key[1] == 0x69 && key[2] == 0x6E && key[3] == 0x64 {
                try parseSpecial(2, slot: -1)
            } else {
                p = try JSONBytes.skipValue(p, end, depth: 1)
            }
            if hasTimestamp && hasKind { return }
            p = JSONBytes.skipWhitespace(p, end)
            guard p < end else { throw ScanFailure(.expectedCommaOrBrace, p) }
            let c = p[0]
            if c == 0x2C {
                p = JSONBytes.skipWhitespace(p + 1, end)
                fieldStart = nil
                continue
            }
            if c == 0x7D { return }
            throw ScanFailure(.expectedCommaOrBrace, p)
        }
    }
}
