#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Group keys of one partition (the values of its `group_by` fields) mapped to dense group indices.
///
/// Open addressing over encoded key bytes. A lookup hashes the event's values and compares them with the stored
/// keys in place; only a new group's key is encoded. Evicted indices are reused. Each slot of the table holds the
/// upper half of its group's hash beside the index, so probing past other groups reads nothing else: with 100 000
/// groups every other read is a cache miss.
struct GroupTable {
    private var keys: [[UInt8]] = []
    private var hashes: [UInt64] = []
    /// `empty`, `tombstone`, or a group: its hash's upper 32 bits, then its index + 2.
    private var table = [UInt64](repeating: empty, count: 16)
    private static let empty: UInt64 = 0
    private static let tombstone: UInt64 = 1
    private var tombstones = 0
    private var freeIndices: [Int32] = []
    private var scratch: [UInt8] = []
    /// Whether index `i` holds a live group.
    private(set) var live: [Bool] = []
    /// Event time each group was last seen.
    var lastSeen: [Int64] = []
    private(set) var liveCount = 0

    /// Number of indices ever handed out (live or free): the size per-group arrays must have.
    var capacity: Int { keys.count }

    enum Lookup {
        case existing(Int)
        case created(Int)
        case full
    }

    @inline(__always) private static func entry(_ hash: UInt64, _ index: Int) -> UInt64 {
        hash & 0xFFFF_FFFF_0000_0000 | UInt64(index + 2)
    }

    @inline(__always) private static func index(_ entry: UInt64) -> Int { Int(entry & 0xFFFF_FFFF) - 2 }

    /// Finds or creates the group of the current event.
    mutating func lookup(_ slots: UnsafePointer<Value>, _ groupSlots: UnsafeBufferPointer<Int32>, limit: Int) -> Lookup {
        lookup(slots, groupSlots, hash: Self.keyHash(groupSlots) { Self.labelHash(slots[Int($0)]) }, limit: limit)
    }

    /// `lookup`, with the key's hash already computed (`keyHash`).
    mutating func lookup(
        _ slots: UnsafePointer<Value>, _ groupSlots: UnsafeBufferPointer<Int32>, hash: UInt64, limit: Int
    ) -> Lookup {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hash) & mask
        var firstTombstone = -1
        while true {
            let entry = table[position]
            if entry == Self.empty { break }
            if entry == Self.tombstone {
                if firstTombstone < 0 { firstTombstone = position }
            } else if entry & 0xFFFF_FFFF_0000_0000 == tag,
                keys[Self.index(entry)].withUnsafeBufferPointer({ Self.key($0, holds: slots, groupSlots) })
            {
                return .existing(Self.index(entry))
            }
            position = (position + 1) & mask
        }
        guard liveCount < limit else { return .full }
        scratch.removeAll(keepingCapacity: true)
        for slot in groupSlots { Self.encode(slots[Int(slot)], into: &scratch) }
        let index: Int
        if let reused = freeIndices.popLast() {
            index = Int(reused)
            keys[index] = scratch
            hashes[index] = hash
            live[index] = true
        } else {
            index = keys.count
            keys.append(scratch)
            hashes.append(hash)
            live.append(true)
            lastSeen.append(0)
        }
        if firstTombstone >= 0 {
            table[firstTombstone] = Self.entry(hash, index)
            tombstones -= 1
        } else {
            table[position] = Self.entry(hash, index)
        }
        liveCount += 1
        if (liveCount + tombstones) * 4 > table.count * 3 { rehash() }
        return .created(index)
    }

    /// Alert label values of group `index`, in `group_by` order (read back from its key).
    func labels(of index: Int) -> [String] {
        keys[index].withUnsafeBufferPointer { k in
            var values: [String] = []
            var i = 0
            while i < k.count {
                let n = Int(UInt32(littleEndian: UnsafeRawPointer(k.baseAddress! + i).loadUnaligned(as: UInt32.self)))
                i += 4
                values.append(String(decoding: UnsafeBufferPointer(rebasing: k[i..<i + n]), as: UTF8.self))
                i += n
            }
            return values
        }
    }

    /// Frees a group's index for reuse.
    mutating func remove(_ index: Int) {
        let mask = table.count - 1
        var position = Int(truncatingIfNeeded: hashes[index]) & mask
        let entry = Self.entry(hashes[index], index)
        while table[position] != Self.empty {
            if table[position] == entry {
                table[position] = Self.tombstone
                tombstones += 1
                break
            }
            position = (position + 1) & mask
        }
        live[index] = false
        keys[index] = []
        freeIndices.append(Int32(index))
        liveCount -= 1
    }

    private mutating func rehash() {
        var size = table.count
        while liveCount * 2 > size { size *= 2 }
        table = [UInt64](repeating: Self.empty, count: size)
        tombstones = 0
        for i in 0..<keys.count where live[i] {
            var position = Int(truncatingIfNeeded: hashes[i]) & (size - 1)
            while table[position] != Self.empty { position = (position + 1) & (size - 1) }
            table[position] = Self.entry(hashes[i], i)
        }
    }

    /// Calls `body` with the bytes of `value` as an alert label: a group is its labels, so values that read the
    /// same as labels (`5` and `"5"`, missing and `""`) are one group. Strings are their bytes, numbers their
    /// exact value as formatted in labels (from their text when the double is not exact), missing and null
    /// empty, arrays and objects their JSON text.
    @inline(__always)
    static func withLabelBytes<R>(_ value: Value, _ body: (ByteString) -> R) -> R {
        switch value {
        case .string(let s): return body(s)
        case .missing, .null: return body(ByteString(base: nil, count: 0))
        case .array(let a): return body(a.bytes)
        case .object(let o): return body(o.bytes)
        case .bool(let b):
            let text: StaticString = b ? "true" : "false"
            return body(ByteString(base: text.utf8Start, count: text.utf8CodeUnitCount))
        case .number(let n, let json):
            var text = json.map { NumberFormatting.label(jsonNumber: JSONBytes.numberText(at: $0)) }
                ?? NumberFormatting.label(n)
            return text.withUTF8 { body(ByteString(base: $0.baseAddress, count: $0.count)) }
        }
    }

    /// The hash of the key `encode` would write for the values at `groupSlots`, from each one's `labelHash`.
    @inline(__always)
    static func keyHash(_ groupSlots: UnsafeBufferPointer<Int32>, labelHash: (Int32) -> UInt64) -> UInt64 {
        var h = ByteHashing.seed
        for slot in groupSlots { ByteHashing.hash(labelHash(slot), into: &h) }
        return h
    }

    /// The hash of one value of a group key (of its label bytes).
    static func labelHash(_ value: Value) -> UInt64 { withLabelBytes(value) { $0.hash64() } }

    /// Whether the key bytes `k` are exactly what `encode` writes for the slots' values.
    private static func key(
        _ k: UnsafeBufferPointer<UInt8>, holds slots: UnsafePointer<Value>, _ groupSlots: UnsafeBufferPointer<Int32>
    ) -> Bool {
        guard let base = k.baseAddress else { return groupSlots.isEmpty }
        var i = 0
        for slot in groupSlots {
            let same = withLabelBytes(slots[Int(slot)]) { s in
                guard i + 4 + s.count <= k.count,
                    UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)) == UInt32(s.count)
                else { return false }
                i += 4
                if s.count > 0, memcmp(base + i, s.base!, s.count) != 0 { return false }
                i += s.count
                return true
            }
            if !same { return false }
        }
        return i == k.count
    }

    /// Each label's length (4 bytes, little-endian), then its bytes.
    private static func encode(_ value: Value, into out: inout [UInt8]) {
        withLabelBytes(value) { s in
            withUnsafeBytes(of: UInt32(s.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: s.buffer)
        }
    }
}
