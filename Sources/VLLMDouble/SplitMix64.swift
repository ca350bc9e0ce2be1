/// SplitMix64's finaliser: a cheap, well-spread hash of one 64-bit value. Fault draws, response ids and answer
/// variation all derive from it, so a run is repeatable from its seed.
enum SplitMix64 {
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

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
