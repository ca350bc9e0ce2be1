import Foundation
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import Testing

/// A rule may read several event kinds (`on: [completion, error]`): one partition takes the events of each, so a
/// window can relate them, as an error rate needs (errors stand in for the completions they replace).
struct MultiKindRuleTests {
    static let errorRate = """
        rules:
          - name: ErrorRate
            on: [completion, error]
            group_by: [model]
            when: count(1m) >= 4 and ratio(kind == "error", 1m) > 0.25
            value: ratio(kind == "error", 1m)
          - name: Completions
            on: completion
            group_by: [model]
            when: count(1m) >= 4
        """

    @Test func oneWindowTakesEveryKindTheRuleReads() throws {
        let f = try EngineFixture(Self.errorRate)
        for t in 0..<3 { try f.send(at: Double(t), #"{"kind":"completion","model":"m"}"#) }
        try f.send(at: 3, #"{"kind":"error","model":"m","source":"frontier"}"#)
        #expect(f.states("ErrorRate").isEmpty)  // 1 of 4
        try f.send(at: 4, #"{"kind":"error","model":"m","source":"guard"}"#)
        #expect(f.states("ErrorRate") == ["firing@4"])  // 2 of 5
        #expect(f.engine.activeAlerts().first { $0.rule == "ErrorRate" }?.value == 0.4)
        // The single-kind rule's window never saw the errors.
        #expect(f.matches("Completions") == 0)
        try f.send(at: 5, #"{"kind":"completion","model":"m"}"#)
        #expect(f.matches("Completions") == 1)
        // Another kind reaches neither rule.
        try f.send(at: 6, #"{"kind":"feedback","model":"m"}"#)
        #expect(f.engine.ruleStatistics.map(\.evaluations) == [6, 4])
    }

    @Test func theOrderOfKindsDoesNotMatterAndRulesShareTheirPartition() throws {
        let graph = try EngineFixture.compile(
            """
            rules:
              - {name: A, on: [completion, error], group_by: [model], when: count(1m) > 1}
              - {name: B, on: [error, completion], group_by: [model], when: count(1m) > 2}
              - {name: C, on: completion, group_by: [model], when: count(1m) > 2}
            """, policy: "")
        #expect(graph.partitions.map(\.kinds) == [["completion", "error"], ["completion"]])
        #expect(graph.windows.count == 2)
        #expect(graph.kinds == ["completion", "error"])
    }

    /// Fields are typed per event: a completion's `latency_ms` must be a number, an error event's may be anything.
    @Test func fieldsAreTypedByEachEventsOwnKind() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Slow, on: [completion, error], when: "latency_ms > 100"}
            """)
        #expect(throws: EventDecodeError.self) { try f.send(at: 1, #"{"kind":"completion","latency_ms":"slow"}"#) }
        try f.send(at: 2, #"{"kind":"error","latency_ms":"slow"}"#)
        try f.send(at: 3, #"{"kind":"error","latency_ms":500}"#)
        #expect(f.matches("Slow") == 1)
    }
}
