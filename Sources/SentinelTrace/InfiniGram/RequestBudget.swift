import Synchronization

/// Requests one trace may still make, shared by its concurrent sentence searches and document fetches.
final class RequestBudget: Sendable {
    let limit: Int
    private let spent = Mutex(0)

    init(limit: Int) {
        self.limit = limit
    }

    var used: Int { spent.withLock { $0 } }

    /// Takes one request from the budget, or throws when none is left.
    func spend() throws(TraceError) {
        let granted = spent.withLock { spent in
            guard spent < limit else { return false }
            spent += 1
            return true
        }
        guard granted else { throw .requestBudgetExhausted(limit) }
    }
}
