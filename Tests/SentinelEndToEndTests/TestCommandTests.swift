import Foundation
import Testing

@Suite struct TestCommandTests {
    @Test func shippedRuleTestsPass() throws {
        let result = try SentinelProcess.run(["test", "rules"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.hasSuffix(" passed, 0 failed\n"))
        #expect(!result.stdout.contains("FAIL"))
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
            """.write(to: dir.appendingPathComponent("r.test.yaml"), atomically: true, encoding: .utf8)
        let result = try SentinelProcess.run(["test", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("r.test.yaml:5:14: error: 'at' '5q' is not a duration"))
    }
}

extension TestCommandTests {
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
