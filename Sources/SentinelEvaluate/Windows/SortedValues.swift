/// A multiset of doubles kept sorted in blocks (like a one-level B-tree), for exact order statistics of a
/// sliding window: insert and remove cost O(log n + block), the k-th smallest O(n / block / runLength + runLength).
///
/// Blocks are fixed-size slots of one buffer (`BlockMemory`), so inserting or removing moves doubles within one
/// slot with no array bookkeeping, retain or uniqueness check per step. Like the frame it belongs to, it is mutated
/// only in place: a copy shares the slots.
struct SortedValues {
    private static let maxBlock = 128
    private var memory = BlockMemory(slotSize: maxBlock)
    /// By block, in value order, side by side: its slot, its size and its last (largest) element. Finding a block
    /// or a rank reads these contiguous arrays instead of one block header per step.
    private var slots: [Int32] = []
    private var sizes: [Int32] = []
    private var lasts: [Double] = []
    /// Elements in each run of `runLength` consecutive blocks: finding a rank steps over whole runs first (a
    /// 6-hour median sits dozens of blocks from either end). Kept in step on insert and remove, rebuilt when a
    /// block splits or goes.
    private var runSizes: [Int32] = []
    private static let runShift = 4
    private static let runLength = 1 << runShift
    private(set) var count = 0

    @inline(__always) private func block(_ b: Int) -> UnsafeMutablePointer<Double> { memory.slot(slots[b]) }

    mutating func insert(_ v: Double) {
        count += 1
        guard !slots.isEmpty else {
            let slot = memory.allocate()
            memory.slot(slot)[0] = v
            slots.append(slot)
            sizes.append(1)
            lasts.append(v)
            rebuildRunSizes()
            return
        }
        let b = blockIndex(for: v)
        let n = Int(sizes[b])
        let p = block(b)
        let i = Self.lowerBound(p, n, v)
        (p + i + 1).update(from: p + i, count: n - i)
        p[i] = v
        sizes[b] += 1
        runSizes[b >> Self.runShift] += 1
        if i == n { lasts[b] = v }
        if n + 1 == Self.maxBlock {
            // Full: the upper half moves to a new slot after this one.
            let half = Self.maxBlock / 2
            let slot = memory.allocate()
            memory.slot(slot).update(from: block(b) + half, count: half)
            slots.insert(slot, at: b + 1)
            sizes.insert(Int32(half), at: b + 1)
            lasts.insert(lasts[b], at: b + 1)
            sizes[b] = Int32(half)
            lasts[b] = block(b)[half - 1]
            rebuildRunSizes()
        }
    }

    /// Removes one copy of `v` (which must be present).
    mutating func remove(_ v: Double) {
        guard !slots.isEmpty else { return }
        var b = blockIndex(for: v)
        var i = Self.lowerBound(block(b), Int(sizes[b]), v)
        // Equal values can spill into the next block.
        while i == Int(sizes[b]), b + 1 < slots.count {
            b += 1
            i = Self.lowerBound(block(b), Int(sizes[b]), v)
        }
        let n = Int(sizes[b])
        let p = block(b)
        guard i < n, p[i] == v || (v.isNaN && p[i].isNaN) else { return }
        (p + i).update(from: p + i + 1, count: n - i - 1)
        count -= 1
        sizes[b] -= 1
        runSizes[b >> Self.runShift] -= 1
        if n == 1 {
            memory.free(slots[b])
            slots.remove(at: b)
            sizes.remove(at: b)
            lasts.remove(at: b)
            rebuildRunSizes()
        } else if i == n - 1 {
            lasts[b] = p[i - 1]
        }
    }

    /// Quantile with linear interpolation between closest ranks (numpy's default, PromQL's quantile_over_time).
    func quantile(_ q: Double) -> Double? {
        Self.quantile(q, count: count) { r in
            let (i, k) = position(ofRank: r)
            let a = block(i)[k]
            guard r + 1 < count else { return (a, nil) }
            // The upper neighbour is next in the block or first in the next one.
            return (a, k + 1 < Int(sizes[i]) ? block(i)[k + 1] : block(i + 1)[0])
        }
    }

    /// Quantile `q` of `count` ordered samples with linear interpolation between closest ranks, where
    /// `neighbours(r)` gives the samples of ranks `r` and `r + 1` (nil when `r` is the last): the arithmetic every
    /// order statistic here shares, each finding the neighbours its own way.
    @inline(__always)
    static func quantile(_ q: Double, count: Int, neighbours: (Int) -> (Double, Double?)) -> Double? {
        guard count > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * Double(count - 1)
        let lower = Int(rank)  // the floor: rank >= 0 (and `rounded` is a call into libm on baseline x86-64)
        let (a, b) = neighbours(lower)
        guard let b else { return a }
        return interpolate(a, b, rank - Double(lower))
    }

    /// The value `fraction` of the way from `a` to `b`. With an infinite neighbour, as PromQL weighs them
    /// (`a·(1−f) + b·f`: −∞ and −250 give −∞ halfway, where `a + (b − a)·f` gives NaN), and `a` itself at an exact
    /// rank or between equal values.
    @inline(__always)
    static func interpolate(_ a: Double, _ b: Double, _ fraction: Double) -> Double {
        if fraction == 0 || a == b { return a }
        let difference = b - a
        // Infinite neighbours, or finite ones of opposite signs whose difference is beyond a double (-1e308 and
        // 1.5e308): weighted as PromQL does, which stays between them.
        if difference.isInfinite { return a * (1 - fraction) + b * fraction }
        return a + difference * fraction
    }

    /// Block and offset of the element of rank `r` (0-based, `r < count`), walking runs of blocks then block sizes
    /// from the nearer end: the tail quantiles rules ask for (p95, p99) are a few blocks from the top.
    private func position(ofRank r: Int) -> (block: Int, offset: Int) {
        if r < count / 2 {
            var k = r
            var run = 0
            while k >= Int(runSizes[run]) {
                k -= Int(runSizes[run])
                run += 1
            }
            var i = run << Self.runShift
            while k >= Int(sizes[i]) {
                k -= Int(sizes[i])
                i += 1
            }
            return (i, k)
        }
        var above = count - 1 - r  // elements after rank r
        var run = runSizes.count - 1
        while above >= Int(runSizes[run]) {
            above -= Int(runSizes[run])
            run -= 1
        }
        var i = Swift.min(sizes.count, (run + 1) << Self.runShift) - 1
        while above >= Int(sizes[i]) {
            above -= Int(sizes[i])
            i -= 1
        }
        return (i, Int(sizes[i]) - 1 - above)
    }

    /// `runSizes` from `sizes`.
    private mutating func rebuildRunSizes() {
        runSizes = Swift.stride(from: 0, to: sizes.count, by: Self.runLength).map { start in
            sizes[start..<Swift.min(sizes.count, start + Self.runLength)].reduce(0, +)
        }
    }

    /// Calls `body` with every value, in order.
    func forEach(_ body: (Double) -> Void) {
        for b in slots.indices {
            let p = block(b)
            for k in 0..<Int(sizes[b]) { body(p[k]) }
        }
    }

    private func blockIndex(for v: Double) -> Int {
        // First block whose last element is >= v; the last block otherwise.
        lasts.withUnsafeBufferPointer { l in
            var low = 0
            var high = l.count - 1
            while low < high {
                let mid = (low + high) / 2
                if l[mid] < v { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    private static func lowerBound(_ p: UnsafeMutablePointer<Double>, _ n: Int, _ v: Double) -> Int {
        var low = 0
        var high = n
        while low < high {
            let mid = (low + high) / 2
            if p[mid] < v { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// Fixed-size slots of doubles in one growable buffer, with a free list.
final class BlockMemory {
    private let slotSize: Int
    private var base: UnsafeMutablePointer<Double>
    private var capacity = 0
    private var used = 0
    private var freeSlots: [Int32] = []

    init(slotSize: Int) {
        self.slotSize = slotSize
        base = .allocate(capacity: 0)
    }

    deinit { base.deallocate() }

    /// Valid until the next `allocate`.
    @inline(__always) func slot(_ s: Int32) -> UnsafeMutablePointer<Double> { base + Int(s) * slotSize }

    func allocate() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        if used == capacity {
            // From one slot (1 KiB): a group's quantile windows mostly hold few samples, and 4 slots a window made
            // ~20 KiB a group before its first few events (3 GB at the 100 000-group cap).
            let larger = max(1, 2 * capacity)
            let grown = UnsafeMutablePointer<Double>.allocate(capacity: larger * slotSize)
            grown.update(from: base, count: used * slotSize)
            base.deallocate()
            base = grown
            capacity = larger
        }
        used += 1
        return Int32(used - 1)
    }

    func free(_ s: Int32) { freeSlots.append(s) }
}
