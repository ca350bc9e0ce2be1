import Foundation

/// One alert as receivers see it (Alertmanager's model): identified by its labels, described by annotations.
public struct NotifiedAlert: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable {
        case firing, resolved
    }

    /// Hex digest of the rule name and the sorted labels: the alert's identity, stable across restarts.
    public var fingerprint: String
    public var rule: String
    public var status: Status
    /// All labels, including `alertname` (the rule) and `severity`.
    public var labels: [String: String]
    public var annotations: [String: String]
    public var value: Double?
    /// When the alert started firing (event time, epoch ms).
    public var startsAt: Int64
    /// When it resolved (event time, epoch ms); nil while firing.
    public var endsAt: Int64?

    public init(
        fingerprint: String, rule: String, status: Status, labels: [String: String], annotations: [String: String],
        value: Double?, startsAt: Int64, endsAt: Int64?
    ) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.value = value
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}

/// One message to one receiver about one aggregation group, as the dispatcher decides to send it.
public struct AlertNotification: Sendable, Codable, Equatable {
    /// Idempotency key: the same notification retried carries the same key, a new one never repeats it.
    public var id: String
    /// The receiver's name in the policy.
    public var receiver: String
    /// The receiver's type (`log`, `webhook`, `alertmanager`, `store`).
    public var receiverType: String
    /// Identifies the aggregation group: the route's position in the tree and the group's label values.
    public var groupKey: String
    /// The `group_by` labels and their values for this group.
    public var groupLabels: [String: String]
    /// `firing` when any alert of the group fires, else `resolved`.
    public var status: NotifiedAlert.Status
    public var alerts: [NotifiedAlert]
    /// Event time the dispatcher sent it at (epoch ms).
    public var time: Int64

    public init(
        id: String, receiver: String, receiverType: String, groupKey: String, groupLabels: [String: String],
        status: NotifiedAlert.Status, alerts: [NotifiedAlert], time: Int64
    ) {
        self.id = id
        self.receiver = receiver
        self.receiverType = receiverType
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.status = status
        self.alerts = alerts
        self.time = time
    }
}
