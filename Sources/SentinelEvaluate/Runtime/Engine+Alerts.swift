public import SentinelCompile
import Foundation

/// Alert state of one rule for one group (Prometheus semantics for `for` and `keep_firing_for`).
struct AlertSlot {
    var state = AlertState.inactive
    var activeAt: Int64 = 0
    var firingSince: Int64 = 0
    /// When the condition stopped holding while firing; `.min` while it holds.
    var keepFiringSince: Int64 = .min
    /// The rule's value at the latest match: nil when it had none there, NaN when it was NaN (a `"NaN"` gauge).
    var value: Double?
}

extension Engine {
    /// Evaluates rule `r` for group `g` at `time` and applies the state machine.
    /// `atEvent` is false on ticks; for event-triggered rules tick evaluations only move state, they are not matches.
    func evaluate(rule r: Int, group g: Int, time: Int64, atEvent: Bool) {
        // At an event, the partition's rules share readouts (`processPartition` moved the epoch on after
        // recording); a tick evaluates one rule and group after moving its windows.
        if !atEvent { readoutEpoch &+= 1 }
        currentGroup = g
        currentTime = time
        let rule = tables.rules[r]
        // Sampled by the rule's own evaluations: one counter for all rules would time the same rules every time
        // when a partition's rules come in a fixed order.
        let timed = ruleStatistics[r].allEvaluations & 15 == 0
        let started = timed ? DispatchTime.now().uptimeNanoseconds : 0
        let matched = holds(Int32(rule.condition))
        let nanoseconds = timed ? Double(DispatchTime.now().uptimeNanoseconds - started) : nil
        ruleStatistics[r].record(at: time, counted: atEvent || rule.every != 0, matched: matched, nanoseconds: nanoseconds)
        var slot = alerts[r][g]
        // Most evaluations find the condition false with no alert: nothing to write back.
        if !matched, !slot.state.isActive { return }
        let wasActive = slot.state.isActive
        if matched {
            // The value at this match; none when it has none now (not a value left from an earlier match). A
            // re-check of an event-triggered rule on a tick is no match: the value stays its latest match's.
            if rule.value >= 0, atEvent || rule.every != 0 { slot.value = number(rule.value) }
            slot.keepFiringSince = .min
            switch slot.state {
            case .inactive, .resolved:
                slot.activeAt = time
                if rule.forMilliseconds == 0 {
                    fire(&slot, rule: r, group: g, time: time)
                } else {
                    slot.state = .pending
                    ruleStatistics[r].pending += 1
                    emit(r, g, slot, state: .pending, previous: .inactive, time: time)
                }
            case .pending where time - slot.activeAt >= rule.forMilliseconds:
                fire(&slot, rule: r, group: g, time: time)
            case .pending, .firing:
                break
            }
            if atEvent, rule.hasMatchActions { requestActions(rule: r, group: g, time: time) }
            if atEvent, observedRules[r] { reportMatch(rule: r, group: g, time: time) }
        } else {
            switch slot.state {
            case .pending:
                slot.state = .inactive
                emit(r, g, slot, state: .resolved, previous: .pending, time: time)
            case .firing:
                if slot.keepFiringSince == .min { slot.keepFiringSince = time }
                if time - slot.keepFiringSince >= rule.keepFiringForMilliseconds {
                    slot.state = .inactive
                    ruleStatistics[r].resolved += 1
                    ruleStatistics[r].firingMilliseconds += time - slot.firingSince
                    emit(r, g, slot, state: .resolved, previous: .firing, time: time)
                }
            case .inactive, .resolved:
                break
            }
        }
        alerts[r][g] = slot
        if slot.state.isActive != wasActive { activeAlertCounts[r] += wasActive ? -1 : 1 }
    }

    private func fire(_ slot: inout AlertSlot, rule r: Int, group g: Int, time: Int64) {
        let previous = slot.state == .pending ? AlertState.pending : .inactive
        slot.state = .firing
        slot.firingSince = time
        ruleStatistics[r].firing += 1
        emit(r, g, slot, state: .firing, previous: previous, time: time)
    }

    private func emit(_ r: Int, _ g: Int, _ slot: AlertSlot, state: AlertState, previous: AlertState, time: Int64) {
        onTransition(transition(r, g, slot, state: state, previous: previous, time: time))
    }

    private func transition(
        _ r: Int, _ g: Int, _ slot: AlertSlot, state: AlertState, previous: AlertState, time: Int64
    ) -> AlertTransition {
        let rule = graph.rules[r]
        let labels = alertLabels(rule: r, group: g)
        return AlertTransition(
            time: time, rule: rule.name, state: state, previous: previous, severity: rule.severity, labels: labels,
            value: slot.value, annotations: Self.annotations(rule, labels: labels, value: slot.value),
            actions: ruleActionsOnTransition[r], activeSince: slot.activeAt)
    }

    private func requestActions(rule r: Int, group g: Int, time: Int64) {
        let eventID = currentEventID()
        let labels = alertLabels(rule: r, group: g)
        for a in ruleActionsOnMatch[r] {
            let action = graph.actions[a]
            onAction(
                ActionRequest(
                    time: time, rule: graph.rules[r].name, action: action.name, type: action.type, eventID: eventID,
                    labels: labels, line: currentLine, fields: currentEventFields))
        }
    }

    private func reportMatch(rule r: Int, group g: Int, time: Int64) {
        if let evidence = graph.rules[r].evidence, !holds(Int32(evidence)) { return }
        onMatch(
            RuleMatch(
                time: time, rule: graph.rules[r].name, labels: alertLabels(rule: r, group: g), line: currentLine,
                eventID: currentEventID()))
    }

    /// The current event's `id` if the graph decodes it and it is a string.
    private func currentEventID() -> String? {
        guard let id = graph.idSlot, case .string(let s) = slots[id] else { return nil }
        return s.string
    }

    /// Rule labels, group labels and severity, sorted by name.
    func alertLabels(rule r: Int, group g: Int) -> [(String, String)] {
        // Past the cache's end are groups a reload adopted before any group was prepared here.
        guard g < labelCache[r].count else { return buildAlertLabels(rule: r, group: g) }
        if let labels = labelCache[r][g] { return labels }
        let labels = buildAlertLabels(rule: r, group: g)
        labelCache[r][g] = labels
        return labels
    }

    private func buildAlertLabels(rule r: Int, group g: Int) -> [(String, String)] {
        let rule = graph.rules[r]
        var labels = rule.labels
        labels.append(contentsOf: zip(rule.groupLabels, groups[rule.partition].labels(of: g)).map { ($0, $1) })
        labels.append(("severity", rule.severity.rawValue))
        // An empty label is an absent one (a missing, null or "" group_by field), as in Prometheus.
        return labels.filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
    }

    static func annotations(_ rule: CompiledRule, labels: [(String, String)], value: Double?) -> [(String, String)] {
        rule.annotations.map { name, template in
            let text = template.parts.map { part -> String in
                switch part {
                case .text(let s): return s
                case .placeholder("value"): return value.map(NumberFormatting.format) ?? ""
                case .placeholder("rule"): return rule.name
                case .placeholder(let label): return labels.first { $0.0 == label }?.1 ?? ""
                }
            }.joined()
            return (name, text)
        }
    }

    /// Transitions to `firing` at `time`, as the engine would have reported them, of the alerts that fire on their
    /// condition now (not only kept by `keep_firing_for`) and that `include` accepts: for alerts whose start went
    /// unreported (it fell in time the service did not observe).
    public func firingTransitions(at time: Int64, where include: (ActiveAlert) -> Bool) -> [AlertTransition] {
        activeTransitions { r, slot, alert in
            guard slot.state == .firing, slot.keepFiringSince == .min, include(alert) else { return nil }
            let previous: AlertState = graph.rules[r].forMilliseconds > 0 ? .pending : .inactive
            return (state: .firing, previous: previous, time: time)
        }
    }

    /// Transitions to `resolved` at `time` of the pending and firing alerts that `ends` accepts: for alerts a reload
    /// ends, before this engine is replaced.
    public func endingTransitions(at time: Int64, where ends: (ActiveAlert) -> Bool) -> [AlertTransition] {
        activeTransitions { _, slot, alert in ends(alert) ? (state: .resolved, previous: slot.state, time: time) : nil }
    }

    /// A transition for each active alert `make` gives one for.
    private func activeTransitions(
        _ make: (Int, AlertSlot, ActiveAlert) -> (state: AlertState, previous: AlertState, time: Int64)?
    ) -> [AlertTransition] {
        var result: [AlertTransition] = []
        forEachActiveAlert { r, g, slot, alert in
            guard let (state, previous, time) = make(r, slot, alert) else { return }
            result.append(transition(r, g, slot, state: state, previous: previous, time: time))
        }
        return result
    }

    /// Calls `body` with each pending or firing alert's rule, group, slot and description, by rule then group.
    private func forEachActiveAlert(_ body: (Int, Int, AlertSlot, ActiveAlert) -> Void) {
        for (r, rule) in graph.rules.enumerated() {
            for g in alerts[r].indices {
                let slot = alerts[r][g]
                guard slot.state.isActive, groups[rule.partition].live[g] else { continue }
                let labels = alertLabels(rule: r, group: g)
                body(
                    r, g, slot,
                    ActiveAlert(
                        rule: rule.name, state: slot.state, labels: labels, value: slot.value,
                        annotations: Self.annotations(rule, labels: labels, value: slot.value), activeSince: slot.activeAt))
            }
        }
    }

    /// Alerts pending or firing now, by rule then labels.
    public func activeAlerts() -> [ActiveAlert] {
        var result: [ActiveAlert] = []
        forEachActiveAlert { _, _, _, alert in result.append(alert) }
        return result.sorted { ($0.rule, "\($0.labels)") < ($1.rule, "\($1.labels)") }
    }
}

extension AlertState {
    /// Pending or firing: an alert a tick must keep re-checking.
    var isActive: Bool { self == .pending || self == .firing }
}

extension RuleStatistics {
    /// One evaluation, in one access (the engine's statistics array is checked for uniqueness once per access).
    /// `counted`: an evaluation at an event, or of a tick-evaluated rule; `nanoseconds`: its time, if it was timed.
    @inline(__always)
    mutating func record(at time: Int64, counted: Bool, matched: Bool, nanoseconds: Double?) {
        allEvaluations += 1
        if let nanoseconds {
            timedEvaluations += 1
            timedNanoseconds += nanoseconds
        }
        lastEvaluationTime = time
        if counted {
            evaluations += 1
            if matched { matches += 1 }
        }
    }
}
