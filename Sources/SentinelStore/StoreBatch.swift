import SentinelAct

/// Everything one evaluation step produced, written in one transaction by `FindingsStore.append`.
public struct StoreBatch: Sendable {
    /// Alert state changes; their `id` is ignored.
    public var transitions: [StoredTransition]
    /// Matched exchanges; their `id` is ignored.
    public var findings: [Finding]
    /// Notifications to deliver, each queued for its receiver in this order (each superseding the waiting ones of
    /// its group it makes unnecessary, see `AlertNotification.supersedes`).
    public var outbox: [AlertNotification]
    /// Replaces the entry of the same receiver and group key.
    public var notificationLog: [Dispatcher.LogEntry]
    /// DPO pairs; one whose normalised prompt is already stored is ignored.
    public var pairs: [DPOPair]
    /// Trace results (JSON) for the findings of an event and rule.
    public var traces: [TraceRecord] = []
    /// When the outbox entries are queued (wall clock, epoch ms): their `createdAt` and first `nextAttemptAt`; nil
    /// takes the wall clock when the batch is appended. Delivery runs on the wall clock, not on event time, so
    /// notifications about recorded traffic from any date are due at once.
    public var queuedAt: Int64?

    public init(
        transitions: [StoredTransition] = [], findings: [Finding] = [], outbox: [AlertNotification] = [],
        notificationLog: [Dispatcher.LogEntry] = [], pairs: [DPOPair] = [], queuedAt: Int64? = nil
    ) {
        self.pairs = pairs
        self.transitions = transitions
        self.findings = findings
        self.outbox = outbox
        self.notificationLog = notificationLog
        self.queuedAt = queuedAt
    }

    public var isEmpty: Bool {
        transitions.isEmpty && findings.isEmpty && outbox.isEmpty && notificationLog.isEmpty && pairs.isEmpty && traces.isEmpty
    }
}

/// A trace result to keep with the finding of an event and rule.
public struct TraceRecord: Sendable, Equatable {
    public var eventID: String
    public var rule: String
    public var json: String

    public init(eventID: String, rule: String, json: String) {
        self.eventID = eventID
        self.rule = rule
        self.json = json
    }
}
