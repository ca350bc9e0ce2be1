/// FNV-1a over the bytes of a text: a hash that is the same in every process and on every machine (Swift's
/// `Hasher` is seeded per process), for identities that are persisted or compared across runs.
public enum StableHash {
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// 16 lowercase hex digits of `fnv1a(text)`.
    public static func hex(_ text: String) -> String {
        hex(fnv1a(text))
    }

    /// 16 lowercase hex digits, zero-padded.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
