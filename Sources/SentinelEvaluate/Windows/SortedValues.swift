/// A multiset of doubles kept sorted in blocks (like a one-level B-tree), for exact order statistics of a
/// sliding window: insert and remove cost O(log n + block), the k-th smallest O(n / block).
struct SortedValues {
    private static let maxBlock = 256
    private var blocks: [[Double]] = []
    /// By block, side by side: its size and its last (largest) element. Finding a block or a rank reads these
    /// two contiguous arrays instead of one block header per step.
    private var sizes: [Int] = []
    private var lasts: [Double] = []
    private(set) var count = 0

    mutating func insert(_ v: Double) {
        count += 1
        guard !blocks.isEmpty else {
            blocks.append([v])
            sizes.append(1)
            lasts.append(v)
            return
        }
        let b = blockIndex(for: v)
        let i = Self.lowerBound(blocks[b], v)
        blocks[b].insert(v, at: i)
        sizes[b] += 1
        if i == sizes[b] - 1 { lasts[b] = v }
        if sizes[b] > Self.maxBlock {
            let upper = Array(blocks[b][(Self.maxBlock / 2)...])
            blocks[b].removeLast(blocks[b].count - Self.maxBlock / 2)
            blocks.insert(upper, at: b + 1)
            sizes[b] = Self.maxBlock / 2
            sizes.insert(upper.count, at: b + 1)
            lasts[b] = blocks[b][sizes[b] - 1]
            lasts.insert(upper[upper.count - 1], at: b + 1)
        }
    }

    /// Removes one copy of `v` (which must be present).
    mutating func remove(_ v: Double) {
        guard !blocks.isEmpty else { return }
        var b = blockIndex(for: v)
        var i = Self.lowerBound(blocks[b], v)
        // Equal values can spill into the next block.
        while i == sizes[b], b + 1 < blocks.count {
            b += 1
            i = Self.lowerBound(blocks[b], v)
        }
        guard i < sizes[b], blocks[b][i] == v || (v.isNaN && blocks[b][i].isNaN) else { return }
        blocks[b].remove(at: i)
        count -= 1
        sizes[b] -= 1
        if sizes[b] == 0 {
            blocks.remove(at: b)
            sizes.remove(at: b)
            lasts.remove(at: b)
        } else if i == sizes[b] {
            lasts[b] = blocks[b][i - 1]
        }
    }

    /// Quantile with linear interpolation between closest ranks (numpy's default, PromQL's quantile_over_time).
    func quantile(_ q: Double) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * Double(count - 1)
        let lower = Int(rank.rounded(.down))
        let (i, k) = position(ofRank: lower)
        let a = blocks[i][k]
        guard lower + 1 < count else { return a }
        // The upper neighbour is next in the block or first in the next one.
        let b = k + 1 < sizes[i] ? blocks[i][k + 1] : blocks[i + 1][0]
        return Self.interpolate(a, b, rank - Double(lower))
    }

    /// The value `fraction` of the way from `a` to `b`. With an infinite neighbour, as PromQL weighs them
    /// (`a·(1−f) + b·f`: −∞ and −250 give −∞ halfway, where `a + (b − a)·f` gives NaN), and `a` itself at an exact
    /// rank or between equal values.
    @inline(__always)
    static func interpolate(_ a: Double, _ b: Double, _ fraction: Double) -> Double {
        if fraction == 0 || a == b { return a }
        if a.isInfinite || b.isInfinite { return a * (1 - fraction) + b * fraction }
        return a + (b - a) * fraction
    }

    /// Block and offset of the element of rank `r` (0-based, `r < count`), walking block sizes from the nearer
    /// end: the tail quantiles rules ask for (p95, p99) are a few blocks from the top.
    private func position(ofRank r: Int) -> (block: Int, offset: Int) {
        if r < count / 2 {
            var k = r
            var i = 0
            while k >= sizes[i] {
                k -= sizes[i]
                i += 1
            }
            return (i, k)
        }
        var above = count - 1 - r  // elements after rank r
        var i = sizes.count - 1
        while above >= sizes[i] {
            above -= sizes[i]
            i -= 1
        }
        return (i, sizes[i] - 1 - above)
    }

    /// Calls `body` with every value, in order.
    func forEach(_ body: (Double) -> Void) {
        for block in blocks { for v in block { body(v) } }
    }

    mutating func removeAll() {
        blocks.removeAll()
        sizes.removeAll()
        lasts.removeAll()
        count = 0
    }

    private func blockIndex(for v: Double) -> Int {
        // First block whose last element is >= v; the last block otherwise.
        var low = 0
        var high = blocks.count - 1
        while low < high {
            let mid = (low + high) / 2
            if lasts[mid] < v { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private static func lowerBound(_ a: [Double], _ v: Double) -> Int {
        var low = 0
        var high = a.count
        while low < high {
            let mid = (low + high) / 2
            if a[mid] < v { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
