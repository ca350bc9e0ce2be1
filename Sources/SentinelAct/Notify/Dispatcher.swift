public import SentinelCompile
public import SentinelEvaluate
import SentinelCore
import SentinelParse

/// Turns alert transitions into notifications with Alertmanager's semantics, on event time:
/// inhibition and silences mute alerts; the route tree picks receivers; alerts are aggregated per route, receiver
/// and `group_by` labels; a group is first flushed `group_wait` after it appears and then every `group_interval`;
/// a flush notifies only when something changed since the last notification to that receiver for that group
/// (new firing alerts, all resolved, newly resolved with `send_resolved`) or `repeat_interval` has passed.
///
/// What was last notified per receiver and group (the notification log) is handed out through `onLogUpdate` and
/// taken back at construction, so a restart does not notify a still-firing alert again within its repeat
/// interval. Deterministic: the same transitions and `advance` calls give the same notifications.
public final class Dispatcher {
    /// What was last sent to one receiver for one aggregation group (Alertmanager's nflog entry).
    public struct LogEntry: Sendable, Equatable, Codable {
        public var receiver: String
        public var groupKey: String
        public var sentAt: Int64
        public var firing: Set<String>
        public var resolved: Set<String>

        public init(receiver: String, groupKey: String, sentAt: Int64, firing: Set<String>, resolved: Set<String>) {
            self.receiver = receiver
            self.groupKey = groupKey
            self.sentAt = sentAt
            self.firing = firing
            self.resolved = resolved
        }
    }

    private struct Group {
        var key: String
        var route: RouteTree.Match
        var labels: [String: String]
        /// Alerts by fingerprint.
        var alerts: [String: NotifiedAlert] = [:]
        var nextFlush: Int64
    }

    /// Every notification the dispatcher decides to send.
    public var onNotification: (AlertNotification) -> Void = { _ in }
    /// The notification log entry to persist after each notification.
    public var onLogUpdate: (LogEntry) -> Void = { _ in }
    /// Whether a silence mutes an alert with these labels at this time.
    public var isSilenced: (_ labels: [String: String], _ time: Int64) -> Bool = { _, _ in false }

    private var router: RouteTree
    private var policy: CompiledPolicy
    private var receiverTypes: [String: String] = [:]
    private var sendsResolved: [String: Bool] = [:]
    private var groups: [String: Group] = [:]
    /// Alerts firing now, by fingerprint, for inhibition.
    private var firing: [String: NotifiedAlert] = [:]
    private var log: [String: LogEntry] = [:]
    private var nextFlush = Int64.max
    /// Alerts receivers were told are firing before a restart (see `restore`) that have not fired again since.
    private var restored: [String: NotifiedAlert] = [:]
    private var restoreGrace: Int64 = 0
    /// When the restored alerts that have not fired again resolve: `restoreGrace` after the first time seen.
    private var restoreDeadline: Int64?
    /// Notifications sent, and alerts muted at a flush, since the start.
    public private(set) var notificationsSent = 0
    public private(set) var alertsMuted = 0

    public init(policy: CompiledPolicy, log entries: [LogEntry] = []) {
        self.policy = policy
        router = RouteTree(policy: policy)
        for entry in entries { log[Self.logKey(entry.receiver, entry.groupKey)] = entry }
        configureReceivers()
    }

    /// The identity of an alert: its rule and labels, stable across runs. Each part is length-prefixed, so no
    /// value can imitate a separator and merge two alerts.
    public static func fingerprint(rule: String, labels: [(String, String)]) -> String {
        var text = ""
        for part in [rule] + labels.sorted { $0.0 < $1.0 }.flatMap({ [$0.0, $0.1] }) {
            text += "\(part.utf8.count):\(part)"
        }
        return StableHash.hex(text)
    }

    /// After a restart: `alerts` are those the notification log says receivers were told are firing. The engine
    /// starts without their state, so one that does not fire again within `grace` of event time (from the first
    /// time seen after the restart: long enough for its windows to refill and its `for` to pass) is sent resolved,
    /// and no receiver keeps an alert that ended while Sentinel was down. One that fires again is deduped as usual.
    public func restore(firing alerts: [NotifiedAlert], grace: Int64) {
        for alert in alerts { restored[alert.fingerprint] = alert }
        restoreGrace = grace
    }

    /// After a warm start (the engine's windows refilled from the traffic tap, see `restore`): `firingNow` is what
    /// the engine has firing (of rules that notify) at `time`. Those are firing alerts again; receivers already told
    /// are not told again within the repeat interval (the notification log dedupes them), others are notified.
    /// When the refilled windows are `complete` (they reach back the rules' settle time), a restored alert not
    /// among them has ended and resolves now; otherwise it resolves once its grace has passed from `time`.
    ///
    /// Called again after the engine crossed time it did not observe (see the service's evaluation loop): a firing
    /// alert from the first call that the engine no longer has is judged as a restored one.
    public func resume(firingNow: [ActiveAlert], at time: Int64, complete: Bool) {
        var current: [String: ActiveAlert] = [:]
        for active in firingNow { current[Self.fingerprint(rule: active.rule, labels: active.labels)] = active }
        for (fingerprint, alert) in firing where current[fingerprint] == nil {
            restored[fingerprint] = alert
            firing[fingerprint] = nil
            // No repeats of it for the unobserved time: it is sent again only as resolved, or when it fires again.
            for key in groups.keys { groups[key]!.alerts[fingerprint] = nil }
        }
        groups = groups.filter { !$0.value.alerts.isEmpty }
        for fingerprint in current.keys.sorted() {
            var alert = NotifiedAlert(firing: current[fingerprint]!, fingerprint: fingerprint)
            // Receivers know it from when it started firing, which may be before the refilled windows.
            if let known = restored[fingerprint] ?? firing[fingerprint], known.startsAt < alert.startsAt {
                alert.startsAt = known.startsAt
            }
            firing[fingerprint] = alert
            restored[fingerprint] = nil
            place(alert, at: time)
        }
        guard !restored.isEmpty else { return }
        // The grace counts from the engine's time now, the first the restarted engine has seen.
        restoreDeadline = complete ? time : (time > Int64.max - restoreGrace ? Int64.max : time + restoreGrace)
        resolveRestored(by: time)
    }

    /// Takes one transition. Pending transitions and pending alerts that resolve are not alerts to receivers.
    /// Flushes due before the transition's time run first, so a group never sends an alert before it happened.
    public func receive(_ transition: AlertTransition) {
        advance(to: transition.time - 1)
        let status: NotifiedAlert.Status
        switch transition.state {
        case .firing: status = .firing
        case .resolved where transition.previous == .firing: status = .resolved
        default: return
        }
        var labels = Dictionary(transition.labels, uniquingKeysWith: { a, _ in a })
        labels["alertname"] = transition.rule
        let fingerprint = Self.fingerprint(rule: transition.rule, labels: transition.labels)
        let alert = NotifiedAlert(
            fingerprint: fingerprint, rule: transition.rule, status: status, labels: labels,
            annotations: Dictionary(transition.annotations, uniquingKeysWith: { a, _ in a }), value: transition.value,
            startsAt: status == .firing ? transition.time : (firing[fingerprint]?.startsAt ?? transition.activeSince),
            endsAt: status == .resolved ? transition.time : nil)
        if status == .firing { firing[fingerprint] = alert } else { firing[fingerprint] = nil }
        restored[fingerprint] = nil
        place(alert, at: transition.time)
    }

    /// Flushes every group whose timer is due at or before `time`.
    /// Flushes of one group an `advance` runs one by one before it skips to the end of a gap.
    static let maxFlushesPerGap: Int64 = 10_000

    public func advance(to time: Int64) {
        if !restored.isEmpty, time != .min { resolveRestored(by: time) }
        guard time >= nextFlush else { return }
        var soonest = Int64.max
        for key in groups.keys.sorted() {
            guard var group = groups[key] else { continue }
            // A gap of more intervals than that (days of silence in a replay, at a 1ms interval) is flushed once,
            // at its last interval: the flushes in between could only repeat the same alerts.
            let interval = group.route.groupIntervalMilliseconds
            if group.nextFlush <= time, (time - group.nextFlush) / interval > Self.maxFlushesPerGap {
                group.nextFlush += (time - group.nextFlush) / interval * interval
            }
            // Every due flush, in order: a repeat or a re-send falls on its interval even when time jumps.
            while group.nextFlush <= time, !group.alerts.isEmpty {
                flush(&group, at: group.nextFlush)
                group.nextFlush += group.route.groupIntervalMilliseconds
            }
            if group.alerts.isEmpty {
                groups[key] = nil
            } else {
                groups[key] = group
                soonest = min(soonest, group.nextFlush)
            }
        }
        nextFlush = soonest
    }

    /// After a reload: routes and receivers change; firing alerts, and resolved ones not yet handed on, are placed
    /// into the new tree's groups (waiting `group_wait` anew) and the notification log still dedupes them.
    ///
    /// `firingNow` is what the new graph has firing (of rules that notify). An alert firing before that is not
    /// among them — its rule was removed or changed, or its labels or severity changed — resolves now, so no
    /// receiver is left with an alert that never ends; one that shows up only now (under its new labels) fires.
    public func replace(policy: CompiledPolicy, at time: Int64, firingNow: [ActiveAlert]) {
        var waitingResolved: [String: NotifiedAlert] = [:]
        for group in groups.values {
            for (fingerprint, alert) in group.alerts where alert.status == .resolved { waitingResolved[fingerprint] = alert }
        }
        var current: [String: ActiveAlert] = [:]
        for alert in firingNow { current[Self.fingerprint(rule: alert.rule, labels: alert.labels)] = alert }
        for (fingerprint, alert) in firing where current[fingerprint] == nil {
            var ended = alert
            ended.status = .resolved
            ended.endsAt = time
            waitingResolved[fingerprint] = ended
            firing[fingerprint] = nil
        }
        for (fingerprint, alert) in current where firing[fingerprint] == nil {
            firing[fingerprint] = NotifiedAlert(firing: alert, fingerprint: fingerprint)
        }
        self.policy = policy
        router = RouteTree(policy: policy)
        configureReceivers()
        groups = [:]
        nextFlush = .max
        for key in firing.keys.sorted() { place(firing[key]!, at: time) }
        for key in waitingResolved.keys.sorted() { place(waitingResolved[key]!, at: time) }
    }

    /// Alerts firing now (for the API), by fingerprint.
    public var firingAlerts: [NotifiedAlert] { firing.keys.sorted().map { firing[$0]! } }

    // MARK: Internals

    private func configureReceivers() {
        receiverTypes = Dictionary(policy.receivers.map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        sendsResolved = Dictionary(
            policy.receivers.map { ($0.name, $0.sendResolved) },
            uniquingKeysWith: { a, _ in a })
    }

    private static func logKey(_ receiver: String, _ groupKey: String) -> String { receiver + "\u{0}" + groupKey }

    /// Resolves the restored alerts that have not fired again once their grace has passed by `time`.
    private func resolveRestored(by time: Int64) {
        let deadline = restoreDeadline ?? (time > Int64.max - restoreGrace ? Int64.max : time + restoreGrace)
        restoreDeadline = deadline
        guard time >= deadline else { return }
        for fingerprint in restored.keys.sorted() {
            var ended = restored[fingerprint]!
            ended.status = .resolved
            ended.endsAt = deadline
            place(ended, at: deadline)
        }
        restored = [:]
    }

    private func place(_ alert: NotifiedAlert, at time: Int64) {
        let labelPairs = alert.labels.filter { $0.key != "alertname" }.map { ($0.key, $0.value) }
        for route in router.matches(rule: alert.rule, labels: labelPairs) where !route.receiver.isEmpty {
            // A label the alert does not have is left out of its group's labels, as Alertmanager does (an empty
            // label is an absent one, so the groups are the same either way).
            let groupLabels = route.groupBy.map { names in
                Dictionary(
                    names.compactMap { name in name == "rule" ? (name, alert.rule) : alert.labels[name].map { (name, $0) } },
                    uniquingKeysWith: { a, _ in a })
            } ?? alert.labels
            let key = "\(route.path)/\(route.receiver)/" + Self.labelSetText(groupLabels)
            if groups[key] == nil {
                // A resolution for a group that no longer exists (already notified and cleaned up, or never
                // notified) still has to reach receivers that were told it fired.
                groups[key] = Group(key: key, route: route, labels: groupLabels, nextFlush: time + route.groupWaitMilliseconds)
            }
            groups[key]!.alerts[alert.fingerprint] = alert
            nextFlush = min(nextFlush, groups[key]!.nextFlush)
        }
    }

    private func flush(_ group: inout Group, at time: Int64) {
        var firingNow: [NotifiedAlert] = []
        var resolvedNow: [NotifiedAlert] = []
        for fingerprint in group.alerts.keys.sorted() {
            let alert = group.alerts[fingerprint]!
            if isMuted(alert, at: time) {
                alertsMuted += 1
                continue
            }
            if alert.status == .firing { firingNow.append(alert) } else { resolvedNow.append(alert) }
        }
        // Resolved alerts are handed on once, then leave the group.
        group.alerts = group.alerts.filter { $0.value.status == .firing }
        // Every alert muted: nothing goes on, and the notification log keeps what the receiver was last told (as
        // Alertmanager's pipeline stops after its mute stage), so an alert it was told fires is later told resolved,
        // and one unchanged when the mute ends is not sent again within the repeat interval.
        if firingNow.isEmpty && resolvedNow.isEmpty { return }

        let receiver = group.route.receiver
        let logKey = Self.logKey(receiver, group.key)
        let firingSet = Set(firingNow.map(\.fingerprint))
        let resolvedSet = Set(resolvedNow.map(\.fingerprint))
        let sendResolved = sendsResolved[receiver] ?? true
        let type = receiverTypes[receiver] ?? ""
        // Alertmanager dedupes by itself and expects firing alerts to be re-sent: every flush goes to it.
        let repeatInterval = type == "alertmanager" ? 0 : group.route.repeatIntervalMilliseconds
        guard Self.needsUpdate(log[logKey], firing: firingSet, resolved: resolvedSet, sendResolved: sendResolved, repeatInterval: repeatInterval, now: time)
        else { return }
        let entry = LogEntry(receiver: receiver, groupKey: group.key, sentAt: time, firing: firingSet, resolved: resolvedSet)
        log[logKey] = entry
        onLogUpdate(entry)
        let alerts = firingNow + (sendResolved ? resolvedNow : [])
        guard !alerts.isEmpty else { return }
        let id = StableHash.hex(
            "\(receiver)|\(group.key)|\(time)|\(firingSet.sorted().joined(separator: ","))|\(resolvedSet.sorted().joined(separator: ","))")
        notificationsSent += 1
        onNotification(
            AlertNotification(
                id: id, receiver: receiver, receiverType: type, groupKey: group.key, groupLabels: group.labels,
                status: firingNow.isEmpty ? .resolved : .firing, alerts: alerts, time: time))
    }

    /// Labels as Alertmanager writes a group key's label set: `{model="a\\"b",team="x"}`, values quoted and
    /// escaped, so two different label sets never read alike.
    static func labelSetText(_ labels: [String: String]) -> String {
        "{" + labels.keys.sorted().map { name in
            var value = ""
            for c in labels[name]!.unicodeScalars {
                switch c {
                case "\\": value += "\\\\"
                case "\"": value += "\\\""
                case "\n": value += "\\n"
                default: value.unicodeScalars.append(c)
                }
            }
            return "\(name)=\"\(value)\""
        }.joined(separator: ",") + "}"
    }

    /// Alertmanager's DedupStage decision.
    static func needsUpdate(
        _ entry: LogEntry?, firing: Set<String>, resolved: Set<String>, sendResolved: Bool, repeatInterval: Int64, now: Int64
    ) -> Bool {
        guard let entry else { return !firing.isEmpty }
        if !firing.isSubset(of: entry.firing) { return true }
        // All resolved: tell a receiver that was told they fired (also clears the log's firing set).
        if firing.isEmpty { return !entry.firing.isEmpty }
        if sendResolved, !resolved.isSubset(of: entry.resolved) { return true }
        return entry.sentAt <= now - repeatInterval
    }

    /// Silences and inhibition mute by labels, whether the alert fires or has resolved (as Alertmanager's do): a
    /// resolved alert whose inhibiting source still fires is not sent either.
    private func isMuted(_ alert: NotifiedAlert, at time: Int64) -> Bool {
        isSilenced(Self.matchableLabels(alert), time) || isInhibited(alert)
    }

    /// What silence and inhibition matchers see, as routes do: the alert's labels, `alertname` and `rule`.
    static func matchableLabels(_ alert: NotifiedAlert) -> [String: String] {
        var labels = alert.labels
        if labels["rule"] == nil { labels["rule"] = alert.rule }
        return labels
    }

    /// An alert matching an inhibit rule's target matchers is muted while a firing alert matches its source
    /// matchers with the same values of the `equal` labels (a missing label equals an empty one). An alert that
    /// matches both sides cannot be inhibited by alerts that also match both sides.
    private func isInhibited(_ target: NotifiedAlert) -> Bool {
        // Labels are read one by one (`matchableLabel`): every firing alert is a candidate source, and building
        // each one's `matchableLabels` copied its dictionary at every check.
        func holds(_ matcher: LabelMatcher, _ alert: NotifiedAlert) -> Bool {
            matcher.matches(Self.matchableLabel(matcher.name, of: alert))
        }
        for rule in policy.inhibitRules where rule.targetMatchers.allSatisfy({ holds($0, target) }) {
            let targetIsSource = rule.sourceMatchers.allSatisfy { holds($0, target) }
            for source in firing.values where source.fingerprint != target.fingerprint {
                guard rule.sourceMatchers.allSatisfy({ holds($0, source) }) else { continue }
                if targetIsSource, rule.targetMatchers.allSatisfy({ holds($0, source) }) { continue }
                if rule.equal.allSatisfy({ Self.matchableLabel($0, of: source) == Self.matchableLabel($0, of: target) }) {
                    return true
                }
            }
        }
        return false
    }

    /// Label `name` of `matchableLabels(alert)`, "" when it has none (as matchers read a missing label).
    static func matchableLabel(_ name: String, of alert: NotifiedAlert) -> String {
        alert.labels[name] ?? (name == "rule" ? alert.rule : "")
    }
}

extension NotifiedAlert {
    /// A firing alert as the engine has it now.
    init(firing alert: ActiveAlert, fingerprint: String) {
        var labels = Dictionary(alert.labels, uniquingKeysWith: { a, _ in a })
        labels["alertname"] = alert.rule
        self.init(
            fingerprint: fingerprint, rule: alert.rule, status: .firing, labels: labels,
            annotations: Dictionary(alert.annotations, uniquingKeysWith: { a, _ in a }), value: alert.value,
            startsAt: alert.activeSince, endsAt: nil)
    }
}
