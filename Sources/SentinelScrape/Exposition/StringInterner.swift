/// Byte strings to `String`s, each distinct one made once: an exposition repeats the same names, label names and
/// label values on thousands of lines, so a repeat costs a hash and a comparison instead of an allocation.
struct StringInterner {
    private(set) var strings: [String] = []
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var bytes: [UInt8] = []
    /// Open addressing: indices into `strings`, -1 for an empty slot.
    private var slots = [Int32](repeating: -1, count: 256)

    var count: Int { strings.count }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of the string with these bytes, made on first sight; nil when new bytes are not valid UTF-8.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == h && matches(Int(id), key) { return id }
            slot = (slot + 1) & mask
        }
        guard let string = String(validating: key, as: UTF8.self) else { return nil }
        let id = Int32(strings.count)
        strings.append(string)
        hashes.append(h)
        starts.append(bytes.count)
        lengths.append(key.count)
        bytes.append(contentsOf: key)
        slots[slot] = id
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private func matches(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lengths[id] == key.count else { return false }
        let start = starts[id]
        return bytes.withUnsafeBufferPointer { stored in
            for k in 0..<key.count where stored[start + k] != key[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        slots = [Int32](repeating: -1, count: capacity)
        for (id, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(id)
        }
    }

    /// Eight bytes at a time, each word folded in with a multiply and a shift.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var k = 0
        while k + 8 <= key.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            k += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while k < key.count {
            tail |= UInt64(key[k]) << shift
            shift += 8
            k += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}
