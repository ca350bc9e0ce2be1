import Foundation
import SentinelAct
import SentinelCore
import SentinelEvaluate

/// The body of Alertmanager's `POST /api/v2/alerts`: the notification's alerts as an array of postable alerts.
///
/// Alertmanager keeps no alert for ever: a client re-sends firing alerts, and an alert whose `endsAt` has passed is
/// resolved. A firing alert's `endsAt` is therefore `3 × resolveAfter` after sending (or after its start, when that
/// is later), so Alertmanager resolves it by itself if Sentinel stops; a resolved alert's `endsAt` is when it
/// resolved.
///
/// ```json
/// [{"labels":{"alertname":"UnsafeAnswerRate","model":"m1","severity":"critical"},"annotations":{"summary":"…"},
///   "startsAt":"2026-05-01T12:27:15Z","endsAt":"2026-05-01T12:42:15Z"}]
/// ```
public struct AlertmanagerPayload: Codable, Sendable, Equatable {
    /// One postable alert (`postableAlert` of Alertmanager's OpenAPI).
    public struct Alert: Codable, Sendable, Equatable {
        /// The alert's identity in Alertmanager; always holds `alertname`.
        public var labels: [String: String]
        /// Information that does not identify the alert (summary, runbook, ...).
        public var annotations: [String: String]
        /// RFC 3339, UTC.
        public var startsAt: String
        /// RFC 3339, UTC.
        public var endsAt: String

        /// An alert as given.
        public init(labels: [String: String], annotations: [String: String], startsAt: String, endsAt: String) {
            self.labels = labels
            self.annotations = annotations
            self.startsAt = startsAt
            self.endsAt = endsAt
        }
    }

    /// The alerts of the notification, in its order.
    public var alerts: [Alert]

    /// The alerts of `notification`, sent at `now` (wall clock, epoch ms).
    public init(_ notification: AlertNotification, now: Int64, resolveAfter: Duration) {
        let keepFiring = 3 * Int64(resolveAfter.milliseconds)
        alerts = notification.alerts.map { alert in
            // As in Prometheus, a label with an empty value is no label.
            var labels = alert.labels.filter { !$0.value.isEmpty }
            labels["alertname"] = labels["alertname"] ?? alert.rule
            // Alertmanager refuses an alert that ends before it starts, so an alert whose (event-time) start is ahead
            // of the wall clock keeps firing from its start.
            let endsAt = alert.status == .resolved ? alert.endsAt ?? now : max(now, alert.startsAt) + keepFiring
            return Alert(
                labels: labels, annotations: alert.annotations, startsAt: Timestamp.format(alert.startsAt),
                endsAt: Timestamp.format(endsAt))
        }
    }

    /// A payload of the given alerts.
    public init(alerts: [Alert]) {
        self.alerts = alerts
    }

    /// Decodes a bare array, as the API takes it.
    public init(from decoder: any Decoder) throws {
        alerts = try [Alert](from: decoder)
    }

    /// Encodes as a bare array, as the API expects.
    public func encode(to encoder: any Encoder) throws {
        try alerts.encode(to: encoder)
    }

    /// The body to send: JSON with sorted keys.
    public func encoded() -> Data {
        // Cannot fail: strings only.
        try! JSONEncoder.payload.encode(self)
    }
}
