import Synchronization

/// Bytes of event bodies being read and validated at once. Each `POST /api/v1/events` reserves its
/// `Content-Length` before reading (a chunked one each part as it arrives) and gives it back when done; one that would take
/// the total over the budget is answered 429, its body dropped as it arrives. A body takes about 2.5 times its size while it is validated,
/// so without a bound 150 concurrent 16 MiB uploads took 4 GB, and the queue's own limit counts only queued events.
final class BodyBudget: Sendable {
    let limit: Int
    private let reserved = Mutex(0)

    init(limit: Int) { self.limit = limit }

    /// Reserves `bytes`; false when the budget cannot hold them (a body alone larger than the budget is let
    /// through when nothing else is being read).
    func reserve(_ bytes: Int) -> Bool {
        reserved.withLock { reserved in
            guard reserved == 0 || reserved + bytes <= limit else { return false }
            reserved += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        reserved.withLock { $0 -= bytes }
    }
}
