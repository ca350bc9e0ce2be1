import Foundation
import SentinelCore
import Testing

@Suite struct DryRunCommandTests {
    struct Incident: Decodable {
        var id: String
        var name: String
        var start: String
        var end: String
        var model: String?
        var user: String?
    }

    /// The rule that must fire for each incident of the shipped traffic (examples/incidents.json).
    static let rulesByIncident: [String: [String]] = [
        "a": ["UnsafeAnswerRate"], "b": ["JailbreakSuccess"], "c": ["RefusalCollapse"],
        "d": ["LatencyAnomaly", "LatencyShift", "TTFTTail", "TTFTp99FromMetrics"], "e": ["TokenSpike"],
        "f": ["QueueSaturation", "KVCachePressure"], "g": ["GuardSilence"], "h": ["ErrorAbortRatio", "FrontierErrors"],
        "i": ["CategoryDrift"],
    ]

    static func firings(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["type"] as? String == "alert" && $0["state"] as? String == "firing" }
    }

    @Test func shippedTrafficFiresEachIncidentsRulesInsideItsWindowAndNothingElse() throws {
        let result = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", "examples/traffic.jsonl"])
        #expect(result.status == 0, "\(result.stderr)")
        let firings = try Self.firings(result.stdout)
        let schedule = try JSONSerialization.jsonObject(
            with: Data(contentsOf: SentinelProcess.packageRoot.appendingPathComponent("examples/incidents.json"))) as! [String: Any]
        let incidents = try JSONDecoder().decode(
            [Incident].self, from: JSONSerialization.data(withJSONObject: schedule["incidents"]!))
        var explained = Set<Int>()
        for incident in incidents {
            for rule in Self.rulesByIncident[incident.id] ?? [] {
                // Fired between the incident's start and 10 minutes after its end, for its model or user.
                let hits = firings.indices.filter { i in
                    let f = firings[i]
                    let labels = f["labels"] as! [String: String]
                    let ts = f["ts"] as! String
                    return f["rule"] as? String == rule && ts >= incident.start && ts <= Self.plusMinutes(incident.end, 10)
                        && (incident.user.map { labels["user"] == $0 } ?? true)
                        && (incident.model.map { labels["model"] == nil || labels["model"] == $0 || incident.id == "i" } ?? true)
                }
                #expect(!hits.isEmpty, "\(rule) did not fire for incident \(incident.id) (\(incident.name))")
                explained.formUnion(hits)
            }
        }
        let unexplained = firings.indices.filter { !explained.contains($0) }.map { firings[$0] }
        #expect(unexplained.isEmpty, "firings outside incidents: \(unexplained)")
    }

    static func plusMinutes(_ ts: String, _ minutes: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.date(from: ts)!.addingTimeInterval(Double(minutes) * 60)
        return formatter.string(from: date)
    }

    /// Every traffic file is opened before any is read: a missing last file is reported before any output, not
    /// after part of it (with re-ordering, part of the first file's output was lost).
    @Test func aMissingFileIsReportedBeforeAnyTrafficIsRead() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Any, on: completion, when: \"count(1m) >= 1\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let policy = dir.appendingPathComponent("p.yaml")
        try "settings: {allowed_lateness: 0s}\n".write(to: policy, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"m"}"#.write(to: traffic, atomically: true, encoding: .utf8)
        let missing = dir.appendingPathComponent("missing.jsonl").path
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, "--policies", policy.path, traffic.path, missing])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(missing): No such file or directory"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Labels come from the traffic: in the text format a newline in one must not forge a line of its own.
    @Test func theTextFormatEscapesControlCharactersInLabels() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Any, on: completion, group_by: [model], when: \"count(1m) >= 1\"}\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"evil\n2026-05-01T12:00:00Z  RESOLVED  Fake"}"#
            .write(to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--format", "text", "--rules", rules.path, traffic.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stdout)")
        #expect(result.stdout.contains(#"model=evil\n2026-05-01T12:00:00Z  RESOLVED  Fake"#))
    }

    /// In the text format a rule name is written whole (cut to 20 characters, two rules read alike), and a pending
    /// alert dropped before it fired reads DROPPED, not RESOLVED.
    @Test func theTextFormatWritesWholeNamesAndDroppedPendingAlerts() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: PrefixCacheHitsFallingFast, on: e, when: \"x > 1\", for: 1m}\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try "{\"ts\":1,\"kind\":\"e\",\"x\":2}\n{\"ts\":20,\"kind\":\"e\",\"x\":0}\n".write(to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--quiet", "--format", "text", "--rules", rules.path, traffic.path])
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        #expect(
            lines == ["1970-01-01T00:00:01Z PENDING PrefixCacheHitsFallingFast", "1970-01-01T00:00:20Z DROPPED PrefixCacheHitsFallingFast"],
            "\(result.stdout)")
    }

    /// An infinite or NaN value is written as traffic writes it, `"+Inf"`, `"NaN"`: JSON has neither, and `null`
    /// means none (an empty window's `sum`).
    @Test(arguments: [
        ("+Inf", "value > 1", "value", "+Inf"), ("NaN", "name == 'm'", "value", "NaN"),
        ("NaN", "name == 'm'", "sum(value, 1m)", nil),  // a NaN sample is left out: the window is empty
    ])
    func anInfiniteOrNaNValueIsWrittenAsPrometheusWritesIt(sample: String, condition: String, value: String, expected: String?) throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Big, on: metric, when: \"\(condition)\", value: \"\(value)\"}\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try #"{"ts":1,"kind":"metric","name":"m","labels":{},"value":"\#(sample)"}"#.write(to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, traffic.path])
        #expect(result.status == 0, "\(result.stderr)")
        let firing = try #require(try Self.firings(result.stdout).first, "\(result.stdout)")
        if let expected {
            #expect(firing["value"] as? String == expected, "\(result.stdout)")
        } else {
            #expect(firing["value"] is NSNull, "\(result.stdout)")
        }
    }

    /// `send_resolved: false` keeps resolved notifications from a receiver; the default sends them.
    @Test(arguments: [false, true])
    func sendResolvedDecidesWhetherResolvedAlertsAreNotified(sendResolved: Bool) throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: \"latency_ms > 1000\", actions: [notify]}\n"
            .write(to: rules, atomically: true, encoding: .utf8)
        let policy = dir.appendingPathComponent("p.yaml")
        try """
            actions: {notify: {type: notify}}
            receivers:
              - {name: log, type: log, send_resolved: \(sendResolved)}
            route: {receiver: log, group_by: [rule], group_wait: 0s, group_interval: 1m}
            """.write(to: policy, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try ["12:00:00", "12:00:05", "12:10:00"].enumerated().map { i, time in
            #"{"ts":"2026-05-01T\#(time)Z","kind":"completion","model":"m1","latency_ms":\#(i == 0 ? 5000 : 10)}"#
        }.joined(separator: "\n").write(to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, "--policies", policy.path, traffic.path])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let alerts = objects.filter { $0["type"] as? String == "alert" }.map { $0["state"] as? String }
        #expect(alerts == ["firing", "resolved"], "\(result.stdout)")
        let notified = objects.filter { $0["type"] as? String == "notification" }.map { $0["status"] as? String }
        #expect(notified == (sendResolved ? ["firing", "resolved"] : ["firing"]), "\(result.stdout)")
    }

    @Test func malformedLinesAreReportedWithTheirLineAndSkipped() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let traffic = dir.appendingPathComponent("t.jsonl")
        try """
            {"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"m","latency_ms":5}
            {"ts":"2026-05-01T12:00:01Z","kind":"completion","model":"m","latency_ms":
            {"kind":"completion"}
            {"ts":"2026-05-01T12:00:02Z","kind":"completion","model":"m","latency_ms":7}

            """.write(to: traffic, atomically: true, encoding: .utf8)
        let lenient = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("\(traffic.path):2:"))
        #expect(lenient.stderr.contains("\(traffic.path):3:"))
        #expect(lenient.stderr.contains("missing 'ts'"))
        #expect(lenient.stderr.contains("2 events in"))
        let strict = try SentinelProcess.run(["dry-run", "--strict", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(strict.status == 1)
    }

    /// `--strict` stops at the first malformed line once the lines before it are evaluated, held back or not: with
    /// the shipped 5 s lateness the two events before it were never evaluated.
    @Test(arguments: ["0s", "5s"])
    func strictEvaluatesWhatCameBeforeTheMalformedLine(lateness: String) throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("seen.yaml")
        try "rules:\n  - {name: Seen, on: e, group_by: [id], when: \"count(1h) >= 1\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let policy = dir.appendingPathComponent("policy.yaml")
        try "settings: {allowed_lateness: \(lateness)}\n".write(to: policy, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try """
            {"ts":1,"kind":"e","id":"g1"}
            {"ts":2,"kind":"e","id":"g2"}
            {"ts":"yesterday","kind":"e","id":"g3"}
            {"ts":4,"kind":"e","id":"g4"}

            """.write(to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--strict", "--quiet", "--rules", rules.path, "--policies", policy.path, traffic.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(traffic.path):3:"), "\(result.stderr)")
        let firing = try Self.firings(result.stdout).compactMap { ($0["labels"] as? [String: Any])?["id"] as? String }
        #expect(firing == ["g1", "g2"])
    }

    /// A read that fails part way (here `/dev/zero`, whose first line never ends) still evaluates the events read
    /// before it, those held back for the lateness included, then exits 2: they were lost.
    @Test func aFailedReadEvaluatesTheEventsBeforeIt() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("seen.yaml")
        try "rules:\n  - {name: Seen, on: e, group_by: [id], when: \"count(1h) >= 1\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let policy = dir.appendingPathComponent("policy.yaml")
        try "settings: {allowed_lateness: 5s}\n".write(to: policy, atomically: true, encoding: .utf8)
        let traffic = dir.appendingPathComponent("t.jsonl")
        try "{\"ts\":1,\"kind\":\"e\",\"id\":\"g1\"}\n{\"ts\":2,\"kind\":\"e\",\"id\":\"g2\"}\n".write(
            to: traffic, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--quiet", "--rules", rules.path, "--policies", policy.path, traffic.path, "/dev/zero"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/dev/zero:1: line is longer than the limit"), "\(result.stderr)")
        let firing = try Self.firings(result.stdout).compactMap { ($0["labels"] as? [String: Any])?["id"] as? String }
        #expect(firing == ["g1", "g2"])
    }

    /// Late events are skipped; the first of each file is named with the line that set the clock, so that one
    /// wrong timestamp or files given out of order (`t.jsonl t.jsonl.1`) do not show only as a count.
    @Test func theFirstLateLineOfEachFileIsNamedWithTheLineThatSetTheClock() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("seen.yaml")
        try "rules:\n  - {name: Seen, on: e, group_by: [id], when: \"count(1h) >= 1\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let policy = dir.appendingPathComponent("policy.yaml")
        try "settings: {allowed_lateness: 5s}\n".write(to: policy, atomically: true, encoding: .utf8)
        let newer = dir.appendingPathComponent("t.jsonl")
        try """
            {"ts":"2026-05-01T12:00:00Z","kind":"e","id":"a"}
            {"ts":"2036-05-01T12:00:00Z","kind":"e","id":"b"}
            {"ts":"2026-05-01T12:00:02Z","kind":"e","id":"c"}
            {"ts":"2026-05-01T12:00:03Z","kind":"e","id":"d"}

            """.write(to: newer, atomically: true, encoding: .utf8)
        let older = dir.appendingPathComponent("t.jsonl.1")
        try """

            {"ts":"2026-05-01T11:00:00Z","kind":"e","id":"e"}
            {"ts":"2026-05-01T11:00:01Z","kind":"e","id":"f"}

            """.write(to: older, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, "--policies", policy.path, newer.path, older.path])
        #expect(result.status == 0)
        let warnings = result.stderr.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(
            warnings == [
                "\(newer.path):3: warning: late event skipped: 2026-05-01T12:00:02Z is 521w5d23h59m58s behind the newest event time "
                    + "2036-05-01T12:00:00Z (set by \(newer.path):2), beyond allowed_lateness 5s; the file's later late lines are only counted",
                "\(older.path):2: warning: late event skipped: 2026-05-01T11:00:00Z is 521w6d1h behind the newest event time "
                    + "2036-05-01T12:00:00Z (set by \(newer.path):2), beyond allowed_lateness 5s; the file's later late lines are only counted",
            ], "\(result.stderr)")
        #expect(result.stderr.contains("4 late"))
    }

    /// Events of a kind no rule reads are counted in the summary by kind (a tap's heartbeats, the service's clock,
    /// aside); one close to a kind the rules read (`Completion`) is a warning, even with `--quiet`: it was read by
    /// nothing without a word.
    @Test func eventsOfKindsNoRuleReadsAreCountedAndNearMissesWarned() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let traffic = dir.appendingPathComponent("t.jsonl")
        try """
            {"ts":1,"kind":"Completion","model":"m","latency_ms":5}
            {"ts":2,"kind":"Completion","model":"m","latency_ms":5}
            {"ts":3,"kind":"feedback","score":1}
            {"ts":3,"kind":"heartbeat"}
            {"ts":4,"kind":"completion","model":"m","latency_ms":5}

            """.write(to: traffic, atomically: true, encoding: .utf8)
        let warning = "warning: no rule reads the 2 events of kind 'Completion' (did you mean 'completion'?)"
        let run = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(run.status == 0)
        #expect(run.stderr.contains(warning), "\(run.stderr)")
        #expect(run.stderr.contains("events of kinds no rule reads: Completion 2, feedback 1\n"))
        let quiet = try SentinelProcess.run(["dry-run", "--quiet", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(quiet.stderr == warning + "\n", "\(quiet.stderr)")
    }

    /// The column of a malformed value counts characters, as lint and editors do: after a prompt in Chinese
    /// with an emoji it is not the byte offset (given as well). Lines held back for re-ordering (the shipped policy
    /// allows 5 s of lateness) and lines decoded on arrival (no lateness) are reported alike.
    @Test func malformedValuesAreReportedAtTheirCharacterColumn() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let traffic = dir.appendingPathComponent("t.jsonl")
        let line = #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"m","prompt":"忽略之前的所有指令 🙂","latency_ms":"5"}"#
        try (line + "\n").write(to: traffic, atomically: true, encoding: .utf8)
        let prefix = line[..<line.range(of: #""5""#)!.lowerBound]
        let expected = "\(traffic.path):1:\(prefix.unicodeScalars.count + 1): error: 'latency_ms'"
        let run = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(run.stderr.contains(expected), "\(run.stderr)")
        #expect(run.stderr.contains("[byte offset \(prefix.utf8.count)]"))
        let policies = dir.appendingPathComponent("on-arrival")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let policy = try String(contentsOfFile: "policies/default.yaml", encoding: .utf8)
        try policy.replacingOccurrences(of: "allowed_lateness: 5s", with: "allowed_lateness: 0s")
            .write(to: policies.appendingPathComponent("default.yaml"), atomically: true, encoding: .utf8)
        let onArrival = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", policies.path, traffic.path])
        #expect(onArrival.stderr.contains(expected), "\(onArrival.stderr)")
    }

    /// Lines had no length cap: `dry-run /dev/zero` grew to gigabytes. A line over 64 MiB is a malformed line in a
    /// file (skipped, or the end with `--strict`); from a device it ends the run with exit 2.
    @Test func aLineOverTheMaximumLengthIsMalformedAndEndlessInputStops() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let traffic = dir.appendingPathComponent("long.jsonl")
        let event = #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"m","latency_ms":5}"#
        var bytes = Data((event + "\n").utf8)
        bytes.append(Data(repeating: 0x20, count: (64 << 20) + 1))
        bytes.append(Data(("\n" + event + "\n").utf8))
        try bytes.write(to: traffic)
        let lenient = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("\(traffic.path):2:"), "\(lenient.stderr)")
        #expect(lenient.stderr.contains("line is longer than the limit of 64 MiB"))
        #expect(lenient.stderr.contains("2 events in"))
        let strict = try SentinelProcess.run(["dry-run", "--strict", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(strict.status == 1)
        let endless = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", "/dev/zero"])
        #expect(endless.status == 2)
        #expect(endless.stderr.contains("/dev/zero:1: line is longer than the limit of 64 MiB"), "\(endless.stderr)")
    }

    @Test func aByteOrderMarkAndCRLFLineEndingsAreAccepted() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let traffic = dir.appendingPathComponent("bom.jsonl")
        let line = #"{"ts":"2026-05-01T12:00:00Z","kind":"error","model":"m","source":"guard","message":"x","status":500}"#
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data(((0..<5).map { _ in line }.joined(separator: "\r\n") + "\r\n").utf8))
        try data.write(to: traffic)
        let result = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", traffic.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("5 events in"))
        #expect(result.stderr.contains("0 malformed"))
    }

    @Test func aGraphWithoutWindowsOrListsReportsCleanCounters() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("plain.yaml")
        try "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, "examples/traffic.jsonl"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("0 malformed, 0 late, 0 window samples over cap"), "\(result.stderr)")
    }

    @Test func replayIsDeterministic() throws {
        let arguments = ["dry-run", "--quiet", "--rules", "rules", "--policies", "policies", "examples/traffic.jsonl"]
        let first = try SentinelProcess.run(arguments)
        let second = try SentinelProcess.run(arguments)
        #expect(first.stdout == second.stdout)
        #expect(!first.stdout.isEmpty)
    }

    /// Notifications are flushed as event time passes, not as lines arrive: the shipped traffic shuffled within a
    /// minute, or held back for a minute in order, gives the output of the traffic read at once, byte for byte
    /// (alert and notification lines interleaved by time, repeats on their intervals).
    @Test func outputDoesNotDependOnArrivalOrderWithinTheLateness() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let shipped = try String(contentsOfFile: "policies/default.yaml", encoding: .utf8)
        #expect(shipped.contains("allowed_lateness: 5s"))
        for lateness in ["0s", "1m"] {
            let folder = dir.appendingPathComponent("policies-\(lateness)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try shipped.replacingOccurrences(of: "allowed_lateness: 5s", with: "allowed_lateness: \(lateness)")
                .write(to: folder.appendingPathComponent("default.yaml"), atomically: true, encoding: .utf8)
        }
        // Each line arrives as if sent up to 50 s late (lines of one time together): never more than 50 s behind.
        let lines = try String(contentsOfFile: "examples/traffic.jsonl", encoding: .utf8).split(separator: "\n")
        var generator = SplitMix64(seed: 11)
        var delays: [Substring: Double] = [:]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let whole = ISO8601DateFormatter()
        let arrivals = try lines.map { line -> Double in
            let open = try #require(line.firstRange(of: #""ts":""#)).upperBound
            let ts = line[open...].prefix { $0 != "\"" }
            let time = try #require(fractional.date(from: String(ts)) ?? whole.date(from: String(ts)))
            if delays[ts] == nil { delays[ts] = Double(generator.next() % 50_000) / 1000 }
            return time.timeIntervalSince1970 + delays[ts]!
        }
        let shuffled = dir.appendingPathComponent("shuffled.jsonl")
        try (lines.indices.sorted { (arrivals[$0], $0) < (arrivals[$1], $1) }.map { lines[$0] }.joined(separator: "\n") + "\n")
            .write(to: shuffled, atomically: true, encoding: .utf8)
        func run(_ lateness: String, _ traffic: String) throws -> String {
            let folder = dir.appendingPathComponent("policies-\(lateness)").path
            let result = try SentinelProcess.run(["dry-run", "--quiet", "--rules", "rules", "--policies", folder, traffic])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("late"), "\(result.stderr)")
            return result.stdout
        }
        let atOnce = try run("0s", "examples/traffic.jsonl")
        #expect(atOnce.contains(#""type":"notification""#))
        #expect(try run("1m", "examples/traffic.jsonl") == atOnce)
        #expect(try run("1m", shuffled.path) == atOnce)
    }

    /// From a pipe that stays open (`tail -f … | sentinel dry-run -`), alerts show as their lines come, not at the
    /// end of the input (the output was buffered until then).
    @Test func alertsFromAnOpenPipeShowBeforeItCloses() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: Seen, on: e, when: \"count(1m) >= 1\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let process = Process()
        process.executableURL = SentinelProcess.executable
        process.arguments = ["dry-run", "--quiet", "--rules", rules.path, "-"]
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"ts":1,"kind":"e"}"#.utf8 + [0x0A]))
        var shown = ""
        for _ in 0..<100 where !shown.contains(#""state":"firing""#) {
            Thread.sleep(forTimeInterval: 0.1)
            shown = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(shown.contains(#""state":"firing""#), "nothing shown while the pipe was open: \(shown)")
        #expect(process.terminationStatus == 0)
    }

    /// Lines read from standard input are named `<stdin>`, as the reader's own errors name it.
    @Test func malformedLinesOfStandardInputAreNamedStdin() throws {
        let result = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", "-"], stdin: "{\"ts\":1}\n")
        #expect(result.stderr.contains("<stdin>:1:1: error: "), "\(result.stderr)")
    }

    @Test func readsStandardInput() throws {
        let line = #"{"ts":"2026-05-01T12:00:00Z","kind":"error","model":"m","source":"guard","message":"x","status":500}"#
        // Guard errors with no completions beside them are a share of 1: the 8th in 10 minutes alerts (GuardErrors).
        let input = (0..<8).map { _ in line }.joined(separator: "\n") + "\n"
        let result = try SentinelProcess.run(["dry-run", "--rules", "rules", "--policies", "policies", "-"], stdin: input)
        #expect(result.status == 0)
        let firings = try Self.firings(result.stdout)
        #expect(firings.map { $0["rule"] as? String } == ["GuardErrors"])
    }

    @Test func configurationErrorsStopBeforeReplay() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("r.yaml")
        try "rules:\n  - {name: R, on: completion, when: \"nope(1)\"}\n".write(to: rules, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["dry-run", "--rules", rules.path, "examples/traffic.jsonl"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("[E0202]"))
        #expect(result.stdout.isEmpty)
    }
}
