import SentinelCore

/// Which occurrences of a span to show when there are more than fit: a sample that follows from a seed, so the
/// same trace shows the same documents (OLMoTrace samples with seed 42 too).
enum DocumentSample {
    /// `limit` distinct numbers of `0..<count` (all of them when `count <= limit`), ascending.
    static func ranks(count: Int, limit: Int, seed: UInt64) -> [Int] {
        guard count > limit else { return Array(0..<count) }
        // Floyd's algorithm: `limit` draws, whatever `count` is.
        var generator = SplitMix64(seed: seed)
        var chosen = Set<Int>()
        for upper in (count - limit)..<count {
            let pick = Int.random(in: 0...upper, using: &generator)
            chosen.insert(chosen.contains(pick) ? upper : pick)
        }
        return chosen.sorted()
    }

    /// The seed of one span's sample: the options' seed mixed with the span's text.
    static func seed(_ seed: UInt64, span: String) -> UInt64 {
        SplitMix64.mix(seed ^ StableHash.fnv1a(span))
    }
}
