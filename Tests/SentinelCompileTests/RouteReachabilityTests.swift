import SentinelCompile
import SentinelCore
import Testing

/// `lint` flags routes no alert can reach, from what the rules' labels are known to be.
@Suite struct RouteReachabilityTests {
    static let rules = """
        rules:
          - {name: Unsafe, on: completion, group_by: [model], when: 'latency_ms > 1', severity: critical, labels: {team: safety}, actions: [notify]}
          - {name: Slow, on: completion, group_by: [model], when: 'latency_ms > 9', severity: warning, labels: {team: sre}, actions: [notify]}
          - {name: Quiet, on: completion, when: 'latency_ms > 99'}
        """

    static func unreachable(_ routes: String) -> [Int] {
        let policy = """
            actions: {notify: {type: notify}}
            receivers: [{name: log, type: log}, {name: other, type: log}]
            route:
              receiver: log
              routes:
            \(routes)
            """
        let (_, diagnostics) = CompileFixture.compile(rules, policy: policy)
        return diagnostics.filter { $0.code == .unreachableRoute }.compactMap { $0.range?.start.line }
    }

    @Test func aMatcherOnALabelNoRuleHasIsUnreachable() {
        #expect(Self.unreachable("    - {matchers: ['team=\"billing\"'], receiver: other}") == [6])
        #expect(Self.unreachable("    - {matchers: ['team=\"safety\"'], receiver: other}") == [])
    }

    @Test func groupLabelsCanHoldAnyValue() {
        #expect(Self.unreachable("    - {matchers: ['model=~\"llama.*\"'], receiver: other}") == [])
    }

    @Test func rulesWithoutNotifyDoNotCount() {
        // Only Quiet has no team label, and it does not notify.
        #expect(Self.unreachable("    - {matchers: ['team=\"\"'], receiver: other}") == [6])
    }

    @Test func aCatchAllSiblingWithoutContinueShadowsLaterOnes() {
        let routes = """
                - {matchers: ['severity=~"critical|warning"'], receiver: log}
                - {matchers: ['team="sre"'], receiver: other}
            """
        #expect(Self.unreachable(routes) == [7])
        let withContinue = """
                - {matchers: ['severity=~"critical|warning"'], receiver: log, continue: true}
                - {matchers: ['team="sre"'], receiver: other}
            """
        #expect(Self.unreachable(withContinue) == [])
    }

    /// An inhibit rule whose source or target matchers no notifying rule's alerts satisfy never mutes anything:
    /// warned at its matchers, with the severity or rule meant.
    @Test func anInhibitRuleNoAlertMatchesIsWarned() {
        let policy = """
            actions: {notify: {type: notify}}
            receivers: [{name: log, type: log}]
            route: {receiver: log}
            inhibit_rules:
              - {source_matchers: ['severity="critical"'], target_matchers: ['severity="warn"'], equal: [model]}
              - {source_matchers: ['alertname="Unsaf"'], target_matchers: ['team="sre"'], equal: [model]}
              - {source_matchers: ['severity="critical"'], target_matchers: ['model=~"llama.*"', 'team="sre"'], equal: [model]}
            """
        let (_, diagnostics) = CompileFixture.compile(Self.rules, policy: policy)
        let dead = diagnostics.filter { $0.code == .unreachableRoute }
        #expect(dead.map { $0.range?.start.line } == [5, 6], "\(dead)")
        #expect(dead.first?.message.hasSuffix("never mutes anything (did you mean 'warning'?)") == true)
        #expect(dead.last?.message.hasSuffix("never mutes anything (did you mean 'Unsafe'?)") == true)
    }

    @Test func aSiblingThatDependsOnAGroupLabelDoesNotShadow() {
        let routes = """
                - {matchers: ['model="a"'], receiver: log}
                - {matchers: ['team="sre"'], receiver: other}
            """
        #expect(Self.unreachable(routes) == [])
    }
}

/// Label names in routes' `group_by` and in inhibit rules: not label names are errors, labels no rule's alerts
/// carry are warnings (they read as "" on every alert, so a misspelt `equal` inhibits across all its values).
@Suite struct PolicyLabelNameTests {
    static func diagnostics(_ policy: String) -> [(DiagnosticCode, Int, String)] {
        let (_, diagnostics) = CompileFixture.compile(RouteReachabilityTests.rules, policy: policy)
        return diagnostics.filter { [.unknownLabel, .invalidName].contains($0.code) }
            .sorted { ($0.range?.start.line ?? 0, $0.range?.start.column ?? 0) < ($1.range?.start.line ?? 0, $1.range?.start.column ?? 0) }
            .map { ($0.code, $0.range?.start.line ?? 0, $0.message) }
    }

    @Test func misspeltAndInvalidLabelsAreFlagged() {
        let found = Self.diagnostics(
            """
            actions: {notify: {type: notify}}
            receivers: [{name: log, type: log}]
            route: {receiver: log, group_by: [alertname, modle, "a b"]}
            inhibit_rules:
              - {source_matchers: ['sevrity="critical"'], target_matchers: ['team="sre"'], equal: [model, "7"]}
            """)
        #expect(found.map(\.0) == [.unknownLabel, .invalidName, .unknownLabel, .invalidName])
        #expect(found.map(\.1) == [3, 3, 5, 5])
        #expect(found[0].2.contains("'modle'") && found[0].2.contains("did you mean 'model'?"))
        #expect(found[2].2.contains("'sevrity'") && found[2].2.contains("did you mean 'severity'?"))
    }

    @Test func labelsSomeRuleCarriesAreFine() {
        let found = Self.diagnostics(
            """
            actions: {notify: {type: notify}}
            receivers: [{name: log, type: log}]
            route: {receiver: log, group_by: ['...']}
            inhibit_rules:
              - {source_matchers: ['severity="critical"', 'team="safety"'], target_matchers: ['rule="Slow"'], equal: [model, alertname]}
            """)
        #expect(found.isEmpty, "\(found)")
    }
}
