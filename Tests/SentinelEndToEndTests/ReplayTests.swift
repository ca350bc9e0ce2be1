import Foundation
import Testing

@Suite struct ReplayTests {
    /// `sentinel run --replay` feeds the shipped recording through the live pipeline: every event is evaluated,
    /// and the findings, DPO pairs and firing rules are the ones `dry-run` reports for the same file.
    @Test func replayingTheShippedTrafficGivesWhatDryRunGives() async throws {
        let traffic = "examples/traffic.jsonl"
        let dryRun = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic])
        #expect(dryRun.status == 0)
        let lines = dryRun.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        let expectedFindings = lines.filter { $0["type"] as? String == "finding" }.count
        let expectedPairs = lines.filter { $0["type"] as? String == "dpo_pair" }.count
        let firedRules = Set(lines.filter { $0["type"] as? String == "alert" && $0["state"] as? String == "firing" }.compactMap { $0["rule"] as? String })
        #expect(expectedFindings > 0 && expectedPairs > 0 && !firedRules.isEmpty)
        let events = try String(contentsOf: SentinelProcess.packageRoot.appendingPathComponent(traffic), encoding: .utf8)
            .split(separator: "\n").count

        let sentinel = try LiveSentinel(["--rules", "rules", "--policies", "policies", "--replay", traffic, "--replay-speed", "0"])
        let evaluated = try await sentinel.eventually(120) {
            try await sentinel.metric("sentinel_events_evaluated_total{source=\"replay\"}") == Double(events)
        }
        #expect(evaluated, "\(sentinel.stderr.suffix(2000))")
        #expect(sentinel.stderr.contains("replay finished"))
        let findings = try await sentinel.metric("sentinel_findings_total{rule=\"UnsafeAnswerRate\"}")
        #expect(findings != nil)
        var stored = 0
        var cursor: String?
        repeat {
            let page = try await sentinel.get("/api/v1/findings?limit=1000" + (cursor.map { "&cursor=\($0)" } ?? "")).json
            stored += (page["findings"] as? [Any])?.count ?? 0
            cursor = (page["next_cursor"] as? Int).map(String.init) ?? page["next_cursor"] as? String
        } while cursor != nil
        #expect(stored == expectedFindings)
        let pairs = try await sentinel.get("/api/v1/dpo-pairs?limit=1000").json["pairs"] as? [Any]
        #expect(pairs?.count == expectedPairs)
        let alerts = try await sentinel.get("/api/v1/alerts").json["alerts"] as? [[String: Any]] ?? []
        #expect(Set(alerts.compactMap { $0["rule"] as? String }).isSuperset(of: firedRules))
        #expect(sentinel.stop() == 0)
    }

    /// A line dated ten years ahead is logged with its file and line, and neither it nor the line after it, back in
    /// its own time, holds the replay back.
    @Test func anOutlierTimestampIsLoggedWithItsLineAndNotWaitedFor() async throws {
        let traffic = try SentinelProcess.temporaryDirectory().appendingPathComponent("outlier.jsonl").path
        try """
        {"ts":1796428800,"kind":"metric","name":"r1","labels":{},"value":1}
        {"ts":2111788800,"kind":"metric","name":"future","labels":{},"value":1}
        {"ts":1796428802,"kind":"metric","name":"r3","labels":{},"value":1}

        """.write(toFile: traffic, atomically: true, encoding: .utf8)
        let sentinel = try LiveSentinel(["--rules", "rules", "--policies", "policies", "--replay", traffic, "--replay-speed", "60"])
        let finished = try await sentinel.eventually(60) { sentinel.stderr.contains("replay finished") }
        #expect(finished, "\(sentinel.stderr.suffix(2000))")
        #expect(try await sentinel.metric("sentinel_replay_events_total") == 3)
        #expect(try await sentinel.metric("sentinel_replay_time_jumps_total") == 2)
        let warnings = sentinel.stderr.split(separator: "\n").filter { $0.contains("far from the one before in event time") }
        #expect(warnings.count == 2, "\(sentinel.stderr.suffix(2000))")
        #expect(warnings.first?.contains("at=\(traffic):2") == true && warnings.first?.contains("gap=+521w3d") == true, "\(warnings)")
        #expect(warnings.last?.contains("at=\(traffic):3") == true, "\(warnings)")
        #expect(sentinel.stop() == 0)
    }

    /// `--replay` next to a configuration file's live collector is refused as the file's own replay would be.
    @Test func replayFlagsNextToALiveCollectorStopTheStartWithTheReason() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let config = dir.appendingPathComponent("sentinel.yaml").path
        try """
        collectors:
          scrape:
            targets: [{name: a, url: "http://127.0.0.1:1/metrics"}]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = dir.appendingPathComponent("sentinel.db").path
        let traffic = "examples/traffic.jsonl"
        let result = try SentinelProcess.run(
            ["run", "--config", config, "--rules", "rules", "--policies", "policies", "--listen", "127.0.0.1:0", "--store", store, "--replay", traffic])
        #expect(result.status == 2)
        #expect(result.stderr.contains("error: --replay cannot run next to 'collectors.scrape': replayed events keep their recorded times"), "\(result.stderr)")
        #expect(result.stderr.contains("(in \(config))"))
        #expect(!FileManager.default.fileExists(atPath: store))

        try "collectors:\n  scrape:\n    targets: [{name: a, url: \"http://127.0.0.1:1/metrics\"}]\n  replay: {files: [traffic.jsonl]}\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let fromFile = try SentinelProcess.run(["run", "--config", config, "--rules", "rules", "--policies", "policies", "--listen", "127.0.0.1:0", "--store", store])
        #expect(fromFile.status == 1)
        #expect(fromFile.stderr.contains("sentinel.yaml:4:3: error: 'collectors.replay' cannot run next to 'collectors.scrape'"), "\(fromFile.stderr)")
    }

    @Test func aReplayFileThatCannotBeReadStopsTheStartWithItsName() throws {
        let store = try SentinelProcess.temporaryDirectory().appendingPathComponent("sentinel.db").path
        let result = try SentinelProcess.run(
            ["run", "--rules", "rules", "--policies", "policies", "--listen", "127.0.0.1:0", "--store", store, "--replay", "no/such.jsonl"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("replay: no/such.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: store))
    }
}
