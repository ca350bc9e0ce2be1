public import SentinelAct

/// Where the live service keeps what it found: alert transitions, findings and their reviews, the notification
/// outbox and log, and silences. `SQLiteFindingsStore` is the embedded backend; a server backend implements the same
/// protocol so callers do not change.
///
/// Every method is safe to call from any thread. Failures are `StoreError`s; `review` also throws `ReviewConflict`.
public protocol FindingsStore: AnyObject, Sendable {
    /// Everything one evaluation step produced, in one transaction: all or nothing. Returns the ids given to the
    /// findings, in order.
    @discardableResult func append(_ batch: StoreBatch) throws -> [Int64]

    /// One page of the findings the query selects, newest first.
    func findings(_ query: FindingQuery) throws -> FindingPage
    func finding(id: Int64) throws -> Finding?
    /// Stores a review; with `expectedVersion` that differs from the stored version, throws `ReviewConflict` (holding
    /// the current finding) and changes nothing. Returns the updated finding; nil when there is no such id.
    func review(findingID: Int64, _ review: Review, expectedVersion: Int?) throws -> Finding?
    /// Deletes the findings the query selects (ignoring `limit` and `cursor`); returns how many.
    func deleteFindings(_ query: FindingQuery) throws -> Int

    /// Alert transitions, newest first: at or after `since` (event time), of `rule` and `fingerprint` when given.
    func transitions(since: Int64?, rule: String?, fingerprint: String?, limit: Int) throws -> [StoredTransition]

    /// All silences, expired ones included, newest first.
    func silences() throws -> [Silence]
    func silence(id: String) throws -> Silence?
    /// Inserts the silence, or replaces the one with its id.
    func saveSilence(_ silence: Silence) throws
    /// Ends a silence at `at` (its `endsAt` becomes `min(endsAt, at)`); false when there is no such id.
    func expireSilence(id: String, at: Int64) throws -> Bool

    /// The last notification per receiver and group key.
    func notificationLog() throws -> [Dispatcher.LogEntry]

    /// The entries to try at `now`, oldest first, at most `limit` per receiver: of each receiver and group key, the
    /// oldest entry still waiting (not delivered, abandoned or superseded), if its `nextAttemptAt <= now`. So a
    /// group's notifications are delivered one at a time, in the order they were queued: an entry waiting for a
    /// retry holds back the later ones of its group, and only those. An entry a later one of its group supersedes
    /// (`AlertNotification.supersedes`, decided when the later one is appended) is never handed out again. Entries
    /// of the receivers in `excluding` (those with deliveries under way) are left out.
    func dueOutbox(now: Int64, limit: Int, excluding: Set<String>) throws -> [OutboxEntry]
    /// Records a successful delivery; does nothing for an unknown id.
    func markDelivered(outboxID: Int64, at: Int64) throws
    /// Records a failed attempt (`attempts` goes up by one): retried at `nextAttemptAt` (unless superseded
    /// meanwhile), or never with `abandon`. Does nothing for an unknown id.
    func markFailed(outboxID: Int64, error: String, nextAttemptAt: Int64, abandon: Bool) throws
    /// How many entries wait for delivery, were delivered, were given up on (superseded ones that were never
    /// delivered count in none).
    func outboxCounts() throws -> (pending: Int, delivered: Int, abandoned: Int)
    /// Deletes the entries that were done with (delivered, given up on or superseded) before `time`: the outbox
    /// would otherwise grow by every notification ever sent. Returns how many were deleted.
    func pruneOutbox(finishedBefore time: Int64) throws -> Int

    /// DPO pairs the query selects.
    func pairs(_ query: PairQuery) throws -> [StoredPair]
    /// Records a reviewer's verdict on a pair; nil when there is no such id.
    func reviewPair(id: Int64, verdict: StoredPair.Verdict, reviewer: String, at: Int64) throws -> StoredPair?
    /// The normalised prompts that have a pair, for deduplication across restarts.
    func pairPromptKeys() throws -> Set<String>

    /// Releases the backend's resources; every later call fails.
    func close() throws
}

extension FindingsStore {
    /// `dueOutbox(now:limit:excluding:)` of every receiver.
    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxEntry] {
        try dueOutbox(now: now, limit: limit, excluding: [])
    }
}
