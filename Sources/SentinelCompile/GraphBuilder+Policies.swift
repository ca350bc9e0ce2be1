import SentinelCore
import SentinelParse

/// Merging policy files: settings, actions, receivers, the route tree and inhibitions, with reference checks.
extension GraphBuilder {
    func compilePolicies(_ files: [PolicyFileSyntax]) -> ([DeclaredAction], CompiledPolicy) {
        var policy = CompiledPolicy()
        var actions: [DeclaredAction] = []
        var receivers: [String: SourceRange] = [:]
        var routeRange: SourceRange?
        var routeSyntax: RouteSyntax?
        var settingsRange: SourceRange?
        for file in files {
            unreadableActions.formUnion(file.unreadableActions)
            unreadableReceivers.formUnion(file.unreadableReceivers)
            if let range = file.settings.range {
                if let settingsRange {
                    diagnostics.append(
                        Diagnostic(
                            .duplicateName, "only one policy file may define 'settings'", at: range,
                            notes: [Diagnostic.Note("first settings defined here", at: settingsRange)]))
                } else {
                    settingsRange = range
                    apply(file.settings, to: &policy)
                }
            }
            for action in file.actions {
                if let previous = actions.first(where: { $0.compiled.name == action.name.value }) {
                    duplicate("action", action.name, previous: previous.range)
                    continue
                }
                let settings = Self.scalarSettings(action.settings)
                let type = ActionType(rawValue: action.type.value)!
                actions.append(DeclaredAction(compiled: CompiledAction(name: action.name.value, type: type, settings: settings), range: action.name.range))
            }
            for receiver in file.receivers {
                if let previous = receivers[receiver.name.value] {
                    duplicate("receiver", receiver.name, previous: previous)
                    continue
                }
                receivers[receiver.name.value] = receiver.name.range
                let settings = Self.scalarSettings(receiver.settings)
                policy.receivers.append(
                    CompiledReceiver(
                        name: receiver.name.value, type: receiver.type.value, settings: settings,
                        sendResolved: receiver.sendResolved?.value ?? true, range: receiver.name.range,
                        settingRanges: Dictionary(receiver.settings.map { ($0.key.value, $0.value.range) }, uniquingKeysWith: { a, _ in a })))
            }
            if let route = file.route {
                if let routeRange {
                    diagnostics.append(
                        Diagnostic(
                            .duplicateName, "only one policy file may define 'route'", at: route.range,
                            notes: [Diagnostic.Note("first route defined here", at: routeRange)]))
                } else {
                    routeRange = route.range
                    routeSyntax = route
                }
            }
            inhibitSyntax += file.inhibitRules
            policy.inhibitRules += file.inhibitRules.map { rule in
                CompiledInhibitRule(
                    sourceMatchers: rule.sourceMatchers.compactMap { try? LabelMatcher(parsing: $0.value) },
                    targetMatchers: rule.targetMatchers.compactMap { try? LabelMatcher(parsing: $0.value) },
                    equal: rule.equal.map(\.value))
            }
        }
        var used: Set<String> = []
        if let routeSyntax {
            if routeSyntax.receiver == nil {
                diagnostics.append(Diagnostic(.missingKey, "the root route has no 'receiver'", at: routeSyntax.range))
            }
            if !routeSyntax.matchers.isEmpty {
                diagnostics.append(
                    Diagnostic(.invalidValue, "the root route must match every alert: remove its 'matchers'", at: routeSyntax.range))
            }
            policy.route = compileRoute(routeSyntax, receivers: receivers, used: &used)
            self.routeSyntax = routeSyntax
        }
        for (name, range) in receivers where !used.contains(name) {
            diagnostics.append(Diagnostic(.unusedReceiver, "receiver '\(name)' is not used by any route", at: range))
        }
        return (actions, policy)
    }

    private func apply(_ settings: SettingsSyntax, to policy: inout CompiledPolicy) {
        if let v = settings.evaluationInterval { policy.evaluationIntervalMilliseconds = v.value }
        if let v = settings.allowedLateness { policy.allowedLatenessMilliseconds = v.value }
        if let v = settings.maxGroupsPerRule { policy.maxGroupsPerRule = v.value }
        if let v = settings.maxWindowSamples { policy.maxWindowSamples = v.value }
    }

    /// Type-specific settings written as scalars, for the stage that runs the action or receiver.
    private static func scalarSettings(_ settings: [(key: Located<String>, value: YAMLNode)]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in settings {
            if case .scalar(let s) = value.content { result[key.value] = s.value }
        }
        return result
    }

    private func compileRoute(_ route: RouteSyntax, receivers: [String: SourceRange], used: inout Set<String>) -> CompiledRoute {
        if let receiver = route.receiver {
            used.insert(receiver.value)
            if receivers[receiver.value] == nil, !unreadableReceivers.contains(receiver.value) {
                diagnostics.append(
                    Diagnostic(
                        .undefinedReceiver,
                        "route names receiver '\(receiver.value)', which no policy file declares\(Suggestion.didYouMean(receiver.value, in: Array(receivers.keys)))",
                        at: receiver.range))
            }
        }
        return CompiledRoute(
            receiver: route.receiver?.value, matchers: route.matchers.compactMap { try? LabelMatcher(parsing: $0.value) },
            groupBy: route.groupBy?.map(\.value), groupWaitMilliseconds: route.groupWait?.value,
            groupIntervalMilliseconds: route.groupInterval?.value, repeatIntervalMilliseconds: route.repeatInterval?.value,
            continue: route.continue, routes: route.routes.map { compileRoute($0, receivers: receivers, used: &used) })
    }

    // MARK: Reachability

    /// Warns about routes no alert can reach: for every rule that notifies, its alert's labels are known
    /// (`alertname`, `rule`, `severity`, fixed labels), unknown (its `group_by` labels) or absent (read as "");
    /// a route is reached when its matchers can all hold for some rule, and no earlier sibling without `continue`
    /// certainly takes that rule's alerts first.
    func warnUnreachableRoutes(rules: [CompiledRule], actions: [CompiledAction]) {
        guard let root = routeSyntax else { return }
        let notifying = rules.filter { rule in rule.actions.contains { actions[$0].type == .notify } }
        guard !notifying.isEmpty else { return }
        var reached: Set<String> = []
        for rule in notifying {
            let (known, unknown) = Self.alertLabels(of: rule)
            markReached(root, path: "0", known: known, unknown: unknown, into: &reached)
        }
        reportUnreached(root, path: "0", reached: reached)
    }

    /// Warns about label names in routes' `group_by` and in inhibit rules that no rule's alerts carry: such a
    /// label reads as "" on every alert, so an inhibition's `equal` on it holds across all values and a matcher
    /// on it sees every alert alike (a misspelt `equal: [modle]` mutes every model's warnings).
    func warnUnknownLabels(rules: [CompiledRule]) {
        guard !rules.isEmpty else { return }
        var carried = Set(Self.ruleSetLabels.keys)
        for rule in rules {
            carried.formUnion(rule.labels.map(\.0))
            carried.formUnion(rule.groupLabels)
        }
        func check(_ name: Located<String>, _ role: String) {
            guard name.value != "...", LabelName.isValid(name.value), !carried.contains(name.value) else { return }
            diagnostics.append(
                Diagnostic(
                    .unknownLabel,
                    "\(role) names label '\(name.value)', which no rule's alerts carry: it is \"\" on every alert\(Suggestion.didYouMean(name.value, in: carried))",
                    at: name.range))
        }
        func checkRoute(_ route: RouteSyntax) {
            for name in route.groupBy ?? [] where name.value != "..." { check(name, "the route's 'group_by'") }
            route.routes.forEach(checkRoute)
        }
        if let routeSyntax { checkRoute(routeSyntax) }
        for rule in inhibitSyntax {
            for name in rule.equal { check(name, "the inhibit rule's 'equal'") }
            for (matchers, role) in [(rule.sourceMatchers, "source_matchers"), (rule.targetMatchers, "target_matchers")] {
                for matcher in matchers {
                    guard let parsed = try? LabelMatcher(parsing: matcher.value) else { continue }
                    check(Located(parsed.name, at: matcher.range), "a matcher of '\(role)'")
                }
            }
        }
    }

    /// Warns (W0108) about an inhibit rule whose source or target matchers no notifying rule's alerts can satisfy
    /// (`severity="warn"`, `alertname="Critical"` for a rule named `Crit`): it never mutes anything.
    func warnDeadInhibitions(rules: [CompiledRule], actions: [CompiledAction]) {
        let notifying = rules.filter { rule in rule.actions.contains { actions[$0].type == .notify } }
        guard !notifying.isEmpty else { return }
        let names = notifying.map(\.name)
        for inhibition in inhibitSyntax {
            for (matchers, role) in [(inhibition.sourceMatchers, "source_matchers"), (inhibition.targetMatchers, "target_matchers")] {
                let parsed = matchers.compactMap { try? LabelMatcher(parsing: $0.value) }
                guard !parsed.isEmpty, parsed.count == matchers.count else { continue }
                let reachable = notifying.contains { rule in
                    let (known, unknown) = Self.alertLabels(of: rule)
                    return !parsed.contains { outcome($0, known: known, unknown: unknown) == .fails }
                }
                guard !reachable else { continue }
                var hint = ""
                if let named = parsed.first(where: { ["alertname", "rule"].contains($0.name) && !names.contains($0.value) }) {
                    hint = Suggestion.didYouMean(named.value, in: names)
                } else if let severity = parsed.first(where: { $0.name == "severity" }),
                    !Severity.allCases.map(\.rawValue).contains(severity.value)
                {
                    // Three values far apart: a shortened one (`warn`, `crit`) is still plain.
                    let near = Suggestion.closest(to: severity.value, in: Severity.allCases.map(\.rawValue), maxDistance: 4)
                    hint = near.map { " (did you mean '\($0)'?)" } ?? ""
                }
                diagnostics.append(
                    Diagnostic(
                        .unreachableRoute,
                        "no notifying rule's alerts match these \(role), so this inhibit rule never mutes anything\(hint)",
                        at: matchers[0].range))
            }
        }
    }

    /// The labels a rule's alerts certainly have (its own, alertname, rule, severity) and those that vary by group.
    private static func alertLabels(of rule: CompiledRule) -> (known: [String: String], unknown: Set<String>) {
        var known = Dictionary(rule.labels, uniquingKeysWith: { a, _ in a })
        known["alertname"] = rule.name
        known["rule"] = rule.name
        known["severity"] = rule.severity.rawValue
        let unknown = Set(rule.groupLabels)
        for label in unknown { known[label] = nil }
        return (known, unknown)
    }

    /// What a matcher can say about an alert: certainly holds, certainly fails, or depends on a group label.
    private enum Outcome { case holds, fails, depends }

    private func outcome(_ matcher: LabelMatcher, known: [String: String], unknown: Set<String>) -> Outcome {
        if unknown.contains(matcher.name) { return .depends }
        return matcher.matches(known[matcher.name] ?? "") ? .holds : .fails
    }

    private func markReached(_ route: RouteSyntax, path: String, known: [String: String], unknown: Set<String>, into reached: inout Set<String>) {
        reached.insert(path)
        for (i, child) in route.routes.enumerated() {
            let outcomes = child.matchers.compactMap { try? LabelMatcher(parsing: $0.value) }.map { outcome($0, known: known, unknown: unknown) }
            if outcomes.contains(.fails) { continue }
            markReached(child, path: "\(path).\(i)", known: known, unknown: unknown, into: &reached)
            if !child.continue, outcomes.allSatisfy({ $0 == .holds }) { break }
        }
    }

    private func reportUnreached(_ route: RouteSyntax, path: String, reached: Set<String>) {
        for (i, child) in route.routes.enumerated() {
            let childPath = "\(path).\(i)"
            if reached.contains(childPath) {
                reportUnreached(child, path: childPath, reached: reached)
            } else {
                diagnostics.append(
                    Diagnostic(
                        .unreachableRoute,
                        "no alert can reach this route: no notifying rule has labels its matchers accept, or an earlier sibling without 'continue' takes them all",
                        at: child.range))
            }
        }
    }
}
