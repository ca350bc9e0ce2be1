import Foundation
import SentinelAct
import SentinelCore
import SentinelNotify
import SentinelTestSupport
import Testing

/// `AlertmanagerSender` against a real Alertmanager, when one is installed (CI installs `prometheus-alertmanager`).
@Suite(
    .enabled(
        if: AlertmanagerProcess.isInstalled,
        "\(AlertmanagerProcess.binary) is missing: apt-get install prometheus-alertmanager to run this suite"),
    .timeLimit(.minutes(2)))
struct AlertmanagerIntegrationTests {
    /// The fixture group re-timed to now: Alertmanager ignores alerts whose `endsAt` has passed.
    static func notification(_ status: NotifiedAlert.Status, now: Int64) -> AlertNotification {
        var notification = NotificationFixture.firing(receiver: "am", type: "alertmanager")
        notification.status = status
        for index in notification.alerts.indices {
            notification.alerts[index].startsAt = now - 60_000
            notification.alerts[index].status = status
            notification.alerts[index].endsAt = status == .resolved ? now - 1_000 : nil
        }
        return notification
    }

    /// Our alerts as Alertmanager lists them: `model` label → alert object.
    static func listed(_ base: String) async throws -> [String: [String: Any]] {
        let alerts = try #require(try await AlertmanagerProcess.json(base + "/api/v2/alerts") as? [[String: Any]])
        var byModel: [String: [String: Any]] = [:]
        for alert in alerts {
            guard let labels = alert["labels"] as? [String: String], labels["alertname"] == "UnsafeAnswerRate",
                let model = labels["model"]
            else { continue }
            byModel[model] = alert
        }
        return byModel
    }

    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            guard ContinuousClock.now < end else { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    @Test func firingGroupArrivesGroupedAndResolves() async throws {
        try await AlertmanagerProcess.with { base in
            let settings = try ReceiverSettings(receiver: "am", type: "alertmanager", settings: ["url": base])
            let sender = AlertmanagerSender(settings: settings)
            let now = WallClock.now()

            try await sender.send(Self.notification(.firing, now: now))
            let alerts = try await Self.listed(base)
            #expect(Set(alerts.keys) == ["qwen3-4b", "olmo-2-1b"])
            for (model, alert) in alerts {
                #expect(
                    alert["labels"] as? [String: String] == [
                        "alertname": "UnsafeAnswerRate", "model": model, "severity": "critical", "team": "safety",
                    ])
                #expect((alert["annotations"] as? [String: String])?["runbook"] == NotificationFixture.runbook)
                #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
                #expect(alert["fingerprint"] is String)
            }

            let grouped = try await Self.eventually {
                let groups = try #require(
                    try await AlertmanagerProcess.json(base + "/api/v2/alerts/groups") as? [[String: Any]])
                return groups.contains { group in
                    group["labels"] as? [String: String] == ["alertname": "UnsafeAnswerRate"]
                        && (group["alerts"] as? [Any])?.count == 2
                }
            }
            #expect(grouped, "the two alerts are not one group of alertname=UnsafeAnswerRate")

            try await sender.send(Self.notification(.resolved, now: now))
            #expect(
                try await Self.eventually { try await Self.listed(base).isEmpty }, "resolved alerts are still active")
        }
    }
}
