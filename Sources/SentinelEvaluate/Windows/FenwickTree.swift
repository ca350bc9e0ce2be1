/// The two operations on a Fenwick tree of counts that the order statistics share: adding to one slot, and finding
/// the slot a rank falls in. `tree` is 1-based (`tree[i]` sums the `i & −i` slots ending at slot `i − 1`) and `size`,
/// its number of slots, a power of two.
enum FenwickTree {
    @inline(__always)
    static func add(_ delta: Int32, at slot: Int, in tree: UnsafeMutablePointer<Int32>, size: Int) {
        var i = slot + 1
        while i <= size {
            tree[i] &+= delta
            i += i & -i
        }
    }

    /// The slot holding the count of rank `r` (0-based, below the total): the last one whose preceding slots hold
    /// at most `r`, and how far past them `r` is.
    @inline(__always)
    static func slot(ofRank r: Int, in tree: UnsafePointer<Int32>, size: Int) -> (slot: Int, remaining: Int32) {
        var position = 0
        var remaining = Int32(r)
        var step = size
        while step > 0 {
            let next = position + step
            if next <= size, tree[next] <= remaining {
                position = next
                remaining -= tree[next]
            }
            step >>= 1
        }
        return (position, remaining)
    }
}
