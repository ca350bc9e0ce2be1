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

    /// Identity of a value for distinct counting and categories: equal values, equal identities; values of
    /// different types (`true` and a number, the string `"[1]"` and the array `[1]`, the number
    /// 9007199254740993 and the string of its digits) apart, as `==` keeps them. Numbers that a double holds and
    /// booleans map one to one and never meet; texts (strings, arrays and objects as written, numbers beyond a
    /// double) are hashed from a starting value per type, so they meet each other or a number only by a 64-bit
    /// hash collision.
    static func identity(_ value: Value) -> UInt64? {
        var h: UInt64
        switch value {
        case .missing, .null: return nil
        case .bool(let b):
            // Among the numbers, as NaN bit patterns, which no JSON number has: no number can meet them.
            h = Tag.number
            hash(b ? 0x7ff8_0000_0000_0001 : 0x7ff8_0000_0000_0002, into: &h)
        case .number(let n, let text):
            if let text {
                // Numbers sharing one double (64-bit IDs): their exact decimal tells them apart.
                var label = NumberFormatting.label(jsonNumber: JSONBytes.numberText(at: text))
                if label != NumberFormatting.label(n) {
                    h = Tag.wideNumber
                    label.withUTF8 { hash($0, into: &h) }
                    return h
                }
            }
            h = Tag.number
            hash((n == 0 ? 0 : n).bitPattern, into: &h)
        case .string(let s):
            h = Tag.string
            hash(s.buffer, into: &h)
        case .array(let a):
            h = Tag.array
            hash(a.bytes.buffer, into: &h)
        case .object(let o):
            h = Tag.object
            hash(o.bytes.buffer, into: &h)
        }
        return h
    }

    /// A starting hash per type of value, so that values of two types meet only by chance.
    private enum Tag {
        static let number: UInt64 = 0x6a09_e667_f3bc_c909
        static let wideNumber: UInt64 = 0xbb67_ae85_84ca_a73b
        static let string: UInt64 = 0x3c6e_f372_fe94_f82b
        static let array: UInt64 = 0xa54f_f53a_5f1d_36f1
        static let object: UInt64 = 0x510e_527f_ade6_82d1
    }
}
