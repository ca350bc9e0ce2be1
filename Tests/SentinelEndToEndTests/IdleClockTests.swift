import Foundation
import Testing

/// While no events arrive, `sentinel run` moves event time with the wall clock (heartbeats), so absence rules fire
/// while sources are silent, however often clients query the service meanwhile.
@Suite struct IdleClockTests {
    @Test func aClientPollingTheMetricsDoesNotStopTheClock() async throws {
        let (_, rules, policy) = try WarmStartTests.folder(
            rules: """
                rules:
                  - {name: ModelSilent, on: completion, group_by: [model], every: 1s, when: "count(1h) >= 1 and count(3s) == 0", actions: [notify]}
                """)
        let sentinel = try LiveSentinel(["--rules", rules.path, "--policies", policy.path])
        let now = ISO8601DateFormatter().string(from: Date())
        let event = #"{"ts":"\#(now)","kind":"completion","model":"m"}"#
        #expect(try await sentinel.post("/api/v1/events", event).status == 202)
        // `eventually` asks for /metrics every 50 ms, more often than the evaluation queue's idle timeout.
        #expect(
            try await sentinel.eventually {
                try await sentinel.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") == 1
            })
        #expect(try await sentinel.metric("sentinel_heartbeats_total") ?? 0 >= 3)
        #expect(sentinel.stop() == 0)
    }
}
