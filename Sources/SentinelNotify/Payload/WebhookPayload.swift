import Foundation
import SentinelAct
import SentinelEvaluate

/// The JSON body a `webhook` receiver is POSTed (`schemas/webhook.schema.json`): Alertmanager's webhook payload,
/// version 4, so that its consumers read it (one aggregation group, its common labels and its alerts), plus
/// `source`, `idempotencyKey` and each alert's `value`. `externalURL` and `generatorURL` are empty (Sentinel has no
/// URL of its own to give), `truncatedAlerts` is 0 (every alert is sent).
///
/// ```json
/// {"version":"4","source":"sentinel","externalURL":"","truncatedAlerts":0,"idempotencyKey":"…",
///  "receiver":"safety-webhook","status":"firing",
///  "groupKey":"…","groupLabels":{"rule":"UnsafeAnswerRate"},"commonLabels":{…},"commonAnnotations":{…},
///  "alerts":[{"status":"firing","labels":{…},"annotations":{…},"startsAt":"2026-05-01T12:27:15Z",
///             "endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"…","value":0.33}]}
/// ```
public struct WebhookPayload: Codable, Sendable, Equatable {
    /// One alert of the group.
    public struct Alert: Codable, Sendable, Equatable {
        /// The alert's own state (a firing group can report alerts that resolved).
        public var status: NotifiedAlert.Status
        /// All labels, `alertname` and `severity` included: the alert's identity.
        public var labels: [String: String]
        /// The rule's annotations, templates filled in.
        public var annotations: [String: String]
        /// RFC 3339, UTC.
        public var startsAt: String
        /// RFC 3339, UTC; `WebhookPayload.notEnded` while the alert fires.
        public var endsAt: String
        /// Alertmanager's link to what generated the alert: empty.
        public var generatorURL = ""
        /// The alert's identity as a stable hex digest.
        public var fingerprint: String
        /// The rule's value when the alert last changed state; `null` when it had none or it was not finite.
        public var value: Double?

        /// An alert as given.
        public init(
            status: NotifiedAlert.Status, labels: [String: String], annotations: [String: String], startsAt: String,
            endsAt: String, fingerprint: String, value: Double?
        ) {
            self.status = status
            self.labels = labels
            self.annotations = annotations
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.fingerprint = fingerprint
            self.value = value
        }

        /// The alert as the notification reports it.
        public init(_ alert: NotifiedAlert) {
            self.init(
                status: alert.status, labels: alert.labels, annotations: alert.annotations,
                startsAt: Timestamp.format(alert.startsAt),
                endsAt: alert.status == .resolved
                    ? Timestamp.format(alert.endsAt ?? alert.startsAt) : WebhookPayload.notEnded,
                fingerprint: alert.fingerprint, value: alert.value.flatMap { $0.isFinite ? $0 : nil })
        }

        // Written by hand so that a missing value is an explicit `null`: every alert has the same keys.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(status, forKey: .status)
            try container.encode(labels, forKey: .labels)
            try container.encode(annotations, forKey: .annotations)
            try container.encode(startsAt, forKey: .startsAt)
            try container.encode(endsAt, forKey: .endsAt)
            try container.encode(generatorURL, forKey: .generatorURL)
            try container.encode(fingerprint, forKey: .fingerprint)
            try container.encode(value, forKey: .value)
        }
    }

    /// The `endsAt` of an alert that still fires (Alertmanager's zero time).
    public static let notEnded = "0001-01-01T00:00:00Z"

    /// Alertmanager's webhook format version: `"4"`.
    public var version: String
    /// Alertmanager's own URL in its payloads: empty.
    public var externalURL = ""
    /// Alerts left out of `alerts` (Alertmanager's `max_alerts`): 0.
    public var truncatedAlerts = 0
    /// Always `"sentinel"`.
    public var source: String
    /// The notification's id; also sent as the `Idempotency-Key` header. A retry repeats it.
    public var idempotencyKey: String
    /// The receiver's name in the policy.
    public var receiver: String
    /// `firing` when any alert of the group fires.
    public var status: NotifiedAlert.Status
    /// Identifies the aggregation group: the route's position in the tree and the group's label values.
    public var groupKey: String
    /// The route's `group_by` labels and their values for this group.
    public var groupLabels: [String: String]
    /// The labels every alert of the group has, with the same value.
    public var commonLabels: [String: String]
    /// The annotations every alert of the group has, with the same value.
    public var commonAnnotations: [String: String]
    /// The group's alerts: those firing and those resolved since the last notification.
    public var alerts: [Alert]

    /// The payload reporting `notification`.
    public init(_ notification: AlertNotification) {
        version = "4"
        source = "sentinel"
        idempotencyKey = notification.id
        receiver = notification.receiver
        status = notification.status
        groupKey = notification.groupKey
        groupLabels = notification.groupLabels
        commonLabels = Self.common(notification.alerts.map(\.labels))
        commonAnnotations = Self.common(notification.alerts.map(\.annotations))
        alerts = notification.alerts.map(Alert.init)
    }

    /// The body to send: JSON with sorted keys.
    public func encoded() -> Data {
        // Cannot fail: strings, finite numbers and nulls only.
        try! JSONEncoder.payload.encode(self)
    }

    /// The pairs all maps share.
    static func common(_ maps: [[String: String]]) -> [String: String] {
        guard var shared = maps.first else { return [:] }
        for map in maps.dropFirst() {
            shared = shared.filter { map[$0.key] == $0.value }
        }
        return shared
    }
}
