import SentinelAct
import SentinelStore
import Synchronization

/// A `FindingsStore` that keeps only the outbox, in memory, and remembers every delivery and failure.
/// Everything else is out of scope for the notify tests and throws.
final class InMemoryOutbox: FindingsStore {
    struct Failure: Equatable {
        var outboxID: Int64
        var error: String
        var nextAttemptAt: Int64
        var abandon: Bool
    }

    private struct State {
        var entries: [OutboxEntry] = []
        var failures: [Failure] = []
        var polls = 0
    }

    private let state = Mutex(State())
    private let readHook = Mutex<(@Sendable () -> Void)?>(nil)

    /// Runs after every `dueOutbox` read, before it returns (a test holds a read back with it).
    func afterRead(_ hook: (@Sendable () -> Void)?) { readHook.withLock { $0 = hook } }

    /// Queues `notification` for its receiver at `queuedAt`; returns the entry's id.
    @discardableResult
    func add(_ notification: AlertNotification, queuedAt: Int64 = 0) -> Int64 {
        state.withLock { state in
            let id = Int64(state.entries.count + 1)
            state.entries.append(
                OutboxEntry(
                    id: id, notification: notification, receiver: notification.receiver, createdAt: queuedAt,
                    attempts: 0, nextAttemptAt: queuedAt, deliveredAt: nil, lastError: nil, abandoned: false))
            return id
        }
    }

    /// Every entry, by id.
    var entries: [OutboxEntry] { state.withLock { $0.entries } }
    /// Every `markFailed`, in order.
    var failures: [Failure] { state.withLock { $0.failures } }
    /// How many times `dueOutbox` was called.
    var polls: Int { state.withLock { $0.polls } }

    func entry(_ id: Int64) -> OutboxEntry { state.withLock { $0.entries[Int(id) - 1] } }

    func dueOutbox(now: Int64, limit: Int, excluding: Set<String>) throws -> [OutboxEntry] {
        let due = state.withLock { state in
            state.polls += 1
            return Array(
                state.entries.filter {
                    $0.deliveredAt == nil && !$0.abandoned && $0.nextAttemptAt <= now && !excluding.contains($0.receiver)
                }
                    .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.prefix(limit))
        }
        readHook.withLock { $0 }?()
        return due
    }

    func pruneOutbox(finishedBefore time: Int64) throws -> Int { 0 }

    func markDelivered(outboxID: Int64, at: Int64) throws {
        state.withLock { $0.entries[Int(outboxID) - 1].deliveredAt = at }
    }

    func markFailed(outboxID: Int64, error: String, nextAttemptAt: Int64, abandon: Bool) throws {
        state.withLock { state in
            state.entries[Int(outboxID) - 1].attempts += 1
            state.entries[Int(outboxID) - 1].lastError = error
            state.entries[Int(outboxID) - 1].nextAttemptAt = nextAttemptAt
            state.entries[Int(outboxID) - 1].abandoned = abandon
            state.failures.append(
                Failure(outboxID: outboxID, error: error, nextAttemptAt: nextAttemptAt, abandon: abandon))
        }
    }

    func outboxCounts() throws -> (pending: Int, delivered: Int, abandoned: Int) {
        state.withLock { state in
            let delivered = state.entries.count { $0.deliveredAt != nil }
            let abandoned = state.entries.count { $0.abandoned }
            return (state.entries.count - delivered - abandoned, delivered, abandoned)
        }
    }

    struct Unsupported: Error {}

    func append(_ batch: StoreBatch) throws -> [Int64] { throw Unsupported() }
    func findings(_ query: FindingQuery) throws -> FindingPage { throw Unsupported() }
    func finding(id: Int64) throws -> Finding? { throw Unsupported() }
    func review(findingID: Int64, _ review: Review, expectedVersion: Int?) throws -> Finding? { throw Unsupported() }
    func deleteFindings(_ query: FindingQuery) throws -> Int { throw Unsupported() }
    func transitions(since: Int64?, rule: String?, fingerprint: String?, limit: Int) throws -> [StoredTransition] {
        throw Unsupported()
    }
    func silences() throws -> [Silence] { throw Unsupported() }
    func silence(id: String) throws -> Silence? { throw Unsupported() }
    func saveSilence(_ silence: Silence) throws { throw Unsupported() }
    func expireSilence(id: String, at: Int64) throws -> Bool { throw Unsupported() }
    func notificationLog() throws -> [Dispatcher.LogEntry] { throw Unsupported() }
    func pairs(_ query: PairQuery) throws -> [StoredPair] { throw Unsupported() }
    func reviewPair(id: Int64, verdict: StoredPair.Verdict, reviewer: String, at: Int64) throws -> StoredPair? { throw Unsupported() }
    func pairPromptKeys() throws -> Set<String> { throw Unsupported() }
    func close() throws {}
}
