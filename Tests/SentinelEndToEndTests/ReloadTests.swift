import Foundation
import Testing

/// Reloads of a running `sentinel run` that must not lose rules or leave alerts behind.
@Suite struct ReloadTests {
    static let probe = """
        rules:
          - name: Probe
            on: probe
            group_by: [g]
            when: count(1h) >= 3
            for: 1m
            severity: warning
            labels: {team: one}
            actions: [notify]
        """

    /// A folder with `rules/p.yaml` and a `sentinel.yaml` naming it and the shipped policies.
    static func setUp() throws -> (config: URL, rule: URL) {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let rule = rules.appendingPathComponent("p.yaml")
        try probe.write(to: rule, atomically: true, encoding: .utf8)
        let config = dir.appendingPathComponent("sentinel.yaml")
        let policies = SentinelProcess.packageRoot.appendingPathComponent("policies").path
        try "rules: [rules]\npolicies: [\(policies)]\n".write(to: config, atomically: true, encoding: .utf8)
        return (config, rule)
    }

    /// The same file refused at the start (`no rules`) is refused by a reload, which keeps the running rules.
    @Test func aConfigurationWithoutRulesNeverReplacesOneWithRules() async throws {
        let (config, _) = try Self.setUp()
        let sentinel = try LiveSentinel(["--config", config.path])
        let policies = SentinelProcess.packageRoot.appendingPathComponent("policies").path
        try "rules: []\npolicies: [\(policies)]\n".write(to: config, atomically: true, encoding: .utf8)
        let reply = try await sentinel.post("/-/reload", "")
        #expect(reply.status == 400, "\(reply.body)")
        #expect(reply.body.contains("no rules"))
        let rules = try await sentinel.get("/api/v1/rules").json["rules"] as? [[String: Any]] ?? []
        #expect(rules.map { $0["name"] as? String } == ["Probe"])
        #expect(sentinel.stop() == 0)
    }

    /// An emptied rule file (a truncated write) is legal, so the reload goes ahead, but its warning is in the
    /// answer and the log instead of only the list of removed rules.
    @Test func aReloadWithAnEmptiedRuleFileSaysSo() async throws {
        let (config, rule) = try Self.setUp()
        let second = rule.deletingLastPathComponent().appendingPathComponent("q.yaml")
        try Self.probe.replacingOccurrences(of: "name: Probe", with: "name: Second").write(to: second, atomically: true, encoding: .utf8)
        let sentinel = try LiveSentinel(["--config", config.path])
        try "".write(to: second, atomically: true, encoding: .utf8)
        let reply = try await sentinel.post("/-/reload", "")
        #expect(reply.status == 200, "\(reply.body)")
        #expect(reply.json["removed"] as? [String] == ["Second"])
        let warnings = reply.json["warnings"] as? [[String: Any]] ?? []
        let empty = warnings.first { $0["code"] as? String == "W0106" }
        #expect((empty?["file"] as? String)?.hasSuffix("q.yaml") == true, "\(reply.body)")
        #expect(sentinel.stop() == 0)
    }

    /// A kept rule whose labels and severity change shows one alert, with the new labels: the old entry stayed
    /// beside it, pending for ever.
    @Test func aKeptRuleWithNewLabelsShowsOneAlertWithThem() async throws {
        let (config, rule) = try Self.setUp()
        let sentinel = try LiveSentinel(["--config", config.path])
        let three = (1...3).map { #"{"ts":"2026-05-01T12:00:0\#($0)Z","kind":"probe","g":"a"}"# }.joined(separator: "\n")
        #expect(try await sentinel.post("/api/v1/events", three).status == 202)
        func alerts() async throws -> [[String: Any]] {
            try await sentinel.get("/api/v1/alerts").json["alerts"] as? [[String: Any]] ?? []
        }
        #expect(try await sentinel.eventually { try await alerts().count == 1 })
        try Self.probe.replacingOccurrences(of: "team: one", with: "team: two")
            .replacingOccurrences(of: "severity: warning", with: "severity: critical")
            .write(to: rule, atomically: true, encoding: .utf8)
        #expect(try await sentinel.post("/-/reload", "").status == 200)
        #expect(try await sentinel.post("/api/v1/events", #"{"ts":"2026-05-01T12:02:00Z","kind":"probe","g":"a"}"#).status == 202)
        let fired = try await sentinel.eventually { try await alerts().first?["state"] as? String == "firing" }
        #expect(fired)
        let now = try await alerts()
        let active = now.filter { $0["state"] as? String != "resolved" }
        #expect(active.count == 1, "\(now)")
        let labels = active.first?["labels"] as? [String: String]
        #expect(labels?["team"] == "two" && labels?["severity"] == "critical")
        // The alert under the old labels ended with the reload: listed as resolved, and stored so.
        let ended = now.filter { $0["state"] as? String == "resolved" }
        #expect(ended.count == 1 && (ended.first?["labels"] as? [String: String])?["team"] == "one", "\(now)")
        #expect(try await sentinel.metric("sentinel_alert_transitions_total{rule=\"Probe\",state=\"resolved\"}") == 1)
        #expect(sentinel.stop() == 0)
    }
    /// Collectors, tokens and limits are taken at the start: a reload applies the new rules, and says which of those
    /// changes wait for a restart (in its answer and the log) rather than dropping them silently.
    @Test func aReloadNamesTheStartupChangesItDoesNotApply() async throws {
        let (config, _) = try Self.setUp()
        let policies = SentinelProcess.packageRoot.appendingPathComponent("policies").path
        func write(_ collectors: String, settings: String = "") throws {
            try "rules: [rules]\npolicies: [\(policies)]\n\(settings)collectors:\n\(collectors)".write(
                to: config, atomically: true, encoding: .utf8)
        }
        try write("  scrape:\n    interval: 1h\n    targets: [{name: a, url: \"http://127.0.0.1:1/metrics\"}]\n")
        let sentinel = try LiveSentinel(["--config", config.path])
        #expect(try await sentinel.post("/-/reload", "").status == 200)
        #expect(!sentinel.stderr.contains("reload does not apply"), "an unchanged file changes nothing")

        try write(
            """
              scrape:
                interval: 30m
                targets: [{name: a, url: "http://127.0.0.1:1/metrics"}, {name: b, url: "http://127.0.0.1:2/metrics"}]
              replay: {files: [traffic.jsonl]}

            """)
        #expect(try await sentinel.post("/-/reload", "").status == 400, "a replay next to the scraper is refused on reload too")
        try write(
            """
              scrape:
                interval: 30m
                targets: [{name: a, url: "http://127.0.0.1:1/metrics"}, {name: b, url: "http://127.0.0.1:2/metrics"}]
              simulator:
                frontier: {url: "http://127.0.0.1:3", model: m}
                prompts: [p.jsonl]

            """, settings: "auth: {ingest_token: rotated-secret}\nlimits: {max_body_bytes: 1048576}\n")
        let reply = try await sentinel.post("/-/reload", "")
        #expect(reply.status == 200)
        let expected = ["auth", "limits", "collectors.scrape changed: interval; targets added b", "collectors.simulator added"]
        #expect(reply.json["not_applied"] as? [String] == expected, "\(reply.body)")
        let warning = sentinel.stderr.split(separator: "\n").first { $0.contains("reload does not apply these settings") }
        #expect(warning?.contains("changes=\(expected.joined(separator: ", "))") == true, "\(sentinel.stderr.suffix(2000))")
        #expect(!sentinel.stderr.contains("rotated-secret"))
        // The running service keeps the tokens it started with: ingestion is still open.
        #expect(try await sentinel.post("/api/v1/events", #"{"ts":"2026-05-01T12:00:00Z","kind":"x"}"#).status == 202)
        #expect(try await sentinel.metric("sentinel_scrapes_total{job=\"b\",instance=\"127.0.0.1:2\"}") == nil)
        #expect(sentinel.stop() == 0)
    }
}
