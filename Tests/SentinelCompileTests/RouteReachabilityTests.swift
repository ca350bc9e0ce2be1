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

    @Test func aSiblingThatDependsOnAGroupLabelDoesNotShadow() {
        let routes = """
                - {matchers: ['model="a"'], receiver: log}
                - {matchers: ['team="sre"'], receiver: other}
            """
        #expect(Self.unreachable(routes) == [])
    }
}
