import SentinelCore

/// The double's derived values: response ids and text hashes, all from SplitMix64 so a run is repeatable from its
/// seed.
extension SplitMix64 {
    /// 32 lowercase hex digits, like `uuid4().hex` in vLLM's ids, from a seed and a request number.
    static func hexIdentifier(seed: UInt64, number: Int) -> String {
        let base = mix(seed) ^ UInt64(truncatingIfNeeded: number)
        return hex(mix(base)) + hex(mix(base ^ 0xFFFF_FFFF_FFFF_FFFF))
    }

    /// FNV-1a over the bytes of a text: a stable hash (Swift's `Hasher` is seeded per process).
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
