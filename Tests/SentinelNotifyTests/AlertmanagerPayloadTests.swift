import Foundation
import SentinelAct
import SentinelNotify
import Testing

@Suite struct AlertmanagerPayloadTests {
    static let sentAt: Int64 = 1_777_638_500_000  // 2026-05-01T12:28:20Z

    @Test func firingAlertsEndThreeResolveIntervalsAfterSending() throws {
        let payload = AlertmanagerPayload(NotificationFixture.firing(), now: Self.sentAt, resolveAfter: .seconds(300))
        #expect(
            payload.alerts == [
                .init(
                    labels: [
                        "alertname": "UnsafeAnswerRate", "model": "qwen3-4b", "severity": "critical", "team": "safety",
                    ],
                    annotations: [
                        "summary": "qwen3-4b: 0.333333 of answers unsafe over 10m",
                        "runbook": NotificationFixture.runbook,
                    ], startsAt: "2026-05-01T12:27:15Z", endsAt: "2026-05-01T12:43:20Z"),
                .init(
                    labels: [
                        "alertname": "UnsafeAnswerRate", "model": "olmo-2-1b", "severity": "critical", "team": "safety",
                    ],
                    annotations: [
                        "summary": "olmo-2-1b: answers unsafe over 10m", "runbook": NotificationFixture.runbook,
                    ],
                    startsAt: "2026-05-01T12:28:00Z", endsAt: "2026-05-01T12:43:20Z"),
            ])
    }

    @Test func firingAlertStartingAfterTheWallClockEndsAfterItsStart() {
        let payload = AlertmanagerPayload(NotificationFixture.firing(), now: 0, resolveAfter: .seconds(300))
        #expect(payload.alerts.map(\.endsAt) == ["2026-05-01T12:42:15Z", "2026-05-01T12:43:00Z"])
    }

    @Test func resolvedAlertsEndWhenTheyResolved() {
        let payload = AlertmanagerPayload(NotificationFixture.resolved(), now: Self.sentAt, resolveAfter: .seconds(300))
        #expect(payload.alerts.map(\.endsAt) == ["2026-05-01T12:43:15.250Z"])
        #expect(payload.alerts.map(\.startsAt) == ["2026-05-01T12:27:15Z"])
    }

    @Test func bodyIsABareArrayOfPostableAlerts() throws {
        let data = AlertmanagerPayload(NotificationFixture.resolved(), now: Self.sentAt, resolveAfter: .seconds(60))
            .encoded()
        let alerts = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(Set(alerts[0].keys) == ["labels", "annotations", "startsAt", "endsAt"])
        #expect(try JSONDecoder().decode(AlertmanagerPayload.self, from: data).alerts.count == 1)
    }

    @Test func alertnameIsAlwaysSetAndEmptyLabelsAreDropped() {
        var notification = NotificationFixture.resolved()
        notification.alerts[0].labels = ["model": "", "team": "safety"]
        let payload = AlertmanagerPayload(notification, now: Self.sentAt, resolveAfter: .seconds(60))
        #expect(payload.alerts[0].labels == ["alertname": "UnsafeAnswerRate", "team": "safety"])
    }
}
