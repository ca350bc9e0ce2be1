import Foundation
import Testing

/// A restarted `sentinel run` refills its windows from the tap: baselines survive the restart, an alert firing when
/// it stopped is firing again without being notified again, the next event is judged on the refilled windows, and
/// an unsafe answer still waiting for its re-prompt gets its DPO pair.
@Suite struct WarmStartTests {
    static let rules = """
        rules:
          - name: SlowRequest
            on: completion
            group_by: [model]
            when: latency_ms > 3 * avg(latency_ms, 1h) and count(1h) >= 20
            severity: warning
            actions: [notify]
          - name: UnsafeAnswer
            on: completion
            group_by: [model]
            when: response_guard.safety == "unsafe"
            keep_firing_for: 2h
            severity: critical
            actions: [notify, capture_dpo]
        """

    static let policy = """
        actions: {notify: {type: notify}, capture_dpo: {type: capture_dpo}}
        receivers: [{name: ops, type: log}]
        route: {receiver: ops, group_by: [alertname, model], group_wait: 0s, group_interval: 1s}
        """

    /// A completion of model `m` at `minute` minutes past noon, with id `c-<minute>`.
    static func event(minute: Int, latency: Int, unsafe: Bool = false, repromptOf: String? = nil) -> String {
        let time = String(format: "2026-05-01T%02d:%02d:00Z", 12 + minute / 60, minute % 60)
        let reprompt = repromptOf.map { #""reprompt_of":"\#($0)","# } ?? ""
        return #"{"ts":"\#(time)","kind":"completion","id":"c-\#(minute)","model":"m","prompt":"p\#(minute)","#
            + #""latency_ms":\#(latency),"response":"r\#(minute)",\#(reprompt)"#
            + #""response_guard":{"safety":"\#(unsafe ? "unsafe" : "safe")","categories":[],"refusal":false}}"#
    }

    /// A fresh folder holding `rules` as `rules.yaml` and `policy` as `policy.yaml`.
    static func folder(rules: String, policy: String = policy) throws -> (directory: URL, rules: URL, policy: URL) {
        let directory = try SentinelProcess.temporaryDirectory()
        let rulesFile = directory.appendingPathComponent("rules.yaml")
        let policyFile = directory.appendingPathComponent("policy.yaml")
        try rules.write(to: rulesFile, atomically: true, encoding: .utf8)
        try policy.write(to: policyFile, atomically: true, encoding: .utf8)
        return (directory, rulesFile, policyFile)
    }

    static func firing(_ rule: String, _ severity: String) -> String {
        "sentinel_alerts{rule=\"\(rule)\",severity=\"\(severity)\",state=\"firing\"}"
    }

    @Test func aRestartGoesOnFromTheTappedWindows() async throws {
        let (directory, rules, policy) = try Self.folder(rules: Self.rules)
        func start(warm: Bool = true) throws -> LiveSentinel {
            try LiveSentinel(
                ["--rules", rules.path, "--policies", policy.path, "--tap", directory.appendingPathComponent("tap").path]
                    + ["--store", directory.appendingPathComponent("store-\(warm).db").path] + (warm ? [] : ["--no-warm-start"]))
        }

        // Half an hour of steady 100 ms requests, one unsafe answer among them.
        let first = try start()
        let steady = (0..<30).map { Self.event(minute: $0, latency: 100, unsafe: $0 == 20) }
        #expect(try await first.post("/api/v1/events", steady.joined(separator: "\n")).status == 202)
        #expect(try await first.eventually { try await first.metric(Self.firing("UnsafeAnswer", "critical")) == 1 })
        #expect(try await first.eventually { try await first.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        #expect(first.stop() == 0)

        // Later than the first run's heartbeats can have moved event time (idle seconds of wall clock).
        let slow = Self.event(minute: 45, latency: 1_000)
        let restarted = try start()
        #expect(restarted.stderr.contains("warm start from the tap"), "\(restarted.stderr)")
        #expect(restarted.stderr.contains("malformed=0"), "\(restarted.stderr)")
        // Firing again before any new event: the alert book shows it and receivers are not told again.
        #expect(try await restarted.metric(Self.firing("UnsafeAnswer", "critical")) == 1)
        #expect(try await restarted.post("/api/v1/events", slow).status == 202)
        #expect(try await restarted.eventually { try await restarted.metric(Self.firing("SlowRequest", "warning")) == 1 })
        try await Task.sleep(for: .seconds(2))  // group interval 1s: a repeat would have gone out
        #expect(try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1, "SlowRequest only")
        // The unsafe answer before the restart still waits for its re-prompt: a safe one (of its prompt) now makes
        // the pair.
        let reprompt = Self.event(minute: 46, latency: 100, repromptOf: "c-20")
            .replacingOccurrences(of: #""prompt":"p46""#, with: #""prompt":"p20""#)
        #expect(try await restarted.post("/api/v1/events", reprompt).status == 202)
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_dpo_pairs_total{source=\"stream\"}") == 1 })
        #expect(restarted.stop() == 0)
        let tapped = try LiveSentinel.tapLines(directory.appendingPathComponent("tap"))
            .filter { !$0.contains("\"kind\":\"heartbeat\"") }
        #expect(tapped.count == 32, "the warm start reads the tap, it does not write it again")

        // The same event after a start that does not refill the windows is judged on empty ones.
        let cold = try start(warm: false)
        #expect(!cold.stderr.contains("warm start from the tap"))
        #expect(try await cold.post("/api/v1/events", slow).status == 202)
        #expect(try await cold.eventually { try await cold.metric("sentinel_events_evaluated_total{source=\"http\"}") == 1 })
        #expect(try await cold.metric(Self.firing("SlowRequest", "warning")) ?? 0 == 0)
        #expect(cold.stop() == 0)
    }

    /// The time Sentinel was down is not silence: after a two-hour outage an absence rule does not fire for it, and
    /// an alert that was firing does not resolve and fire again across it (it fires again with the live events and
    /// the notification log dedupes it).
    @Test func theTimeSentinelWasDownIsNotSilence() async throws {
        let (directory, rules, policy) = try Self.folder(
            rules: """
            rules:
              - name: UnsafeBurst
                on: completion
                group_by: [model]
                when: count(response_guard.safety == "unsafe", 5m) >= 3
                for: 1m
                keep_firing_for: 5m
                severity: critical
                actions: [notify]
              - name: ModelSilent
                on: completion
                group_by: [model]
                every: 1m
                when: count(1h) >= 10 and count(5m) == 0
                for: 2m
                severity: warning
                actions: [notify]
            """)
        func start() throws -> LiveSentinel {
            try LiveSentinel([
                "--rules", rules.path, "--policies", policy.path, "--tap", directory.appendingPathComponent("tap").path,
                "--store", directory.appendingPathComponent("store.db").path,
            ])
        }
        let first = try start()
        let before = (0...20).map { Self.event(minute: $0, latency: 100, unsafe: $0 >= 15) }
        #expect(try await first.post("/api/v1/events", before.joined(separator: "\n")).status == 202)
        #expect(try await first.eventually { try await first.metric(Self.firing("UnsafeBurst", "critical")) == 1 })
        #expect(try await first.eventually { try await first.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        #expect(first.stop() == 0)
        // Sentinel was down for the hundred minutes between the two streams (the tap was last written then).
        try Self.backdateTap(directory.appendingPathComponent("tap"), by: 95 * 60)

        let restarted = try start()
        let after = (120...125).map { Self.event(minute: $0, latency: 100, unsafe: true) }
        #expect(try await restarted.post("/api/v1/events", after.joined(separator: "\n")).status == 202)
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_events_evaluated_total{source=\"http\"}") == 6 })
        #expect(try await restarted.eventually { try await restarted.metric(Self.firing("UnsafeBurst", "critical")) == 1 })
        try await Task.sleep(for: .seconds(2))  // group interval 1s: flushes would have happened
        #expect(try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") ?? 0 == 0)
        #expect(try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") == 0)
        #expect(try await restarted.metric("sentinel_alert_transitions_total{rule=\"UnsafeBurst\",state=\"resolved\"}") == 0)
        #expect(restarted.stop() == 0)
    }

    static let silenceRule = """
        rules:
          - name: ModelSilent
            on: completion
            group_by: [model]
            every: 1s
            when: count(1h) >= 1 and count(40s) == 0
            severity: warning
            actions: [notify]
        """

    /// Sets the modification time of every tap file `seconds` back, as if Sentinel had stopped that long ago.
    static func backdateTap(_ tap: URL, by seconds: TimeInterval) throws {
        for file in try FileManager.default.contentsOfDirectory(atPath: tap.path) {
            try FileManager.default.setAttributes(
                [.modificationDate: Date().addingTimeInterval(-seconds)], ofItemAtPath: tap.appendingPathComponent(file).path)
        }
    }

    /// A tap as a run stopped just now leaves it: one completion dated now, in a file written now (so nothing here
    /// depends on how long a first run would take to start and stop). Returns the tap folder and a function that
    /// starts `sentinel run` with `silenceRule` on it. The silence window (40 s) is longer than `LiveSentinel`
    /// waits for a start (30 s), so the silence cannot have begun before the service is up.
    static func tapOneEventNow(
        secondsAgo: TimeInterval = 0, rules: String = silenceRule
    ) throws -> (tap: URL, start: () throws -> LiveSentinel) {
        let (directory, rules, policy) = try Self.folder(rules: rules)
        let tap = directory.appendingPathComponent("tap")
        try FileManager.default.createDirectory(at: tap, withIntermediateDirectories: true)
        let time = Date().timeIntervalSince1970 - secondsAgo
        let event = #"{"ts":\#(time),"kind":"completion","id":"c-1","model":"m","latency_ms":100}"#
        try (event + "\n").write(to: tap.appendingPathComponent("tap-20260501T120000Z-0001.jsonl"), atomically: true, encoding: .utf8)
        let start = {
            try LiveSentinel(["--rules", rules.path, "--policies", policy.path, "--tap", tap.path])
        }
        return (tap, start)
    }

    /// After a warm start the clock runs without live events, from the tap's last event at the time the tap was
    /// last written: a model that stays silent is found silent by this run.
    @Test func theClockRunsAfterAWarmStart() async throws {
        let (_, start) = try Self.tapOneEventNow()
        let restarted = try start()
        #expect(restarted.stderr.contains("warm start from the tap"), "\(restarted.stderr)")
        #expect(
            try await restarted.eventually(60) {
                try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") == 1
            })
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        #expect(try await restarted.metric("sentinel_events_evaluated_total{source=\"http\"}") ?? 0 == 0)
        #expect(restarted.stop() == 0)
    }

    /// A model that went silent while Sentinel was down (its last event a minute before the restart) and stays silent
    /// is reported once the silence window (40 s) has passed in observed time. Its alert started in the downtime,
    /// unreported, and goes on firing: it was neither stored nor notified, ever.
    @Test func aSilenceThatBeganInTheDowntimeAndGoesOnIsReported() async throws {
        let (tap, start) = try Self.tapOneEventNow(secondsAgo: 60)
        try Self.backdateTap(tap, by: 60)
        let started = Date()
        let restarted = try start()
        #expect(
            try await restarted.eventually(120) {
                try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") == 1
            })
        // Not at once: the downtime alone is no silence; 40 s of it observed is (a slow machine only adds time).
        #expect(Date().timeIntervalSince(started) >= 38)
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        #expect(restarted.stop() == 0)
    }

    /// A silence whose alert was pending when Sentinel came back (its `for` begun in the downtime) is reported no
    /// sooner than one that began at the restart: after the window and the `for` in observed time (20 s + 10 s),
    /// not after what was left of the `for`.
    @Test func anAlertPendingFromTheDowntimeWaitsForObservedTime() async throws {
        let rules = Self.silenceRule.replacingOccurrences(of: "count(40s) == 0", with: "count(20s) == 0\n    for: 10s")
        let (tap, start) = try Self.tapOneEventNow(secondsAgo: 25, rules: rules)
        try Self.backdateTap(tap, by: 25)
        let started = Date()
        let restarted = try start()
        #expect(
            try await restarted.eventually(120) {
                try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") == 1
            })
        #expect(Date().timeIntervalSince(started) >= 28)
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") == 1 })
        #expect(restarted.stop() == 0)
    }

    /// The same silence, but the model sends again right after the restart: its alert, started in the downtime and
    /// ended before it was confirmed, is never stored, counted or sent (neither firing nor resolved).
    @Test func aSilenceInTheDowntimeThatEndsAtTheRestartIsNotReported() async throws {
        // A 10-minute silence window, so that however slowly this machine starts the service, the live event comes
        // long before the alert would be confirmed.
        let rules = Self.silenceRule.replacingOccurrences(of: "count(40s) == 0", with: "count(10m) == 0")
        let (tap, start) = try Self.tapOneEventNow(secondsAgo: 15 * 60, rules: rules)
        try Self.backdateTap(tap, by: 15 * 60)
        let restarted = try start()
        let event = #"{"ts":\#(Date().timeIntervalSince1970),"kind":"completion","id":"c-2","model":"m","latency_ms":100}"#
        #expect(try await restarted.post("/api/v1/events", event).status == 202)
        #expect(try await restarted.eventually { try await restarted.metric("sentinel_events_evaluated_total{source=\"http\"}") == 1 })
        #expect(try await restarted.eventually(60) { try await restarted.metric("sentinel_heartbeats_total") ?? 0 >= 2 })
        for state in ["firing", "resolved"] {
            #expect(try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"\(state)\"}") ?? 0 == 0)
        }
        #expect(try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") ?? 0 == 0)
        #expect(restarted.stop() == 0)
    }

    /// The clock after a warm start counts the time since the tap was last written as time Sentinel was down: a
    /// silence that began and ended in those two hours is not reported when the clock crosses them.
    @Test func theClockAfterAWarmStartCrossesTheDowntimeUnobserved() async throws {
        let (tap, start) = try Self.tapOneEventNow()
        try Self.backdateTap(tap, by: 2 * 3600)
        let restarted = try start()
        #expect(restarted.stderr.contains("unobserved_seconds=72"), "\(restarted.stderr)")
        // Two heartbeats take two seconds; the wait is long for a loaded machine, as the tests above.
        #expect(try await restarted.eventually(60) { try await restarted.metric("sentinel_heartbeats_total") ?? 0 >= 2 })
        #expect(try await restarted.metric("sentinel_alert_transitions_total{rule=\"ModelSilent\",state=\"firing\"}") ?? 0 == 0)
        #expect(try await restarted.metric("sentinel_notifications_total{receiver=\"ops\"}") ?? 0 == 0)
        #expect(restarted.stop() == 0)
    }
}
