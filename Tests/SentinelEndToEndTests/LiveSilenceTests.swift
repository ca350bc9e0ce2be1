import Foundation
import Testing

/// A silence posted to `sentinel run` mutes by the machine's clock, as Alertmanager's do: events whose own times
/// are elsewhere (a replay of recorded traffic, a backfill) are muted while it is active.
@Suite struct LiveSilenceTests {
    @Test func aSilenceMutesAlertsOfEventsFromAnotherTime() async throws {
        let directory = try SentinelProcess.temporaryDirectory()
        let rules = directory.appendingPathComponent("rules.yaml")
        let policy = directory.appendingPathComponent("policy.yaml")
        try """
        rules:
          - name: Slow
            on: completion
            group_by: [model]
            when: latency_ms > 1000
            severity: warning
            actions: [notify]
        """.write(to: rules, atomically: true, encoding: .utf8)
        try """
        actions: {notify: {type: notify}}
        receivers: [{name: ops, type: log}]
        route: {receiver: ops, group_by: [alertname, model], group_wait: 0s, group_interval: 1s}
        """.write(to: policy, atomically: true, encoding: .utf8)
        let sentinel = try LiveSentinel(
            ["--rules", rules.path, "--policies", policy.path, "--store", directory.appendingPathComponent("s.db").path],
            environment: ["SENTINEL_WRITE_TOKEN": "w"])
        let now = Date()
        let format = ISO8601DateFormatter()
        let silence = #"{"matchers":[{"name":"model","value":"m1","isRegex":false,"isEqual":true}],"#
            + #""startsAt":"\#(format.string(from: now.addingTimeInterval(-60)))","#
            + #""endsAt":"\#(format.string(from: now.addingTimeInterval(3600)))","createdBy":"ana","comment":"known"}"#
        #expect(try await sentinel.post("/api/v1/silences", silence, headers: ["Authorization": "Bearer w"]).status == 200)
        // Recorded traffic from May: both models slow.
        let events = ["m1", "m2"].map { model in
            #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"\#(model)","latency_ms":2000}"#
        }
        #expect(try await sentinel.post("/api/v1/events", events.joined(separator: "\n")).status == 202)
        #expect(try await sentinel.eventually { try await sentinel.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        try await Task.sleep(for: .seconds(2))  // heartbeats move event time on: flushes would have sent m1
        #expect(try await sentinel.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1)
        #expect(sentinel.stderr.contains("model=m2") && !sentinel.stderr.contains("model=m1"), "\(sentinel.stderr)")
        #expect(sentinel.stop() == 0)
    }
}
