import SentinelCore
import Logging
import SentinelStore
import Synchronization

/// Delivers the notification outbox: polls the store for due entries, sends each with its receiver's sender, and
/// records the outcome, retrying failures with backoff until the receiver's `RetryPolicy` gives up.
///
/// Each receiver has at most `maxInFlightPerReceiver` attempts under way, and receivers are independent: a slow or
/// unreachable receiver holds up only its own notifications. Delivery is at least once: an entry is marked
/// delivered after the receiver accepted it, so a crash (or a failed store write) in between sends it again, with
/// the same idempotency key.
///
/// Notifications of one receiver and group go out in the order they were queued, as Alertmanager sends a group's
/// notifications, so the last one a receiver gets carries the group's current state: the store hands out only the
/// oldest waiting entry of each group (`FindingsStore.dueOutbox`), and a receiver's next batch is claimed only once
/// its last one is done, so no entry is sent while an earlier one of its group is under way or waiting for a retry.
/// Other groups go on meanwhile.
///
/// ```swift
/// let worker = OutboxWorker(store: store, receivers: settings.map { OutboxReceiver(settings: $0) })
/// await withDiscardingTaskGroup { group in
///     group.addTask { await worker.run() }  // returns once the group is cancelled
///     …
///     worker.wake()                          // after writing new entries: deliver now, not at the next poll
/// }
/// worker.stats()["safety-webhook"]?.sent
/// ```
public final class OutboxWorker: Sendable {
    let store: any FindingsStore
    let maxInFlightPerReceiver: Int
    let pollInterval: Duration
    let batchLimit: Int
    let clock: @Sendable () -> Int64
    let jitter: @Sendable () -> Double
    let logger: Logger
    let state: Mutex<State>
    private let wakeups: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    struct State {
        var receivers: [String: OutboxReceiver]
        var stats: [String: DeliveryStats]
        /// Receivers with a batch under way: their entries are left for a later poll.
        var busy: Set<String> = []
    }

    /// - Parameters:
    ///   - maxInFlightPerReceiver: attempts one receiver may have under way at once.
    ///   - pollInterval: how often `run` looks for due entries when nobody calls `wake`.
    ///   - batchLimit: the most entries one poll reads from the store.
    ///   - now: the wall clock (epoch ms) deliveries and retries are scheduled on.
    ///   - jitter: the factor in [0.5, 1] each backoff is scaled by; random by default.
    public init(
        store: any FindingsStore, receivers: [OutboxReceiver], maxInFlightPerReceiver: Int = 4,
        pollInterval: Duration = .milliseconds(200), batchLimit: Int = 1000,
        now: @escaping @Sendable () -> Int64 = WallClock.now,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.5...1) },
        logger: Logger = Logger(label: "sentinel.notify")
    ) {
        self.store = store
        self.maxInFlightPerReceiver = max(maxInFlightPerReceiver, 1)
        self.pollInterval = pollInterval
        self.batchLimit = batchLimit
        self.clock = now
        self.jitter = jitter
        self.logger = logger
        state = Mutex(State(receivers: [:], stats: [:]))
        (wakeups, wakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        update(receivers: receivers)
    }

    /// How long entries that were done with stay in the outbox, and how often they are looked for.
    static let retention: Int64 = 24 * 3_600_000
    static let pruneInterval = Duration.seconds(3_600)

    /// Delivers due entries until the task is cancelled: every `pollInterval` and at once after `wake()`. A receiver
    /// still busy with earlier entries is skipped by a poll, so it never holds up the others. Attempts cut short by
    /// cancellation are not recorded (the entries stay due). Every hour, entries done with over a day ago are
    /// deleted. Call it once per worker.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    self.wake()
                    try? await Task.sleep(for: self.pollInterval)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    self.prune(now: self.clock())
                    try? await Task.sleep(for: Self.pruneInterval)
                }
            }
            for await _ in wakeups {
                for (receiver, entries) in claimDue(now: clock()) {
                    group.addTask {
                        await self.deliver(entries, to: receiver, now: self.clock)
                        self.release(receiver)
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Deletes the entries done with before `now` − `retention`.
    func prune(now: Int64) {
        do {
            let deleted = try store.pruneOutbox(finishedBefore: now - Self.retention)
            if deleted > 0 { logger.debug("pruned the notification outbox", metadata: ["entries": "\(deleted)"]) }
        } catch {
            logger.error("cannot prune the notification outbox", metadata: ["error": "\(error)"])
        }
    }

    /// Makes `run` look for due entries now (call it after writing to the outbox).
    public func wake() {
        wakeContinuation.yield()
    }

    /// One poll at `now`, waiting for every attempt it starts: the entries due then, except those of receivers
    /// `run` is busy with, are tried once and their outcomes recorded at `now`. Returns how many were tried.
    @discardableResult
    public func drainOnce(now: Int64) async -> Int {
        let batches = claimDue(now: now)
        await withDiscardingTaskGroup { group in
            for (receiver, entries) in batches {
                group.addTask {
                    await self.deliver(entries, to: receiver, now: { now })
                    self.release(receiver)
                }
            }
        }
        return batches.reduce(0) { $0 + $1.entries.count }
    }

    /// Replaces the receivers (after a reload). Entries for a receiver the worker does not know are abandoned, so
    /// update the worker before the dispatcher routes to a new receiver. Statistics of receivers are kept.
    public func update(receivers: [OutboxReceiver]) {
        state.withLock { state in
            state.receivers = Dictionary(receivers.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
            for receiver in receivers where state.stats[receiver.name] == nil {
                state.stats[receiver.name] = DeliveryStats()
            }
        }
    }

    /// Delivery statistics per receiver name: every receiver configured, and any other the outbox named.
    public func stats() -> [String: DeliveryStats] {
        state.withLock { $0.stats }
    }

    /// The entries due at `now`, by receiver, oldest first, of receivers that are not busy; marks those busy.
    ///
    /// Only receivers idle before the store is read are claimed: a batch that ended between the read and the claim
    /// had entries the read saw still due, which were sent again. Busy receivers' entries are not read at all (a
    /// backlog behind a hanging receiver was read and decoded at every poll).
    private func claimDue(now: Int64) -> [(receiver: String, entries: [OutboxEntry])] {
        let busy = state.withLock { $0.busy }
        let due: [OutboxEntry]
        do {
            due = try store.dueOutbox(now: now, limit: batchLimit, excluding: busy)
        } catch {
            logger.error("cannot read the notification outbox", metadata: ["error": "\(error)"])
            return []
        }
        var order: [String] = []
        var byReceiver: [String: [OutboxEntry]] = [:]
        for entry in due {
            if byReceiver[entry.receiver] == nil { order.append(entry.receiver) }
            byReceiver[entry.receiver, default: []].append(entry)
        }
        return state.withLock { state in
            order.filter { !busy.contains($0) && state.busy.insert($0).inserted }.map { ($0, byReceiver[$0]!) }
        }
    }

    private func release(_ receiver: String) {
        _ = state.withLock { $0.busy.remove(receiver) }
    }
}
