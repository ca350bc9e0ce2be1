#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Series identities (metric name plus labels, whatever order the labels are written in) remembered by the exact
/// bytes of the values they were computed from.
///
/// A scrape repeats the same series every interval, written the same way: hashing a labels object's bytes and
/// comparing them with the remembered ones costs a fraction of reading it member by member. Direct-mapped and
/// bounded: a new series replaces whatever shared its slot; keys over `maxKeyBytes` are not remembered.
struct SeriesIdentityCache {
    private static let entryCount = 4096
    private static let maxKeyBytes = 1024

    private struct Entry {
        var hash: UInt64 = 0
        var identity: UInt64 = 0
        /// Per slot: a kind byte, then for strings and objects the length (8 bytes) and the bytes.
        var key: [UInt8] = []
    }

    private var entries = [Entry](repeating: Entry(), count: entryCount)

    /// The identity of the values in `seriesSlots`, from `compute` unless these exact bytes were seen before.
    mutating func identity(_ seriesSlots: [Int], in slots: UnsafePointer<Value>, compute: () -> UInt64) -> UInt64 {
        var hash = ByteHashing.seed
        var keyBytes = 0
        for slot in seriesSlots {
            let (kind, bytes) = Self.piece(slots[slot])
            ByteHashing.hash(UInt64(kind), into: &hash)
            ByteHashing.hash(bytes.hash64(), into: &hash)
            keyBytes += kind == 0 ? 1 : 9 + bytes.count
        }
        let i = Int(truncatingIfNeeded: hash) & (Self.entryCount - 1)
        if entries[i].hash == hash, entries[i].key.count == keyBytes,
            entries[i].key.withUnsafeBufferPointer({ Self.matches($0, seriesSlots, slots) })
        {
            return entries[i].identity
        }
        let identity = compute()
        if keyBytes <= Self.maxKeyBytes {
            entries[i].hash = hash
            entries[i].identity = identity
            entries[i].key.removeAll(keepingCapacity: true)
            for slot in seriesSlots {
                let (kind, bytes) = Self.piece(slots[slot])
                entries[i].key.append(kind)
                guard kind != 0 else { continue }
                withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { entries[i].key.append(contentsOf: $0) }
                entries[i].key.append(contentsOf: bytes.buffer)
            }
        }
        return identity
    }

    /// A value's part of the key: strings (1) and objects (2) by their bytes; every other value counts as the
    /// same (0), as it does in the identity.
    private static func piece(_ value: Value) -> (UInt8, ByteString) {
        switch value {
        case .string(let s): (1, s)
        case .object(let o): (2, o.bytes)
        default: (0, ByteString(base: nil, count: 0))
        }
    }

    /// Whether a stored key holds exactly these values.
    private static func matches(_ key: UnsafeBufferPointer<UInt8>, _ seriesSlots: [Int], _ slots: UnsafePointer<Value>)
        -> Bool
    {
        var at = 0
        for slot in seriesSlots {
            let (kind, bytes) = piece(slots[slot])
            guard key[at] == kind else { return false }
            at += 1
            guard kind != 0 else { continue }
            let length = UnsafeRawPointer(key.baseAddress! + at).loadUnaligned(as: UInt64.self)
            guard Int(UInt64(littleEndian: length)) == bytes.count else { return false }
            at += 8
            if bytes.count > 0, memcmp(key.baseAddress! + at, bytes.base!, bytes.count) != 0 { return false }
            at += bytes.count
        }
        return true
    }
}
