import Foundation
import Testing

@Suite(.serialized) struct RunCommandTests {
    static let traffic: [Substring] = {
        let url = SentinelProcess.packageRoot.appendingPathComponent("examples/traffic.jsonl")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n")
    }()

    /// Posts `lines` as NDJSON in batches; returns the events acknowledged.
    static func post(_ lines: ArraySlice<Substring>, to sentinel: LiveSentinel, batch: Int = 1_000) async throws -> Int {
        var accepted = 0
        var start = lines.startIndex
        while start < lines.endIndex {
            let end = min(start + batch, lines.endIndex)
            let reply = try await sentinel.post("/api/v1/events", lines[start..<end].joined(separator: "\n"))
            #expect(reply.status == 202, "\(reply.body)")
            accepted += reply.json["accepted"] as? Int ?? 0
            start = end
        }
        return accepted
    }

    static func promtool() -> String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func ingestsNDJSONAndReportsRulesAlertsAndMetrics() async throws {
        let sentinel = try LiveSentinel(["--rules", "rules", "--policies", "policies"])
        let posted = try await Self.post(Self.traffic[0..<6_000], to: sentinel)
        #expect(posted == 6_000)
        let evaluated = try await sentinel.eventually {
            try await sentinel.metric("sentinel_events_evaluated_total{source=\"http\"}") == 6_000
        }
        #expect(evaluated)

        let rules = try await sentinel.get("/api/v1/rules").json["rules"] as? [[String: Any]] ?? []
        #expect(rules.count == 16)
        #expect(rules.contains { $0["name"] as? String == "UnsafeAnswerRate" && ($0["evaluations"] as? Int ?? 0) > 0 })
        #expect(rules.first { $0["name"] as? String == "QueueSaturation" }?["on"] as? [String] == ["metric"])

        // Incident a (unsafe answers on olmo-2-1b) lies in the first 6 000 events.
        let firing = try await sentinel.get("/api/v1/alerts?state=firing&label=model=olmo-2-1b").json["alerts"] as? [[String: Any]]
        let all = try await sentinel.get("/api/v1/alerts").json["alerts"] as? [[String: Any]] ?? []
        #expect(!all.isEmpty)
        #expect(firing != nil)
        let badFilter = try await sentinel.get("/api/v1/alerts?state=sleeping")
        #expect(badFilter.status == 400)

        let metrics = try await sentinel.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(metrics.body.contains("sentinel_evaluation_latency_seconds_bucket{le=\"+Inf\"} 6000"))
        #expect(metrics.body.contains("sentinel_rule_matches_total{rule=\"UnsafeAnswerRate\"}"))
        if let promtool = Self.promtool() {
            let file = sentinel.directory.appendingPathComponent("metrics.txt")
            try Data(metrics.body.utf8).write(to: file)
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/bin/sh")
            check.arguments = ["-c", "\(promtool) check metrics < \(file.path)"]
            let output = Pipe()
            check.standardOutput = output
            check.standardError = output
            try check.run()
            check.waitUntilExit()
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(check.terminationStatus == 0, "promtool check metrics: \(said)")
        }
        #expect(try await sentinel.get("/health").status == 200)
        #expect(try await sentinel.get("/ready").status == 200)
        #expect(sentinel.stop() == 0)
    }

    @Test func refusesMalformedOversizedAndUnauthorizedRequestsAndKeepsServing() async throws {
        let config = try SentinelProcess.temporaryDirectory().appendingPathComponent("sentinel.yaml")
        try """
            rules: [\(SentinelProcess.packageRoot.path)/rules]
            policies: [\(SentinelProcess.packageRoot.path)/policies]
            limits: {max_body_bytes: 4096}
            """.write(to: config, atomically: true, encoding: .utf8)
        let sentinel = try LiveSentinel(["--config", config.path], environment: ["SENTINEL_INGEST_TOKEN": "s3cret"])
        let auth = ["Authorization": "Bearer s3cret"]

        let unauthorized = try await sentinel.post("/api/v1/events", String(Self.traffic[0]))
        #expect(unauthorized.status == 401)
        let wrong = try await sentinel.post("/api/v1/events", String(Self.traffic[0]), headers: ["Authorization": "Bearer s3creT"])
        #expect(wrong.status == 401)

        let malformed = try await sentinel.post(
            "/api/v1/events", "{\"ts\":\"2026-05-01T12:00:00Z\",\"kind\":\"x\"}\n{\"ts\":\"yesterday\",\"kind\":\"x\"}\n",
            headers: auth)
        #expect(malformed.status == 400)
        let error = malformed.json["error"] as? [String: Any] ?? [:]
        let problem = (error["problems"] as? [[String: Any]])?.first ?? [:]
        #expect(problem["line"] as? Int == 2)
        #expect(problem["field"] as? String == "ts")
        #expect(problem["offset"] as? Int == 41 + 6)
        #expect((error["message"] as? String)?.contains("none accepted") == true)

        // An event dated past the machine's clock and `max_future` would make every later event late.
        let now = Date().timeIntervalSince1970
        let future = try await sentinel.post(
            "/api/v1/events", "{\"ts\":\(now),\"kind\":\"x\"}\n{\"ts\":\(now + 3600),\"kind\":\"x\"}\n", headers: auth)
        #expect(future.status == 400)
        let futureProblem = ((future.json["error"] as? [String: Any])?["problems"] as? [[String: Any]])?.first ?? [:]
        #expect(futureProblem["line"] as? Int == 2)
        #expect(futureProblem["field"] as? String == "ts")
        #expect((futureProblem["message"] as? String)?.contains("past the latest time accepted, 10m ahead of this machine's clock (limits.max_future)") == true)
        #expect(try await sentinel.post("/api/v1/events", "{\"ts\":\(now + 300),\"kind\":\"x\"}", headers: auth).status == 202)

        let big = String(repeating: String(Self.traffic[0]) + "\n", count: 20)
        let tooLarge = try await sentinel.post("/api/v1/events", big, headers: auth)
        #expect(tooLarge.status == 413)
        #expect((tooLarge.json["error"] as? [String: Any])?["message"] != nil)

        let array = try await sentinel.post(
            "/api/v1/events", "[\n  {\"ts\": \"2026-05-01T12:00:00Z\",\n   \"kind\": \"feedback\"},\n  {\"ts\": 1777636800, \"kind\": \"feedback\"}\n]",
            headers: auth)
        #expect(array.status == 202)
        #expect(array.json["accepted"] as? Int == 2)
        let empty = try await sentinel.post("/api/v1/events", "  \n", headers: auth)
        #expect(empty.status == 400)
        #expect(try await sentinel.get("/nowhere").status == 404)
        #expect(try await sentinel.metric("sentinel_events_rejected_total{reason=\"unauthorized\"}") == 2)
        #expect(try await sentinel.metric("sentinel_events_rejected_total{reason=\"too_large\"}") == 1)
        #expect(sentinel.stop() == 0)
    }

    struct Transition: Hashable, CustomStringConvertible {
        var ts: String
        var rule: String
        var state: String
        var labels: String

        var description: String { "\(ts) \(rule) \(state) \(labels)" }
    }

    @Test func replayingTheTapReproducesTheLiveRunsAlerts() async throws {
        let tap = try SentinelProcess.temporaryDirectory().appendingPathComponent("tap")
        let sentinel = try LiveSentinel([
            "--rules", "rules", "--policies", "policies", "--tap", tap.path, "--log-format", "json", "--log-level", "debug",
        ])
        let posted = try await Self.post(Self.traffic[...], to: sentinel, batch: 2_000)
        #expect(posted == Self.traffic.count)
        #expect(sentinel.stop() == 0)

        // Live: the debug line the evaluation loop logs for every transition.
        var live: [Transition] = []
        for line in sentinel.stderr.split(separator: "\n") where line.hasPrefix("{") {
            guard let entry = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                entry["message"] == "transition"
            else { continue }
            let labels = entry.filter { $0.key.hasPrefix("label.") }.map { "\($0.key.dropFirst(6))=\($0.value)" }.sorted()
            live.append(Transition(ts: entry["at"]!, rule: entry["rule"]!, state: entry["state"]!, labels: "\(labels)"))
        }
        #expect(live.count > 40)

        let files = try FileManager.default.contentsOfDirectory(atPath: tap.path).sorted().map { tap.appendingPathComponent($0).path }
        let replay = try SentinelProcess.run(["dry-run", "--quiet", "--rules", "rules", "--policies", "policies"] + files)
        #expect(replay.status == 0, "\(replay.stderr)")
        var replayed: [Transition] = []
        for line in replay.stdout.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["type"] as? String == "alert" else { continue }
            let labels = (object["labels"] as! [String: String]).filter { $0.key != "severity" }.map { "\($0.key)=\($0.value)" }.sorted()
            replayed.append(
                Transition(ts: object["ts"] as! String, rule: object["rule"] as! String, state: object["state"] as! String, labels: "\(labels)"))
        }
        #expect(live == replayed, "live \(live.count) vs replayed \(replayed.count)")
        let tapped = try LiveSentinel.tapLines(tap).filter { !$0.contains("\"kind\":\"heartbeat\"") }
        #expect(tapped.count == Self.traffic.count)
    }

    @Test func reloadsRepeatedlyDuringASteadyStreamWithoutLosingOrRepeatingAnEvent() async throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        let shipped = SentinelProcess.packageRoot.appendingPathComponent("rules")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") && !name.contains(".test.") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: rules.appendingPathComponent(name))
        }
        let safety = rules.appendingPathComponent("safety.yaml")
        let original = try String(contentsOf: safety, encoding: .utf8)
        let tap = dir.appendingPathComponent("tap")
        let sentinel = try LiveSentinel(["--rules", rules.path, "--policies", "policies", "--tap", tap.path])
        let lines = Self.traffic[0..<20_000]

        async let streamed = Self.post(lines, to: sentinel, batch: 200)
        for round in 0..<12 {
            let text =
                round % 3 == 1
                ? original.replacingOccurrences(of: "ratio(", with: "ratoi(")
                : original.replacingOccurrences(of: "> 0.2 and", with: round % 2 == 0 ? "> 0.25 and" : "> 0.2 and")
            try text.write(to: safety, atomically: true, encoding: .utf8)
            if round % 2 == 0 {
                let reply = try await sentinel.post("/-/reload", "")
                #expect(reply.status == (round % 3 == 1 ? 400 : 200), "\(reply.body)")
            } else {
                sentinel.signal(SIGHUP)
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        let posted = try await streamed
        #expect(posted == lines.count)
        let counted = try await sentinel.eventually {
            let success = try await sentinel.metric("sentinel_reloads_total{result=\"success\"}") ?? 0
            let failure = try await sentinel.metric("sentinel_reloads_total{result=\"failure\"}") ?? 0
            return success + failure == 12 && failure == 4
        }
        #expect(counted)
        #expect(sentinel.stop() == 0)

        // The tap holds exactly what was evaluated, in order: every posted event once, heartbeats aside.
        let evaluated = try LiveSentinel.tapLines(tap).filter { !$0.contains("\"kind\":\"heartbeat\"") }
        #expect(evaluated.count == lines.count)
        #expect(evaluated == Array(lines))
        #expect(sentinel.stderr.contains("reload failed"))
        #expect(sentinel.stderr.contains("unknown function 'ratoi'"))
    }
}
