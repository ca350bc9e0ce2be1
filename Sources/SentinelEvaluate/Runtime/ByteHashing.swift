/// Hashes for identities of strings, group keys, series and categories in hash tables, built on
/// `ByteString.hash64()` (8 bytes at a time).
enum ByteHashing {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteString(base: bytes.baseAddress, count: bytes.count).hash64()
    }

    /// Folds the hash of `bytes` into a running hash (order matters).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, into h: inout UInt64) {
        hash(hash(bytes), into: &h)
    }

    @inline(__always)
    static func hash(_ value: UInt64, into h: inout UInt64) {
        h ^= value
        h &*= 0x0000_0100_0000_01b3
        h ^= h >> 29
    }

    /// Identity of a value for distinct counting and categories: equal values, equal identities.
    static func identity(_ value: Value) -> UInt64? {
        switch value {
        case .missing, .null: return nil
        case .bool(let b): return b ? 0x9e37_79b9_7f4a_7c15 : 0x6a09_e667_f3bc_c909
        case .number(let n, let text):
            if let text {
                // Numbers sharing one double (64-bit IDs): their exact decimal tells them apart.
                var label = NumberFormatting.label(jsonNumber: JSONBytes.numberText(at: text))
                if label != NumberFormatting.label(n) { return label.withUTF8 { hash($0) } }
            }
            return (n == 0 ? 0 : n).bitPattern &* 0xff51_afd7_ed55_8ccd
        case .string(let s): return hash(s.buffer)
        case .array(let a): return hash(a.bytes.buffer)
        case .object(let o): return hash(o.bytes.buffer)
        }
    }
}
