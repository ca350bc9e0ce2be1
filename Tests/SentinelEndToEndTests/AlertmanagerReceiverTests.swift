import Foundation
import SentinelTestSupport
import Testing

/// `sentinel run` with an `alertmanager` receiver, against a real Alertmanager (Debian's
/// `prometheus-alertmanager`) on loopback: alerts arrive with their labels, grouped by Alertmanager's own route,
/// visible to `amtool`, and leave once Sentinel resolves them.
@Suite(.serialized, .enabled(if: AlertmanagerProcess.isInstalled, "needs /usr/bin/prometheus-alertmanager (apt-get install prometheus-alertmanager)"))
struct AlertmanagerReceiverTests {
    static let rules = """
        rules:
          - name: UnsafeAnswer
            on: completion
            group_by: [model]
            when: response_guard.safety == "unsafe"
            severity: critical
            labels: {team: safety}
            annotations: {summary: "{{ model }} gave an unsafe answer"}
            actions: [notify]
        """

    static func policy(_ url: String) -> String {
        """
        actions: {notify: {type: notify}}
        receivers: [{name: am, type: alertmanager, url: "\(url)", backoff: 100ms, max_backoff: 1s}]
        route: {receiver: am, group_by: [model], group_wait: 0s, group_interval: 1s}
        """
    }

    static func event(_ second: Int, model: String, unsafe: Bool) -> String {
        #"{"ts":"2026-05-01T12:00:\#(String(format: "%02d", second))Z","kind":"completion","model":"\#(model)","#
            + #""response_guard":{"safety":"\#(unsafe ? "unsafe" : "safe")","categories":[],"refusal":false}}"#
    }

    @Test func alertsArriveGroupedAndLeaveWhenResolved() async throws {
        try await AlertmanagerProcess.with(
            configuration: "route: {receiver: sink, group_by: [alertname]}\nreceivers: [{name: sink}]\n"
        ) { base in
            let directory = try SentinelProcess.temporaryDirectory()
            let rules = directory.appendingPathComponent("rules.yaml")
            let policy = directory.appendingPathComponent("policy.yaml")
            try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
            try Self.policy(base).write(to: policy, atomically: true, encoding: .utf8)
            let sentinel = try LiveSentinel(["--rules", rules.path, "--policies", policy.path])
            let events = [Self.event(0, model: "m1", unsafe: true), Self.event(1, model: "m2", unsafe: true)]
            #expect(try await sentinel.post("/api/v1/events", events.joined(separator: "\n")).status == 202)

            func active() async throws -> [[String: Any]] {
                try await AlertmanagerProcess.json(base + "/api/v2/alerts?active=true&silenced=false&inhibited=false") as? [[String: Any]] ?? []
            }
            func models(_ alerts: [[String: Any]]) -> Set<String> {
                Set(alerts.compactMap { ($0["labels"] as? [String: String])?["model"] })
            }
            #expect(try await sentinel.eventually(30) { try await models(active()) == ["m1", "m2"] })
            let alert = try #require(try await active().first)
            let labels = try #require(alert["labels"] as? [String: String])
            #expect(labels["alertname"] == "UnsafeAnswer")
            #expect(labels["severity"] == "critical")
            #expect(labels["team"] == "safety")
            #expect((alert["annotations"] as? [String: String])?["summary"]?.hasSuffix("gave an unsafe answer") == true)

            // Alertmanager's own route groups both under alertname.
            let groups = try await AlertmanagerProcess.json(base + "/api/v2/alerts/groups") as? [[String: Any]] ?? []
            #expect(groups.count == 1)
            #expect((groups.first?["labels"] as? [String: String]) == ["alertname": "UnsafeAnswer"])
            #expect((groups.first?["alerts"] as? [[String: Any]])?.count == 2)

            if FileManager.default.isExecutableFile(atPath: "/usr/bin/amtool") {
                let amtool = Process()
                amtool.executableURL = URL(fileURLWithPath: "/usr/bin/amtool")
                amtool.arguments = ["alert", "query", "--alertmanager.url=\(base)", "-o", "json", "alertname=UnsafeAnswer"]
                let output = Pipe()
                amtool.standardOutput = output
                try amtool.run()
                let data = output.fileHandleForReading.readDataToEndOfFile()
                amtool.waitUntilExit()
                let queried = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
                #expect(models(queried) == ["m1", "m2"])
            }

            // A safe answer for m1 resolves its alert: Sentinel sends endsAt, Alertmanager drops it from the active.
            #expect(try await sentinel.post("/api/v1/events", Self.event(5, model: "m1", unsafe: false)).status == 202)
            #expect(try await sentinel.eventually(30) { try await models(active()) == ["m2"] })
            #expect(sentinel.stop() == 0)
        }
    }
}
