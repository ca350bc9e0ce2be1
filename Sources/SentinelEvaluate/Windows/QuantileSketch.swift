import Foundation

/// Order statistics of a large sliding window within a bounded relative error: counts in logarithmic bins (the
/// scheme of DDSketch), summed by a Fenwick tree, so adding, removing and finding the k-th value each cost
/// O(log bins) in 64 KiB, whatever the window holds.
///
/// A value `v > 0` falls in bin `k = ⌈log_γ v⌉`, which covers `(γ^(k−1), γ^k]` and reads back as `2γ^k / (γ + 1)`:
/// within `relativeAccuracy` (0.5%) of every value in it. Negative values mirror positive ones; values under
/// `smallest` in magnitude read back as 0; magnitudes over `largest` fall in the outermost finite bins; ±∞ have
/// bins of their own and read back as themselves.
struct QuantileSketch {
    static let relativeAccuracy = 0.005
    /// `(1 + relativeAccuracy) / (1 − relativeAccuracy)`. This and the constants below are literals, derived in
    /// `QuantileSketchTests`: computed, every read on the hot path would go through a lazy initialiser's check.
    static let gamma = 1.0100502512562812
    static let logGamma = 0.010000083334583179
    static let smallest = 1e-9
    static let largest = 1e12
    /// Bin exponents of `smallest` and `largest`: ⌈log_γ⌉ of each.
    static let lowestExponent = -2072
    static let highestExponent = 2764
    static let binsPerSign = 4837
    /// Layout, in value order: −∞, negative bins (largest magnitude first), zero, positive bins, +∞.
    static let zeroBin = 4838
    static let binCount = 9677
    /// Fenwick tree size: the power of two at or above `binCount`, for the descent in `bin(ofRank:)`.
    static let treeSize = 16384

    /// Fenwick tree over bin counts (1-based: `tree[i]` sums the `i & −i` bins ending at bin `i − 1`).
    private var tree: [Int32]
    private(set) var count = 0

    init() {
        tree = [Int32](repeating: 0, count: Self.treeSize + 1)
    }

    mutating func insert(_ v: Double) {
        add(1, at: Self.bin(of: v))
        count += 1
    }

    /// Removes one value that was inserted (any value of the same bin will do).
    mutating func remove(_ v: Double) {
        add(-1, at: Self.bin(of: v))
        count -= 1
    }

    /// Quantile with linear interpolation between closest ranks, as `SortedValues.quantile` (over the bins' values).
    func quantile(_ q: Double) -> Double? {
        SortedValues.quantile(q, count: count) { r in
            let (bin, above) = bin(ofRank: r)
            let a = Self.value(ofBin: bin)
            guard r + 1 < count else { return (a, nil) }
            // The next rank is in the same bin unless `r` is its last value: one descent and one `pow`, not two.
            return (a, above > 0 ? a : Self.value(ofBin: self.bin(ofRank: r + 1).bin))
        }
    }

    private mutating func add(_ delta: Int32, at bin: Int) {
        tree.withUnsafeMutableBufferPointer { FenwickTree.add(delta, at: bin, in: $0.baseAddress!, size: Self.treeSize) }
    }

    /// The bin holding the value of rank `r` (0-based, `r < count`), and how many of its values rank above `r`.
    private func bin(ofRank r: Int) -> (bin: Int, above: Int) {
        tree.withUnsafeBufferPointer { t in
            let (position, remaining) = FenwickTree.slot(ofRank: r, in: t.baseAddress!, size: Self.treeSize)
            // Bins before it hold at most r values: it is bin `position` (0-based). Its own count is its node's
            // sum less the nodes below it.
            let node = position + 1
            var size = t[node]
            var i = position
            while i > node - (node & -node) {
                size -= t[i]
                i -= i & -i
            }
            return (position, Int(size - remaining - 1))
        }
    }

    static func bin(of v: Double) -> Int {
        if v.isNaN { return zeroBin }
        if v == .infinity { return binCount - 1 }
        if v == -.infinity { return 0 }
        let magnitude = Swift.abs(v)
        if magnitude < smallest { return zeroBin }
        let exponent = Swift.min(Int((log(magnitude) / logGamma).rounded(.up)), highestExponent)
        let offset = Swift.max(exponent, lowestExponent) - lowestExponent  // 0 ..< binsPerSign
        return v > 0 ? zeroBin + 1 + offset : zeroBin - 1 - offset
    }

    static func value(ofBin bin: Int) -> Double {
        if bin == 0 { return -.infinity }
        if bin == binCount - 1 { return .infinity }
        if bin == zeroBin { return 0 }
        let offset = bin > zeroBin ? bin - zeroBin - 1 : zeroBin - 1 - bin
        let magnitude = 2 * pow(gamma, Double(offset + lowestExponent)) / (gamma + 1)
        return bin > zeroBin ? magnitude : -magnitude
    }
}
