import SentinelAct

/// Notifications for the tests: the `UnsafeAnswerRate` group of `Tests/schema/fixtures/webhook-*.json` and small
/// variations of it.
enum NotificationFixture {
    static let runbook = "https://runbooks.example/unsafe"
    static let groupKey = #"{}/{severity="critical"}:{rule="UnsafeAnswerRate"}"#

    static func alert(
        model: String, fingerprint: String, status: NotifiedAlert.Status = .firing, summary: String,
        value: Double?, startsAt: Int64, endsAt: Int64? = nil
    ) -> NotifiedAlert {
        NotifiedAlert(
            fingerprint: fingerprint, rule: "UnsafeAnswerRate", status: status,
            labels: ["alertname": "UnsafeAnswerRate", "model": model, "severity": "critical", "team": "safety"],
            annotations: ["summary": summary, "runbook": runbook], value: value, startsAt: startsAt, endsAt: endsAt)
    }

    /// Two models firing (`webhook-firing.json`).
    static func firing(id: String = "n-7f3a9c", receiver: String = "safety-webhook", type: String = "webhook")
        -> AlertNotification
    {
        AlertNotification(
            id: id, receiver: receiver, receiverType: type, groupKey: groupKey,
            groupLabels: ["rule": "UnsafeAnswerRate"], status: .firing,
            alerts: [
                alert(
                    model: "qwen3-4b", fingerprint: "9f86d081884c7d65",
                    summary: "qwen3-4b: 0.333333 of answers unsafe over 10m", value: 0.333333,
                    startsAt: 1_777_638_435_000),
                alert(
                    model: "olmo-2-1b", fingerprint: "2c26b46b68ffc68f", summary: "olmo-2-1b: answers unsafe over 10m",
                    value: nil, startsAt: 1_777_638_480_000),
            ], time: 1_777_638_480_000)
    }

    /// The first model resolved (`webhook-resolved.json`).
    static func resolved(id: String = "n-7f3a9d", receiver: String = "safety-webhook", type: String = "webhook")
        -> AlertNotification
    {
        AlertNotification(
            id: id, receiver: receiver, receiverType: type, groupKey: groupKey,
            groupLabels: ["rule": "UnsafeAnswerRate"], status: .resolved,
            alerts: [
                alert(
                    model: "qwen3-4b", fingerprint: "9f86d081884c7d65", status: .resolved,
                    summary: "qwen3-4b: 0.20339 of answers unsafe over 10m", value: 0.20339,
                    startsAt: 1_777_638_435_000,
                    endsAt: 1_777_639_395_250)
            ], time: 1_777_639_395_250)
    }

    /// A one-alert notification with id `id`, for counting deliveries.
    static func numbered(_ id: String, receiver: String) -> AlertNotification {
        var notification = firing(id: id, receiver: receiver)
        notification.alerts.removeLast()
        return notification
    }
}
