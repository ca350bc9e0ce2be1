import Foundation
import SentinelEvaluate
import Testing

@Suite struct ReloadCarryOverTests {
    static let rules = """
        rules:
          - name: Busy
            on: completion
            group_by: [model]
            when: count(1m) >= 3
            for: 20s
          - name: Slow
            on: completion
            group_by: [model]
            when: avg(latency_ms, 1m) > 1000
        """

    func feed(_ f: EngineFixture, _ times: [Double], latency: Int = 10) throws {
        for t in times { try f.send(at: t, #"{"kind":"completion","model":"a","latency_ms":\#(latency)}"#) }
    }

    @Test func reloadKeepsWindowAndPendingStateOfUnchangedRules() throws {
        let f = try EngineFixture(Self.rules)
        try feed(f, [0, 1, 2])
        #expect(f.states("Busy") == ["pending@2"])
        // A new rule beside them; Busy and Slow are unchanged.
        try f.reload(Self.rules + "\n  - {name: Quiet, on: completion, group_by: [model], when: \"count(1m) < 1\"}")
        #expect(f.engine.carryOver?.keptRules.sorted() == ["Busy", "Slow"])
        #expect(f.engine.carryOver?.freshRules == ["Quiet"])
        #expect(f.engine.carryOver?.keptWindows == 2)
        try feed(f, [25])
        // Still pending from 2 s with four events in the window: fires at 25 s, 20 s after it became pending.
        #expect(f.states("Busy") == ["pending@2", "firing@25"])
    }

    /// A firing alert carried over by a reload is still re-checked on ticks once its group goes quiet, and
    /// resolves when its window empties (75 s: the first tick whose minute holds none of its events).
    @Test func aCarriedOverAlertResolvesOnTicksAfterItsGroupGoesQuiet() throws {
        let f = try EngineFixture(Self.rules)
        try feed(f, [0, 1, 2], latency: 5_000)
        #expect(f.states("Slow") == ["firing@0"])
        try f.reload(Self.rules)
        #expect(f.engine.carryOver?.keptRules.sorted() == ["Busy", "Slow"])
        try f.send(at: 100, #"{"kind":"completion","model":"b","latency_ms":10}"#)
        #expect(f.states("Slow") == ["firing@0", "resolved@75"])
    }

    @Test func reloadStartsChangedRulesAfreshAndDropsRemovedOnes() throws {
        let f = try EngineFixture(Self.rules)
        try feed(f, [0, 1, 2], latency: 5_000)
        #expect(f.states("Slow") == ["firing@0"])
        let changed = Self.rules.replacingOccurrences(of: "for: 20s", with: "for: 30s")
            .replacingOccurrences(of: "> 1000", with: "> 2000")
        try f.reload(changed)
        #expect(f.engine.carryOver?.freshRules.sorted() == ["Busy", "Slow"])
        #expect(f.engine.activeAlerts().isEmpty)
        // The window samples carried over even though the rules changed: the count is 4 at once.
        try feed(f, [3], latency: 5_000)
        #expect(f.states("Busy") == ["pending@2", "pending@3"])
        #expect(f.states("Slow") == ["firing@0", "firing@3"])

        try f.reload("rules:\n  - {name: Other, on: metric, when: value > 1}")
        #expect(f.engine.carryOver?.removedRules.sorted() == ["Busy", "Slow"])
        #expect(f.engine.activeAlerts().isEmpty)
    }

    /// A kind may hold a comma: `on: "completion,error"` (one kind) and `on: [completion, error]` (two) are different
    /// rules, whose alerts and windows must not carry over from one to the other.
    @Test func aRuleMovingFromOneKindWithACommaToTwoKindsStartsAfresh() throws {
        let one = "rules:\n  - {name: Errs, on: \"completion,error\", group_by: [model], when: \"count(10m) >= 3\"}"
        let f = try EngineFixture(one)
        for t in 0..<4 { try f.send(at: Double(t), #"{"kind":"completion,error","model":"m1"}"#) }
        #expect(f.states("Errs") == ["firing@2"])
        try f.reload(one.replacingOccurrences(of: "\"completion,error\"", with: "[completion, error]"))
        #expect(f.engine.carryOver?.freshRules == ["Errs"])
        #expect(f.engine.carryOver?.keptWindows == 0)
        #expect(f.engine.activeAlerts().isEmpty)
    }

    @Test func reloadRebuildsAWindowThatNowKeepsMoreAggregates() throws {
        let f = try EngineFixture("rules:\n  - {name: High, on: completion, group_by: [model], when: \"avg(latency_ms, 1m) > 100\"}")
        for (t, latency) in [(0.0, 50), (1, 400), (2, 20)] {
            try f.send(at: t, #"{"kind":"completion","model":"a","latency_ms":\#(latency)}"#)
        }
        // max() over the same window needs extremes the old window did not keep: rebuilt from its samples.
        try f.reload("rules:\n  - {name: Peak, on: completion, group_by: [model], when: \"max(latency_ms, 1m) >= 400\"}")
        #expect(f.engine.carryOver?.keptWindows == 1)
        try f.send(at: 3, #"{"kind":"completion","model":"a","latency_ms":10}"#)
        #expect(f.states("Peak") == ["firing@3"])
    }

    @Test func aWindowNewToASpanStartsEmptyBesideOnesThatCarryOver() throws {
        let f = try EngineFixture("rules:\n  - {name: Busy, on: completion, group_by: [model], when: \"count(1m) >= 4\"}")
        try feed(f, [0, 1, 2], latency: 500)
        // avg(latency_ms, 1m) shares Busy's span (one frame): its window is new, so it has only the events after
        // the reload, while count(1m) keeps its three.
        try f.reload(
            "rules:\n  - {name: Busy, on: completion, group_by: [model], when: \"count(1m) >= 4\"}"
                + "\n  - {name: Fast, on: completion, group_by: [model], when: \"count(1m) >= 4 and avg(latency_ms, 1m) < 100\"}")
        #expect(f.engine.carryOver?.keptWindows == 1)
        #expect(f.engine.carryOver?.windows == 2)
        try feed(f, [3], latency: 10)
        #expect(f.states("Busy") == ["firing@3"])
        #expect(f.states("Fast") == ["firing@3"])
    }

    @Test func reloadKeepsTheClockAndHeldBackEvents() throws {
        let policy = "settings: {evaluation_interval: 15s, allowed_lateness: 10s}\n"
        let f = try EngineFixture(Self.rules, policy: policy)
        try feed(f, [0, 1, 2, 30])
        try f.reload(Self.rules, policy: policy)
        // 0, 1, 2 were released before the reload (30 − 10 ≥ 2); 30 is still held and is evaluated once, later.
        try feed(f, [45])
        f.engine.finish()
        #expect(f.engine.statistics.events == 5)
        try f.send(at: 1, #"{"kind":"completion","model":"a"}"#)
        #expect(f.engine.statistics.lateEvents == 1)
    }

    /// A held event was decoded for the previous graph's fields: the new graph reads it again, for its own fields
    /// and types. One whose value does not fit the new graph is reported, and the others evaluated.
    @Test func heldEventsAreReadAgainForTheNewGraph() throws {
        let policy = "settings: {evaluation_interval: 15s, allowed_lateness: 10s}\n"
        let f = try EngineFixture("rules:\n  - {name: Seen, on: completion, group_by: [model], when: \"count(1m) >= 1\"}\n", policy: policy)
        for (t, latency) in [(1.0, "5000"), (2, #""slow""#), (3, "7000")] {
            var bytes = Array(#"{"ts":\#(t),"kind":"completion","model":"a","latency_ms":\#(latency)}"#.utf8)
            try bytes.withUnsafeMutableBytes { try f.engine.ingest(UnsafeRawBufferPointer($0)) }
        }
        try f.reload("rules:\n  - {name: Slow, on: completion, group_by: [model], when: \"latency_ms > 6000\"}\n", policy: policy)
        var malformed: [EventDecodeError] = []
        f.engine.onMalformed = { malformed.append($0) }
        f.engine.finish()
        #expect(malformed.map(\.field) == ["latency_ms"])
        #expect(f.engine.statistics.events == 2)
        #expect(f.matches("Slow") == 1)
    }
}
