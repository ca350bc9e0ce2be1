/// Keys in the order of the event time they started waiting at, so expiring looks only at what is due.
///
/// An entry stays queued when its key is taken out early (paired); the owner checks, for each key it gets back,
/// whether the entry it holds is still that old.
struct ExpiryQueue {
    private var entries: [(time: Int64, key: String)] = []
    private var head = 0

    /// When the oldest entry started waiting (nil when empty).
    var firstTime: Int64? { head < entries.count ? entries[head].time : nil }

    /// Adds `key`, waiting since `time`. Event time does not go back, so this is an append in practice.
    mutating func push(_ key: String, at time: Int64) {
        var i = entries.count
        while i > head, entries[i - 1].time > time { i -= 1 }
        entries.insert((time, key), at: i)
    }

    /// Removes and returns the keys that started waiting before `cutoff`, oldest first.
    mutating func popKeys(before cutoff: Int64) -> [String] {
        var keys: [String] = []
        while head < entries.count, entries[head].time < cutoff {
            keys.append(entries[head].key)
            head += 1
        }
        if head > 1024, head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return keys
    }

    mutating func removeAll() {
        entries = []
        head = 0
    }
}
