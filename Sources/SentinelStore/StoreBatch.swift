import Foundation
import SentinelAct

/// Everything one evaluation step produced, written in one transaction by `FindingsStore.append`.
public struct StoreBatch: Sendable {
    /// Alert state changes; their `id` is ignored.
    public var transitions: [StoredTransition]
    /// Matched exchanges; their `id` is ignored.
    public var findings: [Finding]
    /// Notifications to deliver, each queued for its receiver.
    public var outbox: [AlertNotification]
    /// Replaces the entry of the same receiver and group key.
    public var notificationLog: [NotificationLogEntry]
    /// When the outbox entries are queued (wall clock, epoch ms): their `createdAt` and first `nextAttemptAt`.
    /// Delivery runs on the wall clock, not on event time, so recorded traffic from any date is delivered at once.
    public var queuedAt: Int64

    public init(
        transitions: [StoredTransition] = [], findings: [Finding] = [], outbox: [AlertNotification] = [],
        notificationLog: [NotificationLogEntry] = [], queuedAt: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    ) {
        self.transitions = transitions
        self.findings = findings
        self.outbox = outbox
        self.notificationLog = notificationLog
        self.queuedAt = queuedAt
    }

    public var isEmpty: Bool {
        transitions.isEmpty && findings.isEmpty && outbox.isEmpty && notificationLog.isEmpty
    }
}
