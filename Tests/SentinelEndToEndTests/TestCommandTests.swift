import Foundation
import Testing

@Suite struct TestCommandTests {
    @Test func shippedRuleTestsPass() throws {
        let result = try SentinelProcess.run(["test", "rules"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(!result.stdout.contains("FAIL"))
    }

    /// The shipped GuardSilence counts as a verdict only a `response_guard.safety` label: a verdict object without
    /// one (a timeout's empty verdict, unparsed guard output; outside the traffic schema, so not in the shipped
    /// rule tests) hid a guard outage.
    @Test func shippedGuardSilenceCountsOnlySafetyLabelsAsVerdicts() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let root = FileManager.default.currentDirectoryPath
        let file = dir.appendingPathComponent("guard.test.yaml")
        try """
            rule_files: [\(root)/rules]
            policy_files: [\(root)/policies]
            tests:
              - name: GuardSilence counts a verdict object without a safety label (a timeout's empty verdict, unparsed output) as no verdict
                start: 2026-05-01T12:00:00Z
                events:
                  - {at: 0s, repeat: 30, every: 10s, kind: completion, model: m1, response: ok, finish_reason: stop, response_guard: {safety: safe, categories: [], refusal: false}}
                  - {at: 5m, repeat: 42, every: 10s, kind: completion, model: m1, response: ok, finish_reason: stop, response_guard: {categories: []}}
                  - {at: 5s, repeat: 30, every: 10s, kind: completion, model: m2, response: ok, finish_reason: stop, response_guard: {safety: safe, categories: [], refusal: false}}
                  - {at: 5m5s, repeat: 42, every: 10s, kind: completion, model: m2, response: ok, finish_reason: stop, response_guard: {raw: "upstream guard timeout"}}
                expect:
                  - at: 11m30s                    # m2, 5 s later, went pending at 10m, one tick after m1
                    alerts:
                      - {rule: GuardSilence, state: firing, labels: {model: m1, severity: critical, team: safety}}
                      - {rule: GuardSilence, state: firing, labels: {model: m2, severity: critical, team: safety}}
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", file.path])
        #expect(result.status == 0, "\(result.stdout)")
    }

    /// A group flush at t includes the transitions at t, whether or not another event comes at t: an event no
    /// rule reads used to flush the group before that instant's tick had run, and the alert firing on it waited
    /// a group interval.
    @Test func aFlushIncludesTheTransitionsOfItsInstant() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: SlowSeen, on: completion, group_by: [model], when: "count(latency_ms > 1000, 1m) >= 1", every: 30s, actions: [notify]}
            """.write(to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        try """
            actions: {notify: {type: notify}}
            receivers: [{name: log, type: log}]
            route: {receiver: log, group_by: [rule], group_wait: 30s, group_interval: 1m, repeat_interval: 4h}
            """.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let expected = """
                expect_notifications:
                  - {at: 30s, receiver: log, status: firing, alerts: [{rule: SlowSeen, labels: {model: a}}]}
                  - {at: 90s, receiver: log, status: firing, alerts: [{rule: SlowSeen, labels: {model: b}}, {rule: SlowSeen, labels: {model: a}, status: resolved}]}
            """
        try """
            rule_files: [slow.yaml]
            policy_files: [policy.yaml]
            tests:
              - name: b fires on the 1m30s tick and goes out with that flush
                events:
                  - {at: 0s, kind: completion, model: a, latency_ms: 1500}
                  - {at: 75s, kind: completion, model: b, latency_ms: 1500}
            \(expected)
              - name: the same with an event of a kind no rule reads at 1m30s
                events:
                  - {at: 0s, kind: completion, model: a, latency_ms: 1500}
                  - {at: 75s, kind: completion, model: b, latency_ms: 1500}
                  - {at: 90s, kind: audit}
            \(expected)
            """.write(to: dir.appendingPathComponent("slow.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix("2 passed, 0 failed\n"), "\(result.stdout)")
    }

    @Test func aFailingExpectationPrintsADiffAndExitsNonZero() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: Slow, on: completion, group_by: [model], when: "latency_ms > 1000", for: 1m}
            """.write(to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [slow.yaml]
            tests:
              - name: wrong state on purpose
                events:
                  - {at: 0s, repeat: 3, every: 10s, kind: completion, model: m1, latency_ms: 5000}
                expect:
                  - at: 20s
                    alerts:
                      - {rule: Slow, state: firing, labels: {model: m1, severity: warning}}
                expect_matches: {Slow: 2}
            """.write(to: dir.appendingPathComponent("slow.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL"))
        #expect(result.stdout.contains("- expected Slow firing {model=\"m1\", severity=\"warning\"}"))
        #expect(result.stdout.contains("+ got      Slow pending {model=\"m1\", severity=\"warning\"}"))
        #expect(result.stdout.contains("matches of Slow: expected 2, got 3"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
    }

    /// Values compare within a relative 5·10⁻⁶ (6 significant digits): 2e-7 is not -7e-7, nor 9e-7 1e-7. Label values
    /// from traffic are written escaped, so a newline in one cannot forge a PASS line.
    @Test func valuesCompareRelativelyAndLabelValuesAreEscaped() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: Small, on: completion, group_by: [model], when: "latency_ms > 0", value: latency_ms}
            """.write(to: dir.appendingPathComponent("small.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [small.yaml]
            tests:
              - name: close enough
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 1000.0000001}]
                expect: [{at: 0s, alerts: [{rule: Small, state: firing, labels: {model: m1}, value: 1000}]}]
              - name: wrong sign
                events: [{at: 0s, kind: completion, model: "a\\nPASS forged", latency_ms: 2e-7}]
                expect: [{at: 0s, alerts: [{rule: Small, state: firing, labels: {model: "a\\nPASS forged"}, value: -7e-7}]}]
              - name: nine times
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 9e-7}]
                expect: [{at: 0s, alerts: [{rule: Small, state: firing, labels: {model: m1}, value: 1e-7}]}]
              - name: infinite
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 1e400}]
                expect: [{at: 0s, alerts: [{rule: Small, state: firing, labels: {model: m1}, value: 42}]}]
              - name: alike in six digits
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 0.12345749}]
                expect: [{at: 0s, alerts: [{rule: Small, state: firing, labels: {model: m1}, value: 0.12345651}]}]
            """.write(to: dir.appendingPathComponent("small.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("PASS \(dir.path)/small.test.yaml: close enough"))
        #expect(result.stdout.contains("value of Small firing {model=\"a\\nPASS forged\", severity=\"warning\"}: expected -7e-07, got 2e-07"), "\(result.stdout)")
        #expect(result.stdout.contains("FAIL \(dir.path)/small.test.yaml: nine times"))
        #expect(!result.stdout.contains("\nPASS forged"))
        #expect(result.stdout.contains("FAIL \(dir.path)/small.test.yaml: infinite"))
        // Every digit: at the 6 alerts show, both read 0.123457.
        #expect(result.stdout.contains("expected 0.12345651, got 0.12345749"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("1 passed, 4 failed\n"))
    }

    /// An expected value may be an infinity or NaN (as Prometheus or YAML spell them) or null, for an alert
    /// without a value; a failure names them as alerts show them (`+Inf`, `no value`), not as Swift prints doubles.
    @Test func expectedValuesMayBeInfiniteNaNOrNone() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: Value, on: completion, group_by: [model], when: "true", value: latency_ms}
            """.write(to: dir.appendingPathComponent("v.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [v.yaml]
            tests:
              - name: special values
                events:
                  - {at: 0s, kind: completion, model: inf, latency_ms: 1e400}
                  - {at: 0s, kind: completion, model: yaml, latency_ms: 1e400}
                  - {at: 0s, kind: completion, model: nan, latency_ms: "NaN"}
                  - {at: 0s, kind: completion, model: none}
                expect:
                  - at: 0s
                    alerts:
                      - {rule: Value, labels: {model: inf}, value: +Inf}
                      - {rule: Value, labels: {model: yaml}, value: .inf}
                      - {rule: Value, labels: {model: nan}, value: NaN}
                      - {rule: Value, labels: {model: none}, value: null}
              - name: wrong special values
                events:
                  - {at: 0s, kind: completion, model: inf, latency_ms: 1e400}
                  - {at: 0s, kind: completion, model: none}
                expect:
                  - at: 0s
                    alerts:
                      - {rule: Value, labels: {model: inf}, value: -Inf}
                      - {rule: Value, labels: {model: none}, value: 3}
            """.write(to: dir.appendingPathComponent("v.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("PASS \(dir.path)/v.test.yaml: special values"), "\(result.stdout)")
        #expect(result.stdout.contains("value of Value firing {model=\"inf\", severity=\"warning\"}: expected -Inf, got +Inf"), "\(result.stdout)")
        #expect(result.stdout.contains("value of Value firing {model=\"none\", severity=\"warning\"}: expected 3, got no value"))
    }

    /// A plain number in expected labels is the label the engine gives that number, however it is written.
    @Test func expectedLabelsOfPlainNumbersAreTheEnginesLabels() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: N, on: feedback, group_by: [n], when: n exists}\n"
            .write(to: dir.appendingPathComponent("n.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [n.yaml]
            tests:
              - name: plain
                events: [{at: 0s, kind: feedback, n: 1000.0}, {at: 0s, kind: feedback, n: -0}]
                expect: [{at: 0s, alerts: [{rule: N, state: firing, labels: {n: 1e3}}, {rule: N, state: firing, labels: {n: 0.0}}]}]
              - name: quoted
                events: [{at: 0s, kind: feedback, n: 1000}]
                expect: [{at: 0s, alerts: [{rule: N, state: firing, labels: {n: "1e3"}}]}]
            """.write(to: dir.appendingPathComponent("n.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.stdout.contains("PASS \(dir.path)/n.test.yaml: plain"), "\(result.stdout)")
        #expect(result.stdout.contains("FAIL \(dir.path)/n.test.yaml: quoted"))
        #expect(result.stdout.contains("- expected N firing {n=\"1e3\"}"), "\(result.stdout)")
    }

    /// A folder, or a named pipe (which would block the test forever), is no events_file.
    @Test func anEventsFileThatIsNotARegularFileIsAPositionedError() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: latency_ms > 1000}\n"
            .write(to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        #expect(mkfifo(dir.appendingPathComponent("pipe").path, 0o600) == 0)
        for name in ["folder", "pipe"] {
            try """
                rule_files: [slow.yaml]
                tests:
                  - name: t
                    events_file: \(name)
                    expect: [{at: 0s, alerts: []}]
                """.write(to: dir.appendingPathComponent("slow.test.yaml"), atomically: true, encoding: .utf8)
            for command in ["test", "lint"] {
                let result = try SentinelProcess.run([command, dir.appendingPathComponent("slow.test.yaml").path])
                #expect(result.status == 1, "\(command) \(name)")
                #expect(result.stdout.contains("slow.test.yaml:4:18: error: events_file \(dir.path)/\(name) is not a regular file [E0402]"), "\(result.stdout)")
            }
        }
    }

    @Test func badTestFilesArePositionedErrors() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"true\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [r.yaml]
            tests:
              - name: typo
                events:
                  - {at: 5q, kind: completion}
                expect:
                  - {at: 1m, alerts: [{rule: Rr}]}
              - name: times and silences that were accepted silently
                events:
                  - {at: -5, kind: completion}
                  - {at: 0s, ts: 2026-05-01T13:00:00Z, kind: completion}
                  - {at: 1s, kind: "com pletion"}
                expect:
                  - {alerts: []}
                silences:
                  - {matchers: []}
                  - {matchers: ['model=~".*"']}
                  - {matchers: ['model="m1"'], from: 5m, until: 1m}
              - name: checks nothing
                events:
                  - {at: 0s, kind: completion}
              - name: checks nothing either
                events:
                  - {at: 0s, kind: completion}
                expect: []
                expect_matches: {}
            """.write(to: dir.appendingPathComponent("r.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("r.test.yaml:5:14: error: 'at' '5q' is not a duration"))
        for expected in [
            "r.test.yaml:10:14: error: 'at' is an offset from 'start' and cannot be negative ('-5') [E0402]",
            "r.test.yaml:11:14: error: give 'at' (an offset from 'start') or 'ts' (a time), not both [E0402]",
            "r.test.yaml:12:24: error: 'kind' must be a name without whitespace or control characters [E0402]",
            "r.test.yaml:14:9: error: an expectation needs 'at' (an offset from 'start') [E0302]",
            "r.test.yaml:16:20: error: a silence needs at least one matcher [E0402]",
            "r.test.yaml:17:20: error: every matcher matches an empty label, so the silence would mute every alert [E0402]",
            "r.test.yaml:18:53: error: 'until' must be after 'from' [E0402]",
            "r.test.yaml:19:5: error: test 'checks nothing' checks nothing: give it 'expect', 'expect_matches' or 'expect_notifications' [E0402]",
            "r.test.yaml:22:5: error: test 'checks nothing either' checks nothing: give it 'expect', 'expect_matches' or 'expect_notifications' [E0402]",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
    }

    /// A file whose `tests` is empty tests nothing: it passed ("0 passed, 0 failed").
    @Test func aFileOfNoTestsIsAnError() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"true\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try "rule_files: [r.yaml]\ntests: []\n".write(to: dir.appendingPathComponent("r.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("r.test.yaml:2:8: error: 'tests' is empty: the file tests nothing [E0402]"), "\(result.stdout)")
    }
}

extension TestCommandTests {
    /// Receivers and rules a test expects notifications from must exist: a misspelt name could only fail the test,
    /// with a diff that does not say why.
    @Test func unknownReceiversAndRulesInExpectedNotificationsAreErrors() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"true\", actions: [notify]}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try "actions: {notify: {type: notify}}\nreceivers: [{name: log, type: log}]\nroute: {receiver: log}\n".write(
            to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [r.yaml]
            policy_files: [p.yaml]
            tests:
              - name: names
                events: [{at: 0s, kind: completion}]
                expect: [{at: 1s, alerts: [{rule: R, receivers: [logg]}]}]
                expect_notifications: [{at: 0s, receiver: lgo, alerts: [{rule: Rr}]}]
            """.write(to: dir.appendingPathComponent("r.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["lint", dir.appendingPathComponent("r.test.yaml").path])
        #expect(result.status == 1)
        for expected in [
            "r.test.yaml:6:32: error: no receiver 'logg' in the policy files (did you mean 'log'?) [E0402]",
            "r.test.yaml:7:28: error: no receiver 'lgo' in the policy files (did you mean 'log'?) [E0402]",
            "r.test.yaml:7:28: error: no rule 'Rr' in the rule files (did you mean 'R'?) [E0402]",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
    }

    /// A test file that names no rule files tests the rule file of its name beside it; with none there, that is
    /// an error at the file's top.
    @Test func withoutRuleFilesATestFileTestsTheRuleFileBesideIt() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\"}\n".write(
            to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        let test = """
            tests:
              - name: fires at once
                events: [{at: 0s, kind: completion, latency_ms: 5000}]
                expect: [{at: 1s, alerts: [{rule: Slow, state: firing}]}]
            """
        try test.write(to: dir.appendingPathComponent("slow.test.yaml"), atomically: true, encoding: .utf8)
        let passing = try SentinelProcess.run(["test", dir.appendingPathComponent("slow.test.yaml").path])
        #expect(passing.status == 0, "\(passing.stdout)")
        #expect(passing.stdout.hasSuffix("1 passed, 0 failed\n"))

        try test.write(to: dir.appendingPathComponent("fast.test.yaml"), atomically: true, encoding: .utf8)
        let orphan = try SentinelProcess.run(["test", dir.appendingPathComponent("fast.test.yaml").path])
        #expect(orphan.status == 1)
        #expect(orphan.stdout.contains("fast.test.yaml:1:1: error: a rule test file has no 'rule_files'"), "\(orphan.stdout)")
    }

    /// These once aborted `test` and `lint` (a 2.4 TB allocation, a trap converting the offset).
    @Test func eventCountsAndOffsetsBeyondTheirLimitsArePositionedErrors() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"true\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            rule_files: [r.yaml]
            tests:
              - name: limits
                events:
                  - {at: 0s, repeat: 99999999999, every: 1s, kind: completion}
                  - {at: 99999999999d, kind: completion}
                  - {at: 1e300, kind: completion}
                  - {at: 0s, repeat: 600000, every: 1s, kind: completion}
                  - {at: 0s, repeat: 400001, every: 1s, kind: completion}
                expect: []
            """.write(to: file, atomically: true, encoding: .utf8)
        for command in ["test", "lint"] {
            let result = try SentinelProcess.run([command, file.path])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
            #expect(
                lines == [
                    "\(file.path):5:26: error: a test may write at most 1000000 input events, 'repeat' included; use 'events_file' for more [E0402]",
                    "\(file.path):6:14: error: 'at' '99999999999d' is longer than 3650d (10 years), the longest duration Sentinel accepts [E0206]",
                    "\(file.path):7:14: error: 'at' '1e300' is longer than 3650d (10 years), the longest duration Sentinel accepts [E0206]",
                    "\(file.path):9:26: error: a test may write at most 1000000 input events, 'repeat' included; use 'events_file' for more [E0402]",
                ])
        }
    }

    /// Input events and expectations past year 9999 (or before year 0000) once failed only when the test ran, as
    /// malformed events; they are errors at the value that puts them there, for `test` and `lint` alike.
    @Test func timesOutsideTheYearsEventsCanCarryArePositionedErrors() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"true\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            rule_files: [r.yaml]
            tests:
              - name: far future
                start: 9999-12-01T00:00:00Z
                events:
                  - {at: 30d, kind: completion}
                  - {at: 31d, kind: completion}
                  - {at: 0s, repeat: 3, every: 16d, kind: completion}
                  - {ts: "0000-01-01T00:00:00+01:00", kind: completion}
                expect:
                  - {at: 40d, alerts: []}
            """.write(to: file, atomically: true, encoding: .utf8)
        let outside = "falls outside years 0000-9999, the times events can carry [E0402]"
        for command in ["test", "lint"] {
            let result = try SentinelProcess.run([command, file.path])
            #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
            #expect(
                lines == [
                    "\(file.path):7:14: error: 'at' '31d' from 'start' \(outside)",
                    "\(file.path):8:26: error: the last copy ('repeat' copies 'every' apart) \(outside)",
                    "\(file.path):9:14: error: 'ts' '0000-01-01T00:00:00+01:00' is not an RFC 3339 time or epoch seconds in years 0000-9999 [E0402]",
                    "\(file.path):11:14: error: 'at' '40d' from 'start' \(outside)",
                ], "\(result.stdout)")
        }
    }

    /// `start` and `ts` take epoch seconds as `ts` in recorded traffic does, truncated to the millisecond; quoted,
    /// or outside years 0000-9999, they are errors where they are written.
    @Test func timesMayBeEpochSecondsAsInRecordedTraffic() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Two, on: completion, group_by: [model], when: \"count(5m) >= 2\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let good = dir.appendingPathComponent("good.test.yaml")
        try """
            rule_files: [r.yaml]
            tests:
              - name: epoch start and ts
                start: 1777636800
                events:
                  - {ts: 1777636800.0009, kind: completion, model: m}
                  - {ts: 2026-05-01T12:00:01Z, kind: completion, model: m}
                expect:
                  - {at: 500ms, alerts: []}
                  - {at: 1s, alerts: [{rule: Two, state: firing, labels: {model: m}}]}
            """.write(to: good, atomically: true, encoding: .utf8)
        let passed = try SentinelProcess.run(["test", good.path])
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")

        let bad = dir.appendingPathComponent("bad.test.yaml")
        try """
            rule_files: [r.yaml]
            tests:
              - name: bad times
                start: 1e20
                events:
                  - {ts: "1777636800", kind: completion, model: m}
                  - {ts: 253402300800, kind: completion, model: m}
                expect:
                  - {at: 1s, alerts: []}
            """.write(to: bad, atomically: true, encoding: .utf8)
        let failed = try SentinelProcess.run(["test", bad.path])
        #expect(failed.status == 1)
        let lines = failed.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(
            lines == [
                "\(bad.path):4:12: error: 'start' must be an RFC 3339 time such as 2026-05-01T12:00:00Z or epoch seconds, in years 0000-9999 [E0402]",
                "\(bad.path):6:14: error: 'ts' '1777636800' is not an RFC 3339 time or epoch seconds in years 0000-9999 [E0402]",
                "\(bad.path):7:14: error: 'ts' '253402300800' is not an RFC 3339 time or epoch seconds in years 0000-9999 [E0402]",
            ], "\(failed.stdout)")
    }

    /// `test` shows the warnings about its own input events (a field or kind no rule reads), which explain a
    /// failure such as "expected 2, got 0"; `lint` reports them too.
    @Test func warningsAboutInputEventsExplainTheFailure() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Slow, on: completion, group_by: [model], when: \"latency_ms > 1000\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            tests:
              - name: slow
                events:
                  - {at: 0s, kind: completion, model: m, latency: 5000}
                  - {at: 1s, kind: Completion, model: m, latency_ms: 5000}
                expect_matches: {Slow: 2}
            """.write(to: file, atomically: true, encoding: .utf8)
        for command in ["test", "lint"] {
            let result = try SentinelProcess.run([command, file.path])
            #expect(result.stdout.contains("\(file.path):4:46: warning: "), "\(result.stdout)")
            #expect(result.stdout.contains("'latency_ms'"))
            #expect(
                result.stdout.contains(
                    "\(file.path):5:24: warning: no rule reads input events of kind 'Completion' (did you mean 'completion'?) [W0112]"),
                "\(result.stdout)")
        }
    }

    /// Each file lints clean, but the files a test names do not compile together (a rule's action declared in no
    /// named policy file): `lint` said nothing and `test` could not load. The error is where the test names them.
    @Test func lintReportsRuleFilesThatDoNotCompileTogether() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\", actions: [notify]}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            rule_files: [r.yaml]
            tests:
              - name: slow
                events: [{at: 0s, kind: completion, latency_ms: 5000}]
                expect_matches: {Slow: 1}
            """.write(to: file, atomically: true, encoding: .utf8)
        let lint = try SentinelProcess.run(["lint", file.path])
        #expect(lint.status == 1)
        #expect(
            lint.stdout.contains("\(file.path):1:14: error: the rule and policy files this test names do not compile together"),
            "\(lint.stdout)")
        #expect(lint.stdout.contains("names action 'notify'"))
        // An error within a named file is lint's to report at the file itself, not again for every test naming it.
        try "rules:\n  - {name: Slow, on: completion, when: \"latency_ms >\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let broken = try SentinelProcess.run(["lint", file.path])
        #expect(!broken.stdout.contains("do not compile together"), "\(broken.stdout)")
        try "rules:\n  - {name: Slow, on: completion, when: \"latency > 1\", actions: [notify]}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let typo = try SentinelProcess.run(["lint", file.path])
        #expect(!typo.stdout.contains("do not compile together"), "\(typo.stdout)")
    }

    /// A test file whose `rule_files` is misspelt or mistyped is not checked against the rules it then loads: "no
    /// rule 'R'" for every expectation was a false error.
    @Test func aTestFileWhoseRuleFilesAreWrongIsNotCheckedFurther() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"latency_ms > 1\"}\n".write(
            to: dir.appendingPathComponent("rules.yaml"), atomically: true, encoding: .utf8)
        for (name, key) in [("a", "rule_file: [rules.yaml]"), ("b", "rule_files: rules.yaml")] {
            let file = dir.appendingPathComponent("\(name).test.yaml")
            try "\(key)\ntests:\n  - {name: t, events: [{at: 0s, kind: completion, latency_ms: 5}], expect_matches: {R: 1}}\n"
                .write(to: file, atomically: true, encoding: .utf8)
            let result = try SentinelProcess.run(["lint", file.path])
            #expect(result.status == 1)
            #expect(!result.stdout.contains("no rule 'R'"), "\(result.stdout)")
        }
    }

    /// One lint run reports every problem of a test file: an error in one test (it checks nothing) hid the checks
    /// that need the rules (a mistyped input, a disabled rule) until it was fixed.
    @Test func lintReportsEveryProblemOfATestFileAtOnce() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: R, on: completion, when: "latency_ms > 100"}
              - {name: Off, on: completion, when: "latency_ms > 1", enabled: false}
            """.write(to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            tests:
              - name: expects nothing
                events: [{at: 0s, kind: completion, latency_ms: 5}]
              - name: mistyped and expects a disabled rule
                events: [{at: 0s, kind: completion, latency_ms: "1500"}]
                expect: [{at: 1s, alerts: [{rule: Off}]}]
            """.write(to: file, atomically: true, encoding: .utf8)
        for command in ["lint", "test"] {
            let result = try SentinelProcess.run([command, file.path])
            #expect(result.status == 1)
            let lines = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }.map { $0.split(separator: " ")[0] }
            #expect(lines == ["\(file.path):2:5:", "\(file.path):5:53:", "\(file.path):6:32:"], "\(command): \(result.stdout)")
        }
    }

    /// A test may expect 0 matches of a disabled rule (that it stays off); expecting its alerts names it disabled,
    /// not missing.
    @Test func aDisabledRuleIsNamedDisabled() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try """
            rules:
              - {name: Slow, on: completion, when: "latency_ms > 1000"}
              - {name: Off, on: completion, when: "latency_ms > 1000", enabled: false}
            """.write(to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("r.test.yaml")
        try """
            tests:
              - name: off stays off
                events: [{at: 0s, kind: completion, latency_ms: 5000}]
                expect_matches: {Slow: 1, Off: 0}
              - name: off alerts
                events: [{at: 0s, kind: completion, latency_ms: 5000}]
                expect: [{at: 1s, alerts: [{rule: Off}]}]
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", file.path])
        #expect(result.status == 1)
        let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors == ["\(file.path):7:32: error: rule 'Off' is disabled (enabled: false): it cannot alert or match [E0402]"], "\(result.stdout)")
    }

    @Test func severityIsComparedOnlyWhenTheTestNamesIt() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: Hot, on: completion, group_by: [model], when: \"latency_ms > 1000\", severity: critical}\n"
            .write(to: dir.appendingPathComponent("hot.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [hot.yaml]
            tests:
              - name: without severity
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 5000}]
                expect: [{at: 1s, alerts: [{rule: Hot, labels: {model: m1}}]}]
              - name: with the severity key
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 5000}]
                expect: [{at: 1s, alerts: [{rule: Hot, severity: critical, labels: {model: m1}}]}]
              - name: with a wrong severity
                events: [{at: 0s, kind: completion, model: m1, latency_ms: 5000}]
                expect: [{at: 1s, alerts: [{rule: Hot, severity: warning, labels: {model: m1}}]}]
            """.write(to: dir.appendingPathComponent("hot.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.stdout.hasSuffix("2 passed, 1 failed\n"), "\(result.stdout)")
        #expect(result.stdout.contains("FAIL \(dir.path)/hot.test.yaml: with a wrong severity"))
    }
}

extension TestCommandTests {
    /// What `sentinel test` would reject, `sentinel lint` reports too, where the test file names it: a missing rule
    /// file or events_file, a rule the rules do not have, an event kind that is not a string, and an alert
    /// expected with two different severities.
    @Test func lintReportsWhatTheTestCommandWouldReject() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: C, on: completion, severity: critical, when: \"latency_ms > 1\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [r.yaml]
            tests:
              - name: references
                events:
                  - {at: 0s, kind: 5}
                expect:
                  - {at: 1m, alerts: [{rule: C, severity: critical, labels: {severity: warning}}]}
                expect_matches: {Nope: 0}
            """.write(to: dir.appendingPathComponent("a.test.yaml"), atomically: true, encoding: .utf8)
        try "rule_files: [nope.yaml]\ntests:\n  - {name: t, expect: [{at: 0s, alerts: []}]}\n".write(
            to: dir.appendingPathComponent("b.test.yaml"), atomically: true, encoding: .utf8)
        let lint = try SentinelProcess.run(["lint", dir.path])
        #expect(lint.status == 1)
        let text = lint.stdout + lint.stderr
        #expect(text.contains("a.test.yaml:5:24: error: 'kind' must be a string"), "\(text)")
        #expect(text.contains("a.test.yaml:7:47: error: 'severity: critical' contradicts the label 'severity: warning'"), "\(text)")
        #expect(text.contains("b.test.yaml:1:14: error: no such file or folder"), "\(text)")
        // Once the file itself reads cleanly, what it names is checked: events_file, and the rules it expects.
        try """
            rule_files: [r.yaml]
            tests:
              - name: unknown rule
                events_file: missing.jsonl
                expect_matches: {Nope: 0}
            """.write(to: dir.appendingPathComponent("a.test.yaml"), atomically: true, encoding: .utf8)
        var again = try SentinelProcess.run(["lint", dir.appendingPathComponent("a.test.yaml").path])
        #expect(again.status == 1)
        #expect((again.stdout + again.stderr).contains("a.test.yaml:4:18: error: cannot read events_file"), "\(again.stdout)")
        try "".write(to: dir.appendingPathComponent("missing.jsonl"), atomically: true, encoding: .utf8)
        again = try SentinelProcess.run(["lint", dir.appendingPathComponent("a.test.yaml").path])
        #expect((again.stdout + again.stderr).contains("a.test.yaml:5:22: error: no rule 'Nope' in the rule files"), "\(again.stdout)")
    }

    /// A malformed input event is reported where the test wrote the offending value, not at a byte of the JSON
    /// made from it, by `test` and by `lint`.
    @Test func aMalformedInputEventIsReportedWhereItIsWritten() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"latency_ms > 1\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try """
            rule_files: [r.yaml]
            tests:
              - name: typed
                events:
                  - {at: 0s, kind: completion, latency_ms: "slow"}
                expect_matches: {R: 0}
            """.write(to: dir.appendingPathComponent("t.test.yaml"), atomically: true, encoding: .utf8)
        for command in ["test", "lint"] {
            let result = try SentinelProcess.run([command, dir.appendingPathComponent("t.test.yaml").path])
            #expect(result.status == 1)
            #expect(result.stdout.contains("t.test.yaml:5:48: error: input event is malformed: 'latency_ms' of a completion event must be a number, not a string [E0402]"), "\(result.stdout)")
        }
    }

    /// A malformed line of `events_file` is reported at its line and character column, as dry-run reports one.
    @Test func aMalformedLineOfTheEventsFileIsReportedAtItsColumn() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        try "rules:\n  - {name: R, on: completion, when: \"latency_ms > 1\"}\n".write(
            to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        try #"""
            {"ts":1,"kind":"completion","latency_ms":2}
            {"ts":2,"kind":"completion","prompt":"é","latency_ms":"slow"}
            {"ts":3,"kind":"completion","prompt":"é","latency_ms":"slow"
            """#.write(to: dir.appendingPathComponent("typed.jsonl"), atomically: true, encoding: .utf8)
        try #"""
            {"ts":1,"kind":"completion","latency_ms":2}
            {"ts":"soon","kind":"completion"}
            """#.write(to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        try """
            rule_files: [r.yaml]
            tests:
              - {name: typed, events_file: typed.jsonl, expect_matches: {R: 1}}
              - {name: bad, events_file: bad.jsonl, expect_matches: {R: 1}}
            """.write(to: dir.appendingPathComponent("t.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.appendingPathComponent("t.test.yaml").path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("typed.jsonl:2:55: input event is malformed: 'latency_ms'"), "\(result.stdout)")
        #expect(result.stdout.contains("bad.jsonl:2:7: "), "\(result.stdout)")
    }
}
