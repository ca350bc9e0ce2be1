import SentinelAct
import SentinelCompile
@testable import SentinelEvaluate
import Testing

/// Alertmanager semantics of the dispatcher, on event time: grouping, timers, dedupe, inhibition, silences.
@Suite struct DispatcherTests {
    static let rule = "rules: [{name: R, on: completion, when: 'latency_ms > 1', actions: [notify]}]"

    static func policy(_ route: String, inhibit: String = "") throws -> CompiledPolicy {
        let text = """
            actions: {notify: {type: notify}}
            receivers: [{name: ops, type: log}, {name: hook, type: webhook, url: "http://127.0.0.1:1/"}, {name: am, type: alertmanager, url: "http://127.0.0.1:1"}]
            route: \(route)
            \(inhibit)
            """
        return try EngineFixture.compile(rule, policy: text).policy
    }

    static let s: Int64 = 1000

    static func transition(_ rule: String, _ state: AlertState, at seconds: Int64, _ labels: [(String, String)], previous: AlertState? = nil)
        -> AlertTransition
    {
        AlertTransition(
            time: seconds * s, rule: rule, state: state, previous: previous ?? (state == .resolved ? .firing : .inactive),
            severity: .warning, labels: labels.sorted { $0.0 < $1.0 }, value: 1, annotations: [("summary", "x")], actions: ["notify"],
            activeSince: seconds * s)
    }

    final class Recorder {
        var sent: [AlertNotification] = []
        var log: [Dispatcher.LogEntry] = []
        func wire(_ d: Dispatcher) {
            d.onNotification = { [unowned self] in self.sent.append($0) }
            d.onLogUpdate = { [unowned self] in self.log.append($0) }
        }
        /// "receiver status @seconds [rule{model}…]"
        var summary: [String] {
            sent.map { n in
                let alerts = n.alerts.map { "\($0.rule):\($0.labels["model"] ?? "")=\($0.status.rawValue)" }.sorted()
                return "\(n.receiver) \(n.status.rawValue) @\(n.time / 1000) \(alerts.joined(separator: ","))"
            }
        }
    }

    @Test func alertsOfOneGroupWaitForGroupWaitAndGoOutTogether() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 30s, group_interval: 5m}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 100, [("model", "a")]))
        d.advance(to: 120 * Self.s)
        d.receive(Self.transition("R", .firing, at: 120, [("model", "b")]))
        d.advance(to: 129 * Self.s)
        #expect(r.sent.isEmpty)
        d.advance(to: 130 * Self.s)
        #expect(r.summary == ["ops firing @130 R:a=firing,R:b=firing"])
    }

    /// As Alertmanager: a route without `group_by` (inheriting the root's) puts all its alerts in one group,
    /// `group_by: ['...']` gives each alert its own, and a child's `group_by: []` groups by no label again.
    @Test(arguments: [
        ("{receiver: ops, group_wait: 30s}", ["ops firing @130 R:a=firing,R:b=firing"]),
        ("{receiver: ops, group_wait: 30s, group_by: ['...']}", ["ops firing @130 R:a=firing", "ops firing @130 R:b=firing"]),
        ("{receiver: ops, group_wait: 30s, group_by: [model], routes: [{group_by: []}]}", ["ops firing @130 R:a=firing,R:b=firing"]),
        ("{receiver: ops, group_wait: 30s, group_by: [model], routes: [{receiver: ops}]}", ["ops firing @130 R:a=firing", "ops firing @130 R:b=firing"]),
        ("{receiver: ops, group_wait: 30s, group_by: [model], routes: [{group_by: ~}]}", ["ops firing @130 R:a=firing", "ops firing @130 R:b=firing"]),
    ])
    func groupByDefaultsToOneGroupPerRoute(route: String, expected: [String]) throws {
        let d = Dispatcher(policy: try Self.policy(route))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 100, [("model", "a")]))
        d.receive(Self.transition("R", .firing, at: 100, [("model", "b")]))
        d.advance(to: 130 * Self.s)
        #expect(r.summary.sorted() == expected)
    }

    @Test func aFiringGroupIsNotRepeatedBeforeRepeatIntervalAndIsAfter() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 10s, group_interval: 1m, repeat_interval: 5m}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 299 * Self.s)
        #expect(r.summary == ["ops firing @10 R:a=firing"])
        d.advance(to: 310 * Self.s)  // flushes at 70, 130, …, 310: 310 − 10 ≥ 300
        #expect(r.summary == ["ops firing @10 R:a=firing", "ops firing @310 R:a=firing"])
    }

    /// A years-long gap at a 1ms group interval is not flushed interval by interval (that took hours): past
    /// 10 000 intervals it is flushed once, at its last interval, which still repeats the firing group.
    @Test func aLongGapAtATinyGroupIntervalIsFlushedOnceAtItsEnd() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 0s, group_interval: 1ms, repeat_interval: 1h}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 0)
        let tenYears: Int64 = 10 * 365 * 86_400
        d.advance(to: tenYears * Self.s)
        #expect(r.summary == ["ops firing @0 R:a=firing", "ops firing @\(tenYears) R:a=firing"])
    }

    @Test func aNewAlertInANotifiedGroupGoesOutAtTheNextGroupInterval() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 10s, group_interval: 1m}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 20 * Self.s)
        d.receive(Self.transition("R", .firing, at: 20, [("model", "b")]))
        d.advance(to: 69 * Self.s)
        #expect(r.sent.count == 1)
        d.advance(to: 70 * Self.s)
        #expect(r.summary.last == "ops firing @70 R:a=firing,R:b=firing")
    }

    @Test func resolutionIsSentOnceAndThenTheGroupIsGone() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 10s, group_interval: 1m}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 10 * Self.s)
        d.receive(Self.transition("R", .resolved, at: 30, [("model", "a")]))
        d.advance(to: 1_000 * Self.s)
        #expect(r.summary == ["ops firing @10 R:a=firing", "ops resolved @70 R:a=resolved"])
        #expect(r.sent.last?.alerts.first?.endsAt == 30 * Self.s)
        #expect(r.sent.last?.alerts.first?.startsAt == 0)
    }

    @Test func anAlertResolvedBeforeGroupWaitIsNeverSent() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_wait: 30s}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.receive(Self.transition("R", .resolved, at: 10, [("model", "a")]))
        d.advance(to: 3_600 * Self.s)
        #expect(r.sent.isEmpty)
    }

    @Test func pendingAlertsAreNotAlertsToReceivers() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_wait: 0s}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .pending, at: 0, [("model", "a")]))
        d.receive(Self.transition("R", .resolved, at: 5, [("model", "a")], previous: .pending))
        d.advance(to: 3_600 * Self.s)
        #expect(r.sent.isEmpty)
    }

    @Test func groupByLabelsSplitGroupsAndContinueReachesSeveralReceivers() throws {
        let d = Dispatcher(
            policy: try Self.policy(
                "{receiver: ops, group_by: [model], group_wait: 10s, routes: [{matchers: ['model=~\"a|b\"'], receiver: hook, continue: true}]}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.receive(Self.transition("R", .firing, at: 0, [("model", "c")]))
        d.advance(to: 10 * Self.s)
        // model=a matches the child (hook); continue: true, but no later sibling matches, so the parent does not
        // deliver; model=c matches no child and goes to ops.
        #expect(r.summary.sorted() == ["hook firing @10 R:a=firing", "ops firing @10 R:c=firing"])
        #expect(r.sent.first { $0.receiver == "hook" }?.groupLabels == ["model": "a"])
    }

    @Test func aCriticalAlertInhibitsWarningsOfTheSameModelOnly() throws {
        let d = Dispatcher(
            policy: try Self.policy(
                "{receiver: ops, group_by: [alertname, model], group_wait: 10s}",
                inhibit: "inhibit_rules: [{source_matchers: ['severity=\"critical\"'], target_matchers: ['severity=\"warning\"'], equal: [model]}]"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("Crit", .firing, at: 0, [("model", "a"), ("severity", "critical")]))
        d.receive(Self.transition("Warn", .firing, at: 0, [("model", "a"), ("severity", "warning")]))
        d.receive(Self.transition("Warn", .firing, at: 0, [("model", "b"), ("severity", "warning")]))
        d.advance(to: 10 * Self.s)
        #expect(r.summary.sorted() == ["ops firing @10 Crit:a=firing", "ops firing @10 Warn:b=firing"])
        #expect(d.alertsMuted == 1)
        // When the critical alert resolves, the warning is no longer muted and goes out at the next interval.
        d.receive(Self.transition("Crit", .resolved, at: 20, [("model", "a"), ("severity", "critical")]))
        d.advance(to: 310 * Self.s)
        #expect(r.summary.contains("ops firing @310 Warn:a=firing"))
    }

    @Test func silencedAlertsAreMutedWhileTheSilenceLasts() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [model], group_wait: 10s, group_interval: 1m}"))
        let r = Recorder()
        r.wire(d)
        d.isSilenced = { labels, time in labels["model"] == "a" && time < 100 * Self.s }
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 99 * Self.s)
        #expect(r.sent.isEmpty)
        d.advance(to: 130 * Self.s)
        #expect(r.summary == ["ops firing @130 R:a=firing"])
    }

    /// A flush whose alerts are all muted sends nothing and leaves the notification log alone: the receiver that
    /// was told R fires is told it resolved (the log was emptied and the resolution never went out), and R, still
    /// firing unchanged when the mute ends, is not sent again within the repeat interval (it was, at once).
    @Test(arguments: [true, false])
    func aFlushWithEveryAlertMutedLeavesTheLogAsItWas(resolves: Bool) throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [model], group_wait: 10s, group_interval: 1m, repeat_interval: 1h}"))
        let r = Recorder()
        r.wire(d)
        d.isSilenced = { labels, time in labels["model"] == "a" && time >= 30 * Self.s && time < 80 * Self.s }
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 75 * Self.s)
        #expect(r.summary == ["ops firing @10 R:a=firing"])
        #expect(d.alertsMuted == 1)
        if resolves { d.receive(Self.transition("R", .resolved, at: 100, [("model", "a")])) }
        d.advance(to: 600 * Self.s)
        #expect(r.summary == ["ops firing @10 R:a=firing"] + (resolves ? ["ops resolved @130 R:a=resolved"] : []))
    }

    /// A resolved alert whose inhibiting source still fires is muted too: its resolution is not sent.
    @Test func aResolvedAlertIsInhibitedWhileItsSourceFires() throws {
        let d = Dispatcher(
            policy: try Self.policy(
                "{receiver: ops, group_by: [alertname], group_wait: 10s, group_interval: 1m}",
                inhibit: "inhibit_rules: [{source_matchers: ['severity=\"critical\"'], target_matchers: ['severity=\"warning\"'], equal: [model]}]"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("Warn", .firing, at: 0, [("model", "a"), ("severity", "warning")]))
        d.receive(Self.transition("Warn", .firing, at: 0, [("model", "b"), ("severity", "warning")]))
        d.advance(to: 10 * Self.s)
        d.receive(Self.transition("Crit", .firing, at: 20, [("model", "a"), ("severity", "critical")]))
        d.receive(Self.transition("Warn", .resolved, at: 100, [("model", "a"), ("severity", "warning")]))
        d.advance(to: 300 * Self.s)
        #expect(r.summary == ["ops firing @10 Warn:a=firing,Warn:b=firing", "ops firing @30 Crit:a=firing"])
    }

    @Test func theNotificationLogCarriesDedupeAcrossARestart() throws {
        let policy = try Self.policy("{receiver: ops, group_by: [rule], group_wait: 10s, group_interval: 1m, repeat_interval: 1h}")
        let first = Dispatcher(policy: policy)
        let r1 = Recorder()
        r1.wire(first)
        first.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        first.advance(to: 10 * Self.s)
        #expect(r1.sent.count == 1)
        // "Restart": a new dispatcher with the persisted log; the alert fires again (state was lost).
        let second = Dispatcher(policy: policy, log: r1.log)
        let r2 = Recorder()
        r2.wire(second)
        second.receive(Self.transition("R", .firing, at: 600, [("model", "a")]))
        second.advance(to: 3_000 * Self.s)
        #expect(r2.sent.isEmpty)
        second.advance(to: 3_620 * Self.s)
        #expect(r2.summary == ["ops firing @3610 R:a=firing"])
    }

    @Test func alertmanagerReceiversGetFiringAlertsAgainAtEveryInterval() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: am, group_wait: 10s, group_interval: 1m, repeat_interval: 4h}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 130 * Self.s)
        #expect(r.summary == ["am firing @10 R:a=firing", "am firing @70 R:a=firing", "am firing @130 R:a=firing"])
        #expect(r.sent.allSatisfy { $0.receiverType == "alertmanager" })
    }

    @Test func notificationIdsAndFingerprintsAreStable() throws {
        func run() throws -> [AlertNotification] {
            let d = Dispatcher(policy: try Self.policy("{receiver: hook, group_wait: 10s}"))
            let r = Recorder()
            r.wire(d)
            d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
            d.advance(to: 10 * Self.s)
            return r.sent
        }
        let a = try run()
        let b = try run()
        #expect(a == b)
        #expect(a.first?.alerts.first?.fingerprint == Dispatcher.fingerprint(rule: "R", labels: [("model", "a")]))
        #expect(a.first?.id.count == 16)
    }

    /// A transition is taken in only after the flushes due before it: a group's first flush carried alerts that
    /// fired ten minutes later, and sent a resolution of an alert it never sent as firing.
    @Test func flushesDueBeforeATransitionRunBeforeItIsTakenIn() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule], group_wait: 30s, group_interval: 5m}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "m1")]))
        d.receive(Self.transition("R", .firing, at: 600, [("model", "m2")]))
        d.advance(to: 700 * Self.s)
        #expect(r.summary == ["ops firing @30 R:m1=firing", "ops firing @630 R:m1=firing,R:m2=firing"])
    }

    /// A reload keeps resolutions waiting for their group's next flush (they were dropped with the old groups).
    @Test func aReloadKeepsWaitingResolutions() throws {
        let policy = try Self.policy("{receiver: ops, group_by: [model], group_wait: 10s, group_interval: 1m}")
        let d = Dispatcher(policy: policy)
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 10 * Self.s)
        d.receive(Self.transition("R", .resolved, at: 20, [("model", "a")]))
        d.replace(policy: policy, at: 30 * Self.s, firingNow: [])
        d.advance(to: 100 * Self.s)
        #expect(r.summary == ["ops firing @10 R:a=firing", "ops resolved @40 R:a=resolved"])
    }

    /// A `group_by` label an alert does not have is not among its group's labels, as in Alertmanager (it was
    /// `modle=""` in the group key and the webhook's groupLabels).
    @Test func anAbsentGroupByLabelIsLeftOut() throws {
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [rule, modle], group_wait: 10s}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a")]))
        d.advance(to: 10 * Self.s)
        #expect(r.sent.map(\.groupKey) == [#"0/ops/{rule="R"}"#])
        #expect(r.sent.first?.groupLabels == ["rule": "R"])
    }

    /// Label values that contain the separators of the group key or fingerprint do not merge groups or alerts.
    @Test func labelValuesCannotImitateSeparators() throws {
        #expect(
            Dispatcher.fingerprint(rule: "R", labels: [("a", "x\u{1F}b=y")])
                != Dispatcher.fingerprint(rule: "R", labels: [("a", "x"), ("b", "y\u{1F}b=")]))
        let d = Dispatcher(policy: try Self.policy("{receiver: ops, group_by: [a, b], group_wait: 10s}"))
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("a", "x,b=y"), ("b", "z")]))
        d.receive(Self.transition("R", .firing, at: 0, [("a", "x"), ("b", "y,b=z")]))
        d.advance(to: 10 * Self.s)
        #expect(r.sent.count == 2)
        #expect(Set(r.sent.map(\.groupKey)).count == 2)
        #expect(r.sent.map(\.groupKey).contains(#"0/ops/{a="x",b="y,b=z"}"#))
    }

    /// Inhibition and silence matchers see `rule`, as the README says and routes do.
    @Test func inhibitionAndSilencesMatchTheRuleName() throws {
        let d = Dispatcher(
            policy: try Self.policy(
                "{receiver: ops, group_by: [alertname, model], group_wait: 10s}",
                inhibit: "inhibit_rules: [{source_matchers: ['rule=\"Crit\"'], target_matchers: ['rule=\"Warn\"'], equal: [model]}]"))
        let r = Recorder()
        r.wire(d)
        d.isSilenced = { labels, _ in labels["rule"] == "Slow" }
        d.receive(Self.transition("Crit", .firing, at: 0, [("model", "a")]))
        d.receive(Self.transition("Warn", .firing, at: 0, [("model", "a")]))
        d.receive(Self.transition("Slow", .firing, at: 0, [("model", "a")]))
        d.advance(to: 10 * Self.s)
        #expect(r.summary == ["ops firing @10 Crit:a=firing"])
        #expect(d.alertsMuted == 2)
    }

    /// After a reload, an alert the new graph has firing under other labels (its severity changed) is the new
    /// identity: the old one resolves to receivers that were told it fired, the new one fires. So does an alert of
    /// a removed rule: it resolves rather than staying firing at the receiver forever.
    @Test func aReloadResolvesAlertsTheNewGraphDoesNotHaveFiring() throws {
        let policy = try Self.policy("{receiver: ops, group_by: [model], group_wait: 10s, group_interval: 1m}")
        let d = Dispatcher(policy: policy)
        let r = Recorder()
        r.wire(d)
        d.receive(Self.transition("R", .firing, at: 0, [("model", "a"), ("severity", "warning")]))
        d.receive(Self.transition("Gone", .firing, at: 0, [("model", "b")]))
        d.advance(to: 10 * Self.s)
        let renamed = ActiveAlert(
            rule: "R", state: .firing, labels: [("model", "a"), ("severity", "critical")], value: 1, annotations: [],
            activeSince: 0)
        d.replace(policy: policy, at: 30 * Self.s, firingNow: [renamed])
        d.advance(to: 100 * Self.s)
        let sent = r.sent.dropFirst(2).flatMap(\.alerts).map { "\($0.rule) \($0.labels["severity"] ?? "") \($0.status.rawValue)" }
        #expect(sent.sorted() == ["Gone  resolved", "R critical firing", "R warning resolved"])
        #expect(d.firingAlerts.map(\.labels["severity"]) == ["critical"])
    }

    /// A dispatcher after a "restart": `R` of models a and b fired at 0 and receivers were told at 10 s (group_wait
    /// 10s, repeat_interval 1h); the new one has the notification log and restores what it says is firing, with a
    /// 300 s grace.
    static func restarted() throws -> (Dispatcher, Recorder) {
        let policy = try Self.policy("{receiver: hook, group_by: [model], group_wait: 10s, group_interval: 1m, repeat_interval: 1h}")
        let first = Dispatcher(policy: policy)
        let r1 = Recorder()
        r1.wire(first)
        for model in ["a", "b"] { first.receive(Self.transition("R", .firing, at: 0, [("model", model)])) }
        first.advance(to: 10 * Self.s)
        let told = r1.sent.flatMap(\.alerts)
        #expect(told.count == 2)
        let second = Dispatcher(policy: policy, log: r1.log)
        let r2 = Recorder()
        r2.wire(second)
        second.restore(firing: told, grace: 300 * Self.s)
        return (second, r2)
    }

    /// After a restart, an alert receivers were told is firing and that does not fire again within the grace is
    /// sent resolved (it stayed firing at the receiver for ever); one that fires again is deduped, not resolved.
    @Test func restoredAlertsThatDoNotFireAgainAreResolved() throws {
        let (second, r2) = try Self.restarted()
        // Only b fires again.
        second.advance(to: 1_000 * Self.s)
        second.receive(Self.transition("R", .firing, at: 1_100, [("model", "b")]))
        second.advance(to: 1_299 * Self.s)
        #expect(r2.sent.isEmpty)
        second.advance(to: 1_400 * Self.s)
        #expect(r2.summary == ["hook resolved @1310 R:a=resolved"])
        #expect(r2.sent.first?.alerts.first?.endsAt == 1_300 * Self.s)
    }

    /// After a warm start the engine knows what is firing: those alerts fire again (deduped for receivers already
    /// told, notified for one they were not), keep the start receivers know, and the restored alerts not among
    /// them resolve at once when the windows were refilled completely, after their grace otherwise.
    @Test(arguments: [true, false])
    func aWarmStartResumesWhatTheEngineHasFiring(complete: Bool) throws {
        let (second, r2) = try Self.restarted()
        // The refilled engine has b firing (since 200 s: its windows reach back less far than the alert) and c,
        // which fired after the last notification; a has ended.
        let firingNow = ["b", "c"].map { model in
            ActiveAlert(rule: "R", state: .firing, labels: [("model", model)], value: 1, annotations: [], activeSince: 200 * Self.s)
        }
        second.resume(firingNow: firingNow, at: 1_000 * Self.s, complete: complete)
        second.advance(to: 1_010 * Self.s)
        #expect(r2.summary.sorted() == (complete ? ["hook firing @1010 R:c=firing", "hook resolved @1010 R:a=resolved"] : ["hook firing @1010 R:c=firing"]))
        #expect(second.firingAlerts.map { $0.labels["model"]! }.sorted() == ["b", "c"])
        #expect(second.firingAlerts.first { $0.labels["model"] == "b" }?.startsAt == 0)
        second.advance(to: 1_400 * Self.s)
        #expect(r2.summary.count == 2)
        if !complete { #expect(r2.summary.last == "hook resolved @1310 R:a=resolved") }  // 300 s after 1000 s, + group_wait
    }

    /// Called again after time the engine did not observe: an alert that stopped firing in it is judged as a
    /// restored one (resolved after its grace, deduped if it fires again), not resolved at once and fired again.
    @Test func aSecondResumeJudgesAlertsThatEndedAsRestored() throws {
        let (second, r2) = try Self.restarted()
        let firingNow = ["a", "b"].map { model in
            ActiveAlert(rule: "R", state: .firing, labels: [("model", model)], value: 1, annotations: [], activeSince: 0)
        }
        second.resume(firingNow: firingNow, at: 100 * Self.s, complete: true)
        // Both stopped firing in the unobserved time; a fires again with the live events, b does not.
        second.resume(firingNow: [], at: 5_000 * Self.s, complete: false)
        #expect(second.firingAlerts.isEmpty)
        second.receive(Self.transition("R", .firing, at: 5_100, [("model", "a")]))
        second.advance(to: 6_000 * Self.s)
        // No repeat of a or b dated in the unobserved time (a repeat interval ended there); a's repeat is due once it fires again.
        #expect(r2.summary == ["hook firing @5110 R:a=firing", "hook resolved @5310 R:b=resolved"])
    }
}
