/// A running sum of finite samples that keeps what rounding takes off, to second order (Klein's cascade of
/// Neumaier's step), and cannot overflow while the true sum fits a double: adding and later subtracting samples of
/// very different sizes (1e16, 1e33, 1) leaves the sum of what stays, and [M, M, −M] of the largest double sums
/// to M, in any order.
struct CompensatedSum {
    /// Samples of magnitude 2⁵¹² or more, scaled by 2⁻⁵¹² (exactly: a power of two), and the rest as they are:
    /// neither part can overflow, and neither loses the other's small terms.
    private var large = KleinSum()
    private var normal = KleinSum()

    /// ±∞ only when the sum itself is beyond a double.
    var value: Double { large.value * 0x1p512 + normal.value }

    /// The mean of `count` samples, finite whenever they are (their sum may be beyond a double).
    func mean(of count: Double) -> Double { (large.value / count) * 0x1p512 + normal.value / count }

    @inline(__always)
    mutating func add(_ x: Double) {
        if abs(x) >= 0x1p512 { large.add(x * 0x1p-512) } else { normal.add(x) }
    }
}

/// Klein's second-order compensated sum (of terms that do not overflow it).
private struct KleinSum {
    private var sum = 0.0
    private var error = 0.0
    private var secondError = 0.0

    /// The error terms are added to the sum in order: when the sum and the first error cancel, the second is
    /// what remains.
    var value: Double { (sum + error) + secondError }

    @inline(__always)
    mutating func add(_ x: Double) {
        let t = sum + x
        let c = abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
        let u = error + c
        secondError += abs(error) >= abs(c) ? (error - u) + c : (c - u) + error
        error = u
    }
}
