#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte strings to `String`s, each distinct one made once: an exposition repeats the same names, label names and
/// label values on thousands of lines, so a repeat costs a hash and a comparison instead of an allocation.
struct StringInterner {
    private(set) var strings: [String] = []
    /// Open addressing, at most half full; `id` -1 marks an empty slot.
    private var slots = [Slot](repeating: Slot(), count: 256)
    /// The bytes of every string, back to back.
    private var bytes: [UInt8] = []

    private struct Slot {
        var hash: UInt64 = 0
        var start: Int32 = 0
        var length: Int32 = 0
        var id: Int32 = -1
    }

    var count: Int { strings.count }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of the string with these bytes, made on first sight; nil when new bytes are not valid UTF-8.
    mutating func intern(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[index]
            if slot.id < 0 { break }
            if slot.hash == h && Int(slot.length) == key.count && matches(Int(slot.start), key) { return slot.id }
            index = (index + 1) & mask
        }
        guard let string = String(validating: key, as: UTF8.self) else { return nil }
        let id = Int32(strings.count)
        strings.append(string)
        slots[index] = Slot(hash: h, start: Int32(bytes.count), length: Int32(key.count), id: id)
        bytes.append(contentsOf: key)
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private func matches(_ start: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let keyBase = key.baseAddress, key.count > 0 else { return true }
        return bytes.withUnsafeBufferPointer { stored in
            stored.baseAddress.map { memcmp($0 + start, keyBase, key.count) == 0 } ?? false
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.id >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].id >= 0 { index = (index + 1) & mask }
            slots[index] = slot
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
