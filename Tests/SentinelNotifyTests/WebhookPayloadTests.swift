import Foundation
import SentinelAct
import SentinelNotify
import Testing

/// The webhook body: exactly the fixtures `Tests/schema/validate_shipped_files.py` validates against
/// `schemas/webhook.schema.json`, so what Sentinel sends is what the schema documents.
@Suite struct WebhookPayloadTests {
    static func fixture(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../schema/fixtures/\(name)").standardized
        return try Data(contentsOf: url)
    }

    static func object(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test(arguments: [
        (NotificationFixture.firing(), "webhook-firing.json"),
        (NotificationFixture.resolved(), "webhook-resolved.json"),
    ])
    func payloadIsTheSchemaFixture(notification: AlertNotification, fixture: String) throws {
        let sent = try Self.object(WebhookPayload(notification).encoded())
        #expect(sent == (try Self.object(Self.fixture(fixture))))
    }

    @Test func decodedPayloadCarriesEveryField() throws {
        let data = WebhookPayload(NotificationFixture.firing()).encoded()
        let payload = try JSONDecoder().decode(WebhookPayload.self, from: data)
        #expect(payload.version == "4" && payload.externalURL == "" && payload.truncatedAlerts == 0)
        #expect(payload.source == "sentinel")
        #expect(payload.idempotencyKey == "n-7f3a9c")
        #expect(payload.receiver == "safety-webhook")
        #expect(payload.status == .firing)
        #expect(payload.groupKey == NotificationFixture.groupKey)
        #expect(payload.groupLabels == ["rule": "UnsafeAnswerRate"])
        #expect(payload.commonLabels == ["alertname": "UnsafeAnswerRate", "severity": "critical", "team": "safety"])
        #expect(payload.commonAnnotations == ["runbook": NotificationFixture.runbook])
        try #require(payload.alerts.count == 2)
        let first = payload.alerts[0]
        #expect(first.status == .firing)
        #expect(first.labels["model"] == "qwen3-4b")
        #expect(first.annotations["summary"] == "qwen3-4b: 0.333333 of answers unsafe over 10m")
        #expect(first.startsAt == "2026-05-01T12:27:15Z")
        #expect(first.endsAt == WebhookPayload.notEnded)
        #expect(first.fingerprint == "9f86d081884c7d65")
        #expect(first.value == 0.333333)
        #expect(payload.alerts[1].value == nil)
    }

    @Test func everyAlertHasAValueKeyAndNonFiniteValuesAreNull() throws {
        var notification = NotificationFixture.firing()
        notification.alerts[0].value = .nan
        let alerts = try #require(try Self.object(WebhookPayload(notification).encoded())["alerts"] as? [NSDictionary])
        #expect(alerts.map { $0["value"] is NSNull } == [true, true])
    }

    @Test func resolvedAlertEndsWhenItResolved() throws {
        let payload = WebhookPayload(NotificationFixture.resolved())
        #expect(payload.alerts.map(\.endsAt) == ["2026-05-01T12:43:15.250Z"])
        #expect(payload.commonAnnotations.count == 2)
    }

    @Test func groupWithoutAlertsHasNoCommonLabels() {
        var notification = NotificationFixture.firing()
        notification.alerts = []
        #expect(WebhookPayload(notification).commonLabels.isEmpty)
    }
}
