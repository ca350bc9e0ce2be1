import Logging
import SentinelAct
import SentinelCore
import SentinelEvaluate
import SentinelStore
import Synchronization

extension OutboxWorker {
    /// Tries each entry once, at most `maxInFlightPerReceiver` at a time, oldest first.
    func deliver(_ entries: [OutboxEntry], to name: String, now: @escaping @Sendable () -> Int64) async {
        guard let receiver = state.withLock({ $0.receivers[name] }) else {
            for entry in entries { abandonUnknown(entry, now: now()) }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            var pending = entries.makeIterator()
            for _ in 0..<maxInFlightPerReceiver {
                guard let entry = pending.next() else { break }
                group.addTask { await self.attempt(entry, with: receiver, now: now) }
            }
            while await group.next() != nil {
                if let entry = pending.next() {
                    group.addTask { await self.attempt(entry, with: receiver, now: now) }
                }
            }
        }
    }

    /// Sends one entry and records the outcome in the store, the statistics and, for a failure, the log.
    private func attempt(_ entry: OutboxEntry, with receiver: OutboxReceiver, now: @Sendable () -> Int64) async {
        count(receiver.name) { $0.inFlight += 1 }
        let outcome: DeliveryFailure?
        do {
            try await receiver.sender.send(entry.notification)
            outcome = nil
        } catch {
            outcome = error
        }
        count(receiver.name) { $0.inFlight -= 1 }
        guard let failure = outcome else {
            let at = now()
            count(receiver.name) {
                $0.sent += 1
                $0.lastSuccessAt = at
            }
            updateStore(entry) { try $0.markDelivered(outboxID: entry.id, at: at) }
            return
        }
        guard !Task.isCancelled else { return }
        let abandon = failure.isPermanent || receiver.retry.isExhausted(attempts: entry.attempts + 1)
        // No sooner than the receiver asked (a 429's or 503's Retry-After), up to the longest backoff.
        let backoff = max(
            receiver.retry.backoff(afterAttempts: entry.attempts, jitter: jitter()),
            min(failure.retryAfter ?? .zero, receiver.retry.maxBackoff))
        recordFailure(
            entry, error: failure.description, reason: failure.reason, abandon: abandon,
            retryAt: now() + Int64(backoff.milliseconds))
    }

    /// An entry whose receiver is not configured (any more): nothing can deliver it.
    private func abandonUnknown(_ entry: OutboxEntry, now: Int64) {
        recordFailure(
            entry, error: "receiver '\(entry.receiver)' is not configured", reason: .permanent, abandon: true,
            retryAt: now)
    }

    /// Counts a failed attempt, logs it and records it in the store.
    private func recordFailure(
        _ entry: OutboxEntry, error: String, reason: DeliveryFailure.Reason, abandon: Bool, retryAt: Int64
    ) {
        count(entry.receiver) {
            $0.failed[reason, default: 0] += 1
            if abandon { $0.abandoned += 1 }
        }
        var metadata: Logger.Metadata = [
            "receiver": "\(entry.receiver)", "outbox_id": "\(entry.id)", "attempt": "\(entry.attempts + 1)",
            "error": "\(error)",
        ]
        if abandon {
            // What is lost: the group and its alerts, not only an outbox row.
            metadata["group"] = "\(entry.notification.groupKey)"
            metadata["status"] = "\(entry.notification.status.rawValue)"
            metadata["alerts"] = "\(entry.notification.alerts.count)"
            logger.error("notification abandoned", metadata: metadata)
        } else {
            metadata["retry_at"] = "\(Timestamp.format(retryAt))"
            logger.warning("notification delivery failed", metadata: metadata)
        }
        updateStore(entry) {
            try $0.markFailed(outboxID: entry.id, error: error, nextAttemptAt: retryAt, abandon: abandon)
        }
    }

    private func count(_ receiver: String, _ change: (inout DeliveryStats) -> Void) {
        state.withLock { change(&$0.stats[receiver, default: DeliveryStats()]) }
    }

    /// A failed store write is logged; the entry stays due and is sent again (at least once).
    private func updateStore(_ entry: OutboxEntry, _ write: (any FindingsStore) throws -> Void) {
        do {
            try write(store)
        } catch {
            logger.error(
                "cannot record a delivery in the outbox",
                metadata: ["receiver": "\(entry.receiver)", "outbox_id": "\(entry.id)", "error": "\(error)"])
        }
    }
}
