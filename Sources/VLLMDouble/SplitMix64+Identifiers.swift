import SentinelCore

/// The double's response ids, from SplitMix64 so a run is repeatable from its seed.
extension SplitMix64 {
    /// 32 lowercase hex digits, like `uuid4().hex` in vLLM's ids, from a seed and a request number.
    static func hexIdentifier(seed: UInt64, number: Int) -> String {
        let base = mix(seed) ^ UInt64(truncatingIfNeeded: number)
        return StableHash.hex(mix(base)) + StableHash.hex(mix(base ^ 0xFFFF_FFFF_FFFF_FFFF))
    }
}
