import Foundation
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import Testing

@Suite struct AlertStateTests {
    static let rule = """
        rules:
          - name: Slow
            on: completion
            group_by: [model]
            when: latency_ms > 1000
            for: 60s
            keep_firing_for: 30s
        """

    @Test func pendingThenFiringAfterForThenResolvedAfterKeepFiringFor() throws {
        let f = try EngineFixture(Self.rule)
        for t in stride(from: 0.0, through: 90, by: 10) { try f.send(at: t, #"{"kind":"completion","model":"a","latency_ms":2000}"#) }
        // Condition clears at 100 s; keep_firing_for holds it until 130 s.
        for t in stride(from: 100.0, through: 140, by: 10) { try f.send(at: t, #"{"kind":"completion","model":"a","latency_ms":10}"#) }
        #expect(f.states("Slow") == ["pending@0", "firing@60", "resolved@130"])
    }

    @Test func pendingThatStopsHoldingIsDroppedAsResolvedFromPending() throws {
        let f = try EngineFixture(Self.rule)
        try f.send(at: 0, #"{"kind":"completion","model":"a","latency_ms":2000}"#)
        try f.send(at: 10, #"{"kind":"completion","model":"a","latency_ms":5}"#)
        #expect(f.states("Slow") == ["pending@0", "resolved@10"])
        #expect(f.transitions.last?.previous == .pending)
    }

    /// The transitions a service reports for alerts whose start it did not observe: only alerts firing on their
    /// condition (not those kept by `keep_firing_for`), from the state `fire` leaves (no `for`: inactive); and the
    /// ends of alerts a reload drops, from their state.
    @Test func firingAndEndingTransitionsOfActiveAlerts() throws {
        let f = try EngineFixture(Self.rule.replacingOccurrences(of: "for: 60s", with: "for: 0s"))
        try f.send(at: 0, #"{"kind":"completion","model":"a","latency_ms":2000}"#)
        let firing = f.engine.firingTransitions(at: 5_000) { _ in true }
        #expect(firing.map { "\($0.state.rawValue)@\($0.time / 1000) from \($0.previous.rawValue)" } == ["firing@5 from inactive"])
        #expect(firing.first?.activeSince == 0)
        #expect(f.engine.endingTransitions(at: 6_000) { _ in true }.map(\.previous) == [.firing])
        // Only kept firing by keep_firing_for: not reported as firing.
        try f.send(at: 10, #"{"kind":"completion","model":"a","latency_ms":5}"#)
        #expect(f.engine.activeAlerts().map(\.state) == [.firing])
        #expect(f.engine.firingTransitions(at: 11_000) { _ in true }.isEmpty)
        #expect(f.transitions.count == 1, "building transitions reports none")
    }

    /// The windows a rule's condition reads are its own, not another rule's in the same partition: a restart's
    /// confirmation waits for the shortest of them.
    @Test func theShortestWindowIsTheRulesOwn() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Silent, on: completion, group_by: [model], every: 1m, when: "count(1h) >= 3 and count(5m) == 0"}
              - {name: Slow, on: completion, group_by: [model], when: "avg(latency_ms, 30s) > 1000"}
              - {name: Any, on: completion, group_by: [model], when: "latency_ms > 10"}
            """)
        let graph = f.engine.graph
        func spans(ofRule name: String) -> Set<Int64> {
            Set(graph.windows(readBy: graph.rules.first { $0.name == name }!.condition).map { graph.windows[$0].milliseconds })
        }
        #expect(spans(ofRule: "Silent") == [3_600_000, 300_000])
        #expect(spans(ofRule: "Slow") == [30_000])
        #expect(spans(ofRule: "Any").isEmpty)
    }

    @Test func groupsHaveIndependentAlerts() throws {
        let f = try EngineFixture(Self.rule.replacingOccurrences(of: "for: 60s", with: "for: 0s"))
        try f.send(at: 0, #"{"kind":"completion","model":"a","latency_ms":2000}"#)
        try f.send(at: 1, #"{"kind":"completion","model":"b","latency_ms":5}"#)
        let active = f.engine.activeAlerts()
        #expect(active.map(\.rule) == ["Slow"])
        #expect(active.first?.labels.first { $0.0 == "model" }?.1 == "a")
    }

    @Test func windowedAlertResolvesOnTicksWhenTrafficStops() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Busy, on: completion, group_by: [model], when: "count(1m) >= 3"}
            """)
        for t in [0.0, 1, 2] { try f.send(at: t, #"{"kind":"completion","model":"a"}"#) }
        f.engine.advance(to: 120_000)
        // At the 60 s tick the window (0 s, 60 s] holds two events: resolved.
        #expect(f.states("Busy") == ["firing@2", "resolved@60"])
    }

    /// An alert of an event-triggered rule that fires on a tick re-check (its group quiet) carries the value of
    /// its latest match, the last event at which the condition held, not the value read with no event (null).
    @Test func aTickRecheckKeepsTheValueOfTheLatestMatch() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Burst, on: completion, group_by: [model], when: "count(latency_ms > 1000, 5m) >= 2", value: latency_ms, for: 50s}
            """)
        for (t, latency) in [(0.0, 1500), (10, 1700), (20, 1900)] {
            try f.send(at: t, #"{"kind":"completion","model":"a","latency_ms":\#(latency)}"#)
        }
        f.engine.advance(to: 120_000)
        #expect(f.states("Burst") == ["pending@10", "firing@60"])
        #expect(f.transitions.map(\.value) == [1700, 1900])
        #expect(f.matches("Burst") == 2)
    }

    @Test func absenceRuleFiresOnTicksAfterSilence() throws {
        let f = try EngineFixture(
            """
            rules:
              - name: GuardSilent
                on: completion
                group_by: [model]
                every: 30s
                when: count(response_guard exists, 2m) == 0
                for: 1m
            """)
        for t in stride(from: 0.0, through: 60, by: 10) {
            try f.send(at: t, #"{"kind":"completion","model":"a","response_guard":{"safety":"safe"}}"#)
        }
        for t in stride(from: 70.0, through: 400, by: 10) { try f.send(at: t, #"{"kind":"completion","model":"a"}"#) }
        // Last verdict at 60 s: the 2m window holds none from 180 s; pending at the 180 s tick, firing a minute later.
        #expect(f.states("GuardSilent") == ["pending@180", "firing@240"])
    }

    @Test(arguments: [0.0, 20, 50])
    func silenceOfAWholeGroupIsSeenWhateverThePhaseOfItsLastEvent(offset: Double) throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Silent, on: completion, group_by: [model], every: 1m, when: "count(5m) == 0", for: 1m}
            """)
        for t in stride(from: 0.0, through: 120, by: 10) { try f.send(at: 600 + t + offset, #"{"kind":"completion","model":"a"}"#) }
        f.engine.advance(to: Int64((600 + 120 + offset + 3 * 3600) * 1000))
        // Whatever second of the minute traffic stopped at, the absence is seen and the alert keeps firing.
        #expect(f.states("Silent").count == 2)
        #expect(f.engine.activeAlerts().map(\.state) == [.firing])
        // Traffic coming back resolves it.
        try f.send(at: 600 + 120 + offset + 3 * 3600 + 1, #"{"kind":"completion","model":"a"}"#)
        f.engine.advance(to: Int64((600 + 120 + offset + 3 * 3600 + 61) * 1000))
        #expect(f.states("Silent").last?.hasPrefix("resolved") == true)
    }

    @Test func aGapOfYearsInEventTimeIsCrossedQuicklyWithTheSameOutcome() throws {
        let rules = """
            rules:
              - {name: Silent, on: completion, group_by: [model], every: 1m, when: "count(5m) == 0", for: 1m}
              - {name: Busy, on: completion, group_by: [model], when: "count(1m) >= 2", keep_firing_for: 2m}
            """
        let f = try EngineFixture(rules)
        try f.send(at: 100, #"{"kind":"completion","model":"a"}"#)
        try f.send(at: 101, #"{"kind":"completion","model":"a"}"#)
        let started = Date()
        // Ten years later, in one step: millions of ticks if each were run.
        try f.send(at: 101 + 10 * 365 * 86400, #"{"kind":"completion","model":"a"}"#)
        #expect(Date().timeIntervalSince(started) < 5)
        // Busy fired and resolved in the first minutes; Silent saw the silence and fired, then resolved on return.
        #expect(f.states("Busy") == ["firing@101", "resolved@285"])
        #expect(f.states("Silent").prefix(2) == ["pending@420", "firing@480"])
        #expect(f.engine.activeAlerts().filter { $0.rule == "Silent" }.map(\.state) == [.firing])
    }

    /// A skipped gap still counts the evaluations and matches of the ticks it jumps over: the same counts whether
    /// the gap is short enough to run tick by tick (5 000 ticks) or long enough to be skipped (20 000).
    @Test(arguments: [5_000, 20_000])
    func skippedTicksAreCountedAsIfRun(gapSeconds: Int) throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Silent, on: x, group_by: [g], when: \"count(5s) == 0\", every: 1s}\n",
            policy: "settings: {evaluation_interval: 1s}\n")
        try f.send(at: 1, #"{"kind":"x","g":"a"}"#)
        try f.send(at: Double(1 + gapSeconds), #"{"kind":"x","g":"a"}"#)
        f.engine.advance(to: Int64(gapSeconds + 2) * 1000)
        let statistics = f.engine.ruleStatistics[0]
        // Ticks at 1 s … gap + 2 s; the window holds the first event through 5 s, the second from gap + 1 s on.
        #expect(statistics.evaluations == gapSeconds + 2)
        #expect(statistics.matches == gapSeconds - 5)
        #expect(f.states("Silent") == ["firing@6", "resolved@\(gapSeconds + 1)"])
    }

    /// Evaluation cost is sampled by each rule's own evaluations: sampled by one counter for all, two rules of one
    /// partition (always evaluated in the same order) had every sample go to the first and read 0 ns for the other.
    @Test func everyRuleHasItsEvaluationsTimed() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: A, on: completion, when: "count(5m) > 0"}
              - {name: B, on: completion, when: "count(5m) > 1"}
            """)
        for i in 0..<32 { try f.send(at: Double(i), #"{"kind":"completion"}"#) }
        for statistics in f.engine.ruleStatistics {
            #expect(statistics.evaluations == 32)
            #expect(statistics.timedEvaluations == 2)
            #expect(statistics.meanEvaluationNanoseconds > 0)
            #expect(statistics.evaluationNanoseconds == 16 * statistics.timedNanoseconds)
        }
    }

    @Test func sameInputGivesSameOutput() throws {
        func run() throws -> [String] {
            let f = try EngineFixture(Self.rule)
            var seed: UInt64 = 42
            for i in 0..<500 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                let latency = Int(seed >> 33) % 3000
                try f.send(at: Double(i), #"{"kind":"completion","model":"m\#(i % 3)","latency_ms":\#(latency)}"#)
            }
            return f.transitions.map { "\($0.rule) \($0.state) \($0.time) \($0.labels)" }
        }
        #expect(try run() == run())
    }

    @Test func lateEventsBeyondLatenessAreCountedAndSkipped() throws {
        let f = try EngineFixture(Self.rule)
        try f.send(at: 100, #"{"kind":"completion","model":"a","latency_ms":2000}"#)
        try f.send(at: 50, #"{"kind":"completion","model":"a","latency_ms":2000}"#)
        #expect(f.engine.statistics.lateEvents == 1)
        #expect(f.engine.statistics.events == 1)
    }

    @Test func outOfOrderEventsWithinLatenessAreReordered() throws {
        let rules = """
            rules:
              - {name: Burst, on: completion, when: "count(10s) >= 3"}
            """
        let policy = "settings: {allowed_lateness: 5s}\n"
        let ordered = try EngineFixture(rules, policy: policy)
        let shuffled = try EngineFixture(rules, policy: policy)
        for t in [1.0, 2, 3, 4, 20] { try ordered.send(at: t, #"{"kind":"completion"}"#) }
        for t in [2.0, 1, 4, 3, 20] { try shuffled.send(at: t, #"{"kind":"completion"}"#) }
        ordered.engine.finish()
        shuffled.engine.finish()
        #expect(shuffled.engine.statistics.lateEvents == 0)
        #expect(shuffled.states("Burst") == ordered.states("Burst"))
        #expect(ordered.matches("Burst") == 2)
    }

    /// Lateness is measured from the newest event seen, not from the last one evaluated: an event 7 s behind the
    /// newest is late with `allowed_lateness: 5s` even while nothing after it has been evaluated yet.
    @Test func latenessIsMeasuredFromTheNewestEventSeen() throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Burst, on: completion, when: \"count(1m) >= 3\"}\n", policy: "settings: {allowed_lateness: 5s}\n")
        for t in [0.0, 10, 3, 20, 13, 15] { try f.send(at: t, #"{"kind":"completion"}"#) }
        f.engine.finish()
        #expect(f.engine.statistics.lateEvents == 2)  // 3 (7 s behind 10) and 13 (7 s behind 20), not 15 (5 s)
        #expect(f.engine.statistics.events == 4)
        #expect(f.states("Burst") == ["firing@15"])
    }

    /// A held-back line is read whole when it arrives: a malformed one is rejected then, and its time, an hour
    /// ahead, does not make the events after it late (it did: they were more than the lateness behind it).
    @Test func aMalformedLineDoesNotMoveTheClock() throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Burst, on: completion, when: \"count(1m) >= 3\"}\n", policy: "settings: {allowed_lateness: 5s}\n")
        try f.send(at: 1, #"{"kind":"completion"}"#)
        try f.send(at: 2, #"{"kind":"completion"}"#)
        #expect(throws: EventDecodeError.self) { try f.send(at: 3600, #"{"kind":"completion","latency_ms":01}"#) }
        #expect(throws: EventDecodeError.self) { try f.send(at: 3600, #"{"kind":"completion","tags":["a",]}"#) }
        try f.send(at: 3, #"{"kind":"completion"}"#)
        try f.send(at: 4, #"{"kind":"completion"}"#)
        f.engine.finish()
        #expect(f.engine.statistics.lateEvents == 0)
        #expect(f.engine.statistics.events == 4)
        #expect(f.matches("Burst") == 2)
    }

    /// A late line that is broken is reported as malformed, with or without lateness (with it, it was counted as
    /// late without a word; without it, a late line with a mistyped field was).
    @Test(arguments: ["0s", "1m"])
    func aBrokenLateLineIsMalformed(lateness: String) throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 100\"}\n",
            policy: "settings: {allowed_lateness: \(lateness)}\n")
        try f.send(at: 1000, #"{"kind":"completion","latency_ms":5}"#)
        #expect(throws: EventDecodeError.self) { try f.send(at: 10, #"{"kind":"completion","latency_ms":}"#) }
        #expect(throws: EventDecodeError.self) { try f.send(at: 10, #"{"kind":"completion","latency_ms":"slow"}"#) }
        try f.send(at: 10, #"{"kind":"completion","latency_ms":5}"#)
        #expect(f.engine.statistics.lateEvents == 1)
    }

    /// Events held back when a reload lowers the lateness to 0 are evaluated in time order before the next event
    /// (they waited until the end, and were evaluated after later events).
    @Test func eventsHeldWhenTheLatenessDropsToZeroGoFirst() throws {
        let rules = "rules:\n  - {name: Burst, on: completion, when: \"count(1m) >= 3\"}\n"
        let f = try EngineFixture(rules, policy: "settings: {allowed_lateness: 5s}\n")
        try f.send(at: 10, #"{"kind":"completion"}"#)
        try f.send(at: 8, #"{"kind":"completion"}"#)
        #expect(f.engine.statistics.events == 0)
        try f.reload(rules, policy: "settings: {allowed_lateness: 0s}\n")
        try f.send(at: 20, #"{"kind":"completion"}"#)
        #expect(f.engine.statistics.events == 3)
        #expect(f.states("Burst") == ["firing@20"])
        try f.send(at: 25, #"{"kind":"completion"}"#)
        #expect(f.engine.statistics.events == 4)
        #expect(f.engine.statistics.lateEvents == 0)
    }

    /// Held-back events keep their decoded values (strings with escapes, wide numbers, arrays) while thousands more
    /// arrive around them: shuffled within a minute's lateness, they give what the same events in order give.
    @Test func heldBackEventsKeepTheirValues() throws {
        let rules = """
            rules:
              - name: Users
                on: completion
                group_by: [model]
                when: distinct(attrs.user, 10m) >= 5 and count(prompt == "say \\"hi\\"\\n", 10m) >= 2
              - name: Tagged
                on: completion
                group_by: [attrs.user]
                when: '"Jailbreak" in prompt_guard.categories and attrs.id != 12345678901234567890'
            """
        let ordered = try EngineFixture(rules, policy: "settings: {allowed_lateness: 0s, evaluation_interval: 15s}\n")
        let shuffled = try EngineFixture(rules, policy: "settings: {allowed_lateness: 1m, evaluation_interval: 15s}\n")
        var generator = SplitMix64(seed: 7)
        var events: [(Double, String)] = []
        for i in 0..<6_000 {
            let user = #"u\u00e9\#(generator.next() % 40)"#  // escaped: unescaped into the decoder's scratch
            let prompt = generator.next() % 3 == 0 ? #"say \"hi\"\n"# : "prompt \(i) " + String(repeating: "x", count: Int(generator.next() % 300))
            let category = generator.next() % 5 == 0 ? #"Jail\u0062reak"# : "Violent"
            let id = generator.next() % 4 == 0 ? "12345678901234567890" : "12345678901234567891"
            events.append((Double(i) * 0.5, #"{"kind":"completion","model":"m\#(i % 3)","prompt":"\#(prompt)","prompt_guard":{"categories":["\#(category)"]},"attrs":{"user":"\#(user)","id":\#(id)}}"#))
        }
        for (t, json) in events { try ordered.send(at: t, json) }
        // Each event arrives as if sent up to 50 s late: never more than 50 s behind the newest.
        let arrival = events.map { $0.0 + Double(generator.next() % 50_000) / 1000 }
        for i in events.indices.sorted(by: { arrival[$0] < arrival[$1] }) { try shuffled.send(at: events[i].0, events[i].1) }
        ordered.engine.finish()
        shuffled.engine.finish()
        #expect(shuffled.engine.statistics.lateEvents == 0)
        for rule in ["Users", "Tagged"] {
            #expect(ordered.matches(rule) > 0)
            #expect(shuffled.matches(rule) == ordered.matches(rule))
            #expect(shuffled.states(rule) == ordered.states(rule))
        }
    }

    /// A field the rules read that has the wrong type for its kind in the traffic schema makes the line malformed
    /// (at the value, naming the field), instead of being read as something else: `"refusal": "true"` would
    /// otherwise count as not refused. Other kinds, and `null`, are not checked.
    @Test func mistypedSchemaFieldsMakeTheLineMalformed() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Unsafe, on: completion, when: "response_guard.safety == \\"unsafe\\" and not response_guard.refusal"}
              - {name: Slow, on: completion, when: "latency_ms > 100"}
              - {name: Full, on: metric, when: "value > 0.9"}
              - {name: Errors, on: error, when: "latency_ms > 100"}
            """)
        let refusal = #"{"ts":1,"kind":"completion","response_guard":{"safety":"unsafe","refusal":"true"}}"#
        var bytes = Array(refusal.utf8)
        let error = bytes.withUnsafeMutableBytes { raw -> EventDecodeError? in
            do throws(EventDecodeError) {
                try f.engine.ingest(UnsafeRawBufferPointer(raw))
                return nil
            } catch { return error }
        }
        #expect(error?.field == "response_guard.refusal")
        #expect(error?.message == "'response_guard.refusal' of a completion event must be a boolean, not a string")
        #expect(error?.offset == refusal.utf8.count - 8)
        #expect(f.matches("Unsafe") == 0)
        #expect(throws: EventDecodeError.self) { try f.send(at: 2, #"{"kind":"completion","latency_ms":"1500"}"#) }
        #expect(throws: EventDecodeError.self) { try f.send(at: 2, #"{"kind":"metric","value":[1]}"#) }
        try f.send(at: 3, #"{"kind":"metric","value":"+Inf"}"#)
        try f.send(at: 3, #"{"kind":"completion","latency_ms":null,"response_guard":null}"#)
        try f.send(at: 4, #"{"kind":"error","latency_ms":"1500"}"#)
        #expect(f.engine.statistics.events == 3)
        #expect(f.matches("Full") == 1)
    }

    /// A guard verdict outside the schema's values (`"Unsafe"`, as Qwen3Guard writes it in its own output) or a
    /// verdict object written flat (`"prompt_guard": "unsafe"`) would match no safety rule; the line is malformed
    /// instead, at the value, saying what to write.
    @Test func verdictsOutsideTheSchemaMakeTheLineMalformed() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Unsafe, on: completion, when: "response_guard.safety == \\"unsafe\\""}
              - {name: Flagged, on: completion, when: "prompt_guard.safety != \\"safe\\""}
              - {name: Other, on: review, when: "response_guard.safety == \\"unsafe\\""}
            """)
        let error = f.ingestError
        let capitalised = #"{"ts":1,"kind":"completion","response_guard":{"safety":"Unsafe"}}"#
        #expect(
            error(capitalised)
                == EventDecodeError(
                    message: "'response_guard.safety' of a completion event must be one of safe, unsafe, controversial, not 'Unsafe' (write 'unsafe')",
                    offset: capitalised.utf8.count - 10, field: "response_guard.safety"))
        #expect(error(#"{"ts":1,"kind":"completion","prompt_guard":{"safety":"harmful"}}"#)?.message.hasSuffix("not 'harmful'") == true)
        let flat = error(#"{"ts":1,"kind":"completion","prompt_guard":"unsafe"}"#)
        #expect(flat?.message == "'prompt_guard' of a completion event must be an object, not a string")
        #expect(f.engine.statistics.events == 0)
        for safety in ["safe", "unsafe", "controversial"] {
            try f.send(at: 2, #"{"kind":"completion","prompt_guard":{"safety":"\#(safety)"},"response_guard":{"safety":"\#(safety)"}}"#)
        }
        try f.send(at: 3, #"{"kind":"review","response_guard":{"safety":"Unsafe"}}"#)
        #expect(f.engine.statistics.events == 4)
        #expect(f.matches("Unsafe") == 1)
        #expect(f.matches("Flagged") == 2)
    }

    /// Durations and token counts are never negative in the schema: a `-1` for "unknown" read as a sample made
    /// every median latency -1, and `-1 > 1.5 × -1` held (an alert storm on every model). The line is malformed,
    /// at the value; 0, a missing field and null are read.
    @Test func negativeDurationsAndTokenCountsMakeTheLineMalformed() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Slow, on: completion, when: "quantile(0.5, latency_ms, 10m) > 1.5 * quantile(0.5, latency_ms, 1h)"}
              - {name: Tokens, on: completion, when: "sum(completion_tokens, 1h) >= 0"}
              - {name: Other, on: trace, when: "latency_ms < 0"}
            """)
        let error = f.ingestError
        let negative = #"{"ts":1,"kind":"completion","latency_ms":-1}"#
        #expect(
            error(negative)
                == EventDecodeError(
                    message: "'latency_ms' of a completion event must not be negative, not -1 (leave the field out when it is not known)",
                    offset: negative.utf8.count - 3, field: "latency_ms"))
        #expect(error(#"{"ts":1,"kind":"completion","completion_tokens":"-Inf"}"#)?.field == "completion_tokens")
        #expect(f.engine.statistics.events == 0)
        for fields in [#","latency_ms":0,"completion_tokens":0"#, #","latency_ms":null"#, ""] {
            try f.send(at: 2, #"{"kind":"completion""# + fields + "}")
        }
        try f.send(at: 3, #"{"kind":"trace","latency_ms":-5}"#)
        #expect(f.engine.statistics.events == 4)
        #expect(f.matches("Other") == 1)
    }

    @Test func groupCapCountsOverflow() throws {
        let f = try EngineFixture(
            "rules:\n  - {name: PerUser, on: completion, group_by: [attrs.user], when: \"count(1m) > 100\"}\n",
            policy: "settings: {max_groups_per_rule: 2}\n")
        for (i, user) in ["a", "b", "c", "a"].enumerated() {
            try f.send(at: Double(i), #"{"kind":"completion","attrs":{"user":"\#(user)"}}"#)
        }
        #expect(f.engine.ruleStatistics[0].groupOverflow == 1)
        #expect(f.engine.ruleStatistics[0].evaluations == 3)
    }

    /// `max_window_samples` bounds a window's events per group: the windows of one span (here count and avg over
    /// 1h, one frame) drop their oldest together, and every drop is counted.
    @Test func windowSampleCapDropsTheOldestAndCountsThem() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Many, on: completion, group_by: [model], when: "count(1h) >= 4"}
              - {name: Slow, on: completion, group_by: [model], when: "avg(latency_ms, 1h) > 250"}
              - {name: Peak, on: completion, group_by: [model], when: "max(latency_ms, 1h) >= 1000"}
            """,
            policy: "settings: {max_window_samples: 3}\n")
        for (i, latency) in [1000, 10, 10, 400, 500].enumerated() {
            try f.send(at: Double(i), #"{"kind":"completion","model":"m","latency_ms":\#(latency)}"#)
        }
        // Never more than 3 events: count(1h) stays below 4.
        #expect(f.matches("Many") == 0)
        // Until 2 s the 1000 ms sample keeps the average up; at 3 s it is dropped (10, 10, 400: avg 140), at 4 s
        // the window holds 10, 400, 500 (avg 303).
        #expect(f.states("Slow") == ["firing@0", "resolved@3", "firing@4"])
        // The 1000 ms sample was dropped at 3 s: max is exact over what is kept.
        #expect(f.matches("Peak") == 3)
        #expect(f.engine.windowSampleOverflow == 2)
    }

    /// An event that gives a frame no sample (no `latency_ms`) is not one of its events: it drops nothing for
    /// room (it dropped the oldest sample, and `max` lost its 1500 ms at 20 s while the window held one sample).
    @Test func anEventWithoutASampleDropsNothingForRoom() throws {
        let f = try EngineFixture(
            "rules:\n  - {name: Peak, on: completion, when: \"max(latency_ms, 5m) >= 1500\"}\n",
            policy: "settings: {max_window_samples: 2}\n")
        for (i, latency) in ["1500", nil, nil, "1400", nil].enumerated() {
            try f.send(at: Double(10 * i), latency.map { #"{"kind":"completion","latency_ms":\#($0)}"# } ?? #"{"kind":"completion"}"#)
        }
        #expect(f.states("Peak") == ["firing@0"])
        #expect(f.matches("Peak") == 5)
        #expect(f.engine.windowSampleOverflow == 0)
    }

    /// The cap holds for `distinct` and `psi` windows too: they keep their own entries, not a frame's rows.
    @Test func windowSampleCapBoundsDistinctAndCategoryWindows() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Users, on: completion, when: "distinct(attrs.user, 1h) > 3"}
              - {name: Drift, on: completion, when: "psi(attrs.user, 1m, 1h) >= 0", value: "psi(attrs.user, 1m, 1h)"}
            """,
            policy: "settings: {max_window_samples: 3}\n")
        for i in 0..<5 { try f.send(at: Double(i), #"{"kind":"completion","attrs":{"user":"u\#(i)"}}"#) }
        // Five users, but never more than 3 of them kept.
        #expect(f.matches("Users") == 0)
        #expect(f.engine.windowSampleOverflow == 4)
        // Past 1m the kept entries become the baseline; a psi exists, read from at most 3 + 1 entries.
        try f.send(at: 70, #"{"kind":"completion","attrs":{"user":"u9"}}"#)
        #expect(f.matches("Drift") == 1)
    }

    /// Counter windows are capped per group over all its series: a label that never repeats (a pod per sample
    /// here) made a series per sample, each under the cap on its own, and memory grew without bound.
    @Test func windowSampleCapBoundsCounterWindowsOverAllSeries() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Inc, on: metric, where: 'name == "req_total"', when: "increase(value, 1m) > 0", value: "increase(value, 1m)"}
            """,
            policy: "settings: {max_window_samples: 3}\n")
        for i in 0..<3 {
            for pod in ["a", "b", "c", "d"] {
                try f.send(at: Double(i + 1), #"{"kind":"metric","name":"req_total","labels":{"pod":"\#(pod)"},"value":\#(i)}"#)
            }
        }
        #expect(f.engine.windowSampleOverflow == 9)
        // Only the newest three samples are ever kept, each of another pod: no series has two, so no increase.
        #expect(f.matches("Inc") == 0)
        try f.send(at: 4, #"{"kind":"metric","name":"req_total","labels":{"pod":"d"},"value":10}"#)
        // Kept: c and d at 3 s, d at 4 s. Series d has two samples: an increase.
        #expect(f.matches("Inc") == 1)
        #expect(f.engine.windowSampleOverflow == 10)
    }

    /// An empty label is an absent one: a group_by field that is missing, null or "" gives the alert no label.
    @Test func emptyGroupLabelsAreLeftOff() throws {
        let f = try EngineFixture("rules:\n  - {name: Any, on: completion, group_by: [model, attrs.user], when: \"true\"}\n")
        try f.send(at: 1, #"{"kind":"completion","model":"m","attrs":{"user":null}}"#)
        try f.send(at: 2, #"{"kind":"completion","model":"m","attrs":{"user":"u"}}"#)
        #expect(f.transitions.map { $0.labels.map(\.0) } == [["model", "severity"], ["model", "severity", "user"]])
    }

    @Test func matchActionsCarryTheEventID() throws {
        let f = try EngineFixture(
            """
            rules:
              - {name: Unsafe, on: completion, when: "response_guard.safety == \\"unsafe\\"", actions: [capture_dpo]}
            """,
            policy: "actions: {capture_dpo: {type: capture_dpo}}\n")
        try f.send(at: 1, #"{"kind":"completion","id":"c-9","response_guard":{"safety":"unsafe"}}"#)
        try f.send(at: 2, #"{"kind":"completion","id":"c-10","response_guard":{"safety":"safe"}}"#)
        #expect(f.actions.map(\.eventID) == ["c-9"])
    }
}
