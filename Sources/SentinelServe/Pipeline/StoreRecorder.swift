import Foundation
import Logging
import SentinelAct
import SentinelCompile
import SentinelEvaluate
import SentinelStore

/// Collects what one evaluation step produced for the store (transitions, findings, outbox notifications, the
/// notification log) and commits it as one transaction when the step ends: the store's one writer path, on the
/// evaluation thread, so the store never holds an outbox entry for a notification the log does not show, or the
/// other way round.
///
/// A failed commit (disk full, say) is logged and counted, and the batch is kept and retried with the next step;
/// past `maxPending` items the oldest transitions and findings are dropped (counted) rather than growing without
/// bound, but never outbox entries or log updates.
final class StoreRecorder {
    let store: any FindingsStore
    private let metrics: ServiceMetrics
    private let logger: Logger
    private let maxPending: Int
    private var pending = StoreBatch()
    /// Called after a commit that wrote outbox entries (wakes the delivery worker).
    var onOutboxCommitted: () -> Void = {}

    init(store: any FindingsStore, metrics: ServiceMetrics, logger: Logger, maxPending: Int = 100_000) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.maxPending = maxPending
    }

    func record(_ transition: AlertTransition) {
        pending.transitions.append(
            StoredTransition(
                time: transition.time, rule: transition.rule,
                fingerprint: Dispatcher.fingerprint(rule: transition.rule, labels: transition.labels),
                state: transition.state.rawValue, previous: transition.previous.rawValue,
                severity: transition.severity.rawValue, labels: Self.dictionary(transition.labels), value: transition.value,
                annotations: Self.dictionary(transition.annotations)))
    }

    func record(_ match: RuleMatch) {
        let labels = Self.dictionary(match.labels)
        pending.findings.append(
            Finding.from(
                eventLine: String(decoding: match.line, as: UTF8.self), rule: match.rule,
                fingerprint: Dispatcher.fingerprint(rule: match.rule, labels: match.labels),
                severity: labels["severity"] ?? "", labels: labels, time: match.time))
    }

    func enqueue(_ notification: AlertNotification) {
        pending.outbox.append(notification)
    }

    func recordTrace(eventID: String, rule: String, json: String) {
        pending.traces.append(.init(eventID: eventID, rule: rule, json: json))
    }

    func record(_ pair: DPOPair) {
        pending.pairs.append(pair)
    }

    func record(_ entry: Dispatcher.LogEntry) {
        pending.notificationLog.append(entry)
    }

    /// Commits what the step produced. Returns false when the commit failed (the batch is kept).
    @discardableResult
    func commit() -> Bool {
        guard !pending.isEmpty else { return true }
        do {
            try store.append(pending)
            metrics.countStoreCommit(findings: pending.findings.count, outbox: pending.outbox.count)
            let wroteOutbox = !pending.outbox.isEmpty
            pending = StoreBatch()
            if wroteOutbox { onOutboxCommitted() }
            return true
        } catch {
            metrics.countStoreFailure()
            logger.error("store commit failed; kept for the next attempt", metadata: ["error": "\(error)"])
            shedIfOverfull()
            return false
        }
    }

    private func shedIfOverfull() {
        let excess = pending.transitions.count + pending.findings.count - maxPending
        guard excess > 0 else { return }
        let findings = min(excess, pending.findings.count)
        pending.findings.removeFirst(findings)
        let transitions = min(excess - findings, pending.transitions.count)
        pending.transitions.removeFirst(transitions)
        metrics.countStoreDropped(findings + transitions)
        logger.error("store unavailable: dropped the oldest uncommitted records", metadata: ["dropped": "\(findings + transitions)"])
    }

    private static func dictionary(_ pairs: [(String, String)]) -> [String: String] {
        Dictionary(pairs, uniquingKeysWith: { a, _ in a })
    }
}
