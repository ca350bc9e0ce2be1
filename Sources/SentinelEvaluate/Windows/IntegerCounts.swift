/// Exact order statistics of a sliding window whose samples are whole numbers from 0 to 2²⁰ − 1 (milliseconds up
/// to 17 minutes, token counts): a count per value, in pages of 256 values taken as their values arrive and given
/// back when they empty, each with its total and 16 group totals, and a Fenwick tree over the page totals.
///
/// Adding or removing a sample costs O(log pages), with no search and no values moved, where sorted blocks search
/// twice and shift half a block; the value of rank k costs O(log pages) plus a walk over at most 16 group totals
/// and 16 counts. Memory is 32 KiB plus ~1 KiB for each page it has held at once (`bytes`: its page buffer does
/// not shrink; a frame column whose samples thin out leaves counting), whatever the window holds. A class, so that a
/// frame column holds it in one word and changes it in place.
final class IntegerCounts {
    /// Samples are counted when they are whole numbers under this.
    static let valueLimit = 1 << 20
    private static let pageShift = 8
    private static let pageSize = 1 << pageShift
    private static let groupShift = 4
    private static let groupsPerPage = pageSize >> groupShift
    private static let pageCount = valueLimit >> pageShift
    /// Int32s of one page: its total, its group totals, then a count per value.
    private static let pageStride = 1 + groupsPerPage + pageSize
    private static let firstCount = 1 + groupsPerPage

    /// Slot of each page of values, −1 for none.
    private let slots: UnsafeMutablePointer<Int32>
    /// Fenwick tree over page totals (1-based: `tree[i]` sums the `i & −i` pages ending at page `i − 1`), kept for
    /// the first `span` pages: a power of two past every page used so far, so that latencies of a few seconds
    /// (pages under 32) are found in 6 steps rather than 13.
    private let tree: UnsafeMutablePointer<Int32>
    private var span = 1
    private var pages: UnsafeMutablePointer<Int32>
    private var capacity = 0
    private var used = 0
    /// Slots given back, all zero.
    private var freeSlots: [Int32] = []
    private(set) var count = 0
    /// Pages holding at least one sample.
    private(set) var pagesInUse = 0

    /// Memory held: the page table, the tree and the page buffer.
    var bytes: Int { (2 * Self.pageCount + 1 + capacity * Self.pageStride) * MemoryLayout<Int32>.stride }

    /// Whether `v` can be counted: a whole number in `0 ..< valueLimit` (−0 is not: it would read back as 0).
    @inline(__always)
    static func canCount(_ v: Double) -> Bool {
        // Converting to an integer and back, not `rounded`, which is a call into libm on baseline x86-64.
        v >= 0 && v < Double(valueLimit) && Double(Int(v)) == v && v.sign == .plus
    }

    init() {
        slots = .allocate(capacity: Self.pageCount)
        slots.initialize(repeating: -1, count: Self.pageCount)
        tree = .allocate(capacity: Self.pageCount + 1)
        tree.initialize(repeating: 0, count: Self.pageCount + 1)
        pages = .allocate(capacity: 0)
    }

    deinit {
        slots.deallocate()
        tree.deallocate()
        pages.deallocate()
    }

    /// Adds `v`, for which `canCount(v)` holds.
    func insert(_ v: Double) {
        let x = Int(v)
        let page = x >> Self.pageShift
        var slot = slots[page]
        if slot < 0 {
            slot = takePage()
            slots[page] = slot
            pagesInUse += 1
        }
        if page >= span { widen(toCover: page) }
        let p = pageStart(slot)
        let offset = x & (Self.pageSize - 1)
        p[0] += 1
        p[1 + offset >> Self.groupShift] += 1
        p[Self.firstCount + offset] += 1
        addToTree(1, page: page)
        count += 1
    }

    /// Widens the tree to cover `page`, rebuilding it from the page totals (the span only doubles, so this runs at
    /// most 12 times).
    private func widen(toCover page: Int) {
        while span <= page { span *= 2 }
        tree.update(repeating: 0, count: span + 1)
        for page in 0..<span where slots[page] >= 0 {
            FenwickTree.add(pageStart(slots[page])[0], at: page, in: tree, size: span)
        }
    }

    /// Removes one sample equal to `v` (nothing when there is none).
    func remove(_ v: Double) {
        guard Self.canCount(v) else { return }
        let x = Int(v)
        let page = x >> Self.pageShift
        let slot = slots[page]
        guard slot >= 0 else { return }
        let p = pageStart(slot)
        let offset = x & (Self.pageSize - 1)
        guard p[Self.firstCount + offset] > 0 else { return }
        p[0] -= 1
        p[1 + offset >> Self.groupShift] -= 1
        p[Self.firstCount + offset] -= 1
        addToTree(-1, page: page)
        count -= 1
        if p[0] == 0 {
            // Every count in it is 0 again, as a new page must be.
            freeSlots.append(slot)
            slots[page] = -1
            pagesInUse -= 1
        }
    }

    /// Quantile with linear interpolation between closest ranks, as `SortedValues.quantile`.
    func quantile(_ q: Double) -> Double? {
        SortedValues.quantile(q, count: count) { r in
            let (a, above) = value(ofRank: r)
            guard r + 1 < count else { return (a, nil) }
            return (a, above > 0 ? a : value(ofRank: r + 1).value)
        }
    }

    private func addToTree(_ delta: Int32, page: Int) { FenwickTree.add(delta, at: page, in: tree, size: span) }

    /// The sample of rank `r` (0-based, `r < count`), and how many samples equal to it rank above it.
    private func value(ofRank r: Int) -> (value: Double, above: Int) {
        var (page, remaining) = FenwickTree.slot(ofRank: r, in: tree, size: span)
        let p = pageStart(slots[page])
        var group = 0
        while remaining >= p[1 + group] {
            remaining -= p[1 + group]
            group += 1
        }
        var offset = group << Self.groupShift
        while remaining >= p[Self.firstCount + offset] {
            remaining -= p[Self.firstCount + offset]
            offset += 1
        }
        let value = Double(page << Self.pageShift + offset)
        return (value, Int(p[Self.firstCount + offset] - remaining - 1))
    }

    /// Valid until the next `takePage`.
    @inline(__always) private func pageStart(_ slot: Int32) -> UnsafeMutablePointer<Int32> {
        pages + Int(slot) * Self.pageStride
    }

    /// A slot whose counts are all zero.
    private func takePage() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        if used == capacity {
            let larger = max(4, 2 * capacity)
            let grown = UnsafeMutablePointer<Int32>.allocate(capacity: larger * Self.pageStride)
            grown.update(from: pages, count: used * Self.pageStride)
            (grown + used * Self.pageStride).initialize(repeating: 0, count: (larger - used) * Self.pageStride)
            pages.deallocate()
            pages = grown
            capacity = larger
        }
        used += 1
        return Int32(used - 1)
    }
}
