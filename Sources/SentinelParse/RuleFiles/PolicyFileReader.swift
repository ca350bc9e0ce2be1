public import SentinelCore

/// Reads policy files into `PolicyFileSyntax`, collecting every diagnostic.
public enum PolicyFileReader {
    public static let topLevelKeys = ["settings", "actions", "receivers", "route", "inhibit_rules"]
    public static let settingsKeys = ["evaluation_interval", "allowed_lateness", "max_groups_per_rule", "max_window_samples"]
    public static let actionTypes = ["notify", "capture_dpo", "trace"]
    public static let actionKeys: [String: [String]] = [
        "notify": ["type"],
        "capture_dpo": ["type", "safety_instruction", "max_attempts", "sample"],
        "trace": [
            "type", "backend", "index", "url", "min_span_length", "max_span_count", "max_documents_per_span",
            "max_frequency", "max_span_density", "timeout",
        ],
    ]
    public static let receiverTypes = ["log", "webhook", "alertmanager", "store"]
    public static let receiverKeys: [String: [String]] = [
        "log": ["name", "type", "send_resolved"],
        "webhook": [
            "name", "type", "url", "timeout", "max_attempts", "max_retries", "backoff", "max_backoff", "bearer_token_env",
            "send_resolved",
        ],
        "alertmanager": [
            "name", "type", "url", "timeout", "max_attempts", "max_retries", "backoff", "max_backoff", "bearer_token_env",
            "resolve_after",
        ],
        "store": ["name", "type"],
    ]
    public static let routeKeys = [
        "receiver", "matchers", "group_by", "group_wait", "group_interval", "repeat_interval", "continue", "routes",
    ]

    public static func read(path: String) -> (PolicyFileSyntax, [Diagnostic]) {
        let loaded = YAMLLoader.load(path: path)
        return read(documents: loaded.documents, file: path, diagnostics: loaded.diagnostics)
    }

    public static func read(text: String, file: String) -> (PolicyFileSyntax, [Diagnostic]) {
        let loaded = YAMLLoader.load(text: text, file: file)
        return read(documents: loaded.documents, file: file, diagnostics: loaded.diagnostics)
    }

    /// Reads a file that is already loaded (lint classifies files by their keys first).
    public static func read(loaded: YAMLLoader.Result, file: String) -> (PolicyFileSyntax, [Diagnostic]) {
        read(documents: loaded.documents, file: file, diagnostics: loaded.diagnostics)
    }

    private static func read(documents: [YAMLNode], file: String, diagnostics: [Diagnostic])
        -> (PolicyFileSyntax, [Diagnostic])
    {
        var diagnostics = diagnostics
        var syntax = PolicyFileSyntax(file: file)
        guard let document = RuleFileReader.singleDocument(documents, file: file, &diagnostics),
            let top = MappingReader(document, context: "a policy file", diagnostics: &diagnostics)
        else { return (syntax, diagnostics) }
        top.rejectUnknownKeys(topLevelKeys, diagnostics: &diagnostics)
        if let node = top["settings"] {
            syntax.settings = readSettings(node, &diagnostics)
            syntax.settings.range = top.keyRange("settings")
        }
        if let node = top["actions"] {
            syntax.actions = readActions(node, unreadable: &syntax.unreadableActions, &diagnostics)
        }
        if let node = top["receivers"], let items = NodeValue.sequence(node, "'receivers'", &diagnostics) {
            syntax.receivers = items.compactMap { readReceiver($0, unreadable: &syntax.unreadableReceivers, &diagnostics) }
        }
        if let node = top["route"] { syntax.route = readRoute(node, &diagnostics) }
        if let node = top["inhibit_rules"], let items = NodeValue.sequence(node, "'inhibit_rules'", &diagnostics) {
            syntax.inhibitRules = items.compactMap { readInhibitRule($0, &diagnostics) }
        }
        return (syntax, diagnostics)
    }

    private static func readSettings(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> SettingsSyntax {
        var settings = SettingsSyntax()
        guard let map = MappingReader(node, context: "'settings'", diagnostics: &diagnostics) else { return settings }
        map.rejectUnknownKeys(settingsKeys, diagnostics: &diagnostics)
        if let n = map["evaluation_interval"] {
            settings.evaluationInterval = NodeValue.duration(n, "'evaluation_interval'", &diagnostics)
            if let v = settings.evaluationInterval, v.value < 1000 {
                diagnostics.append(Diagnostic(.invalidValue, "'evaluation_interval' must be at least 1s", at: v.range))
                settings.evaluationInterval = nil
            }
        }
        if let n = map["allowed_lateness"] { settings.allowedLateness = NodeValue.duration(n, "'allowed_lateness'", &diagnostics) }
        if let n = map["max_groups_per_rule"] {
            settings.maxGroupsPerRule = NodeValue.integer(n, "'max_groups_per_rule'", min: 1, &diagnostics)
        }
        if let n = map["max_window_samples"] {
            settings.maxWindowSamples = NodeValue.integer(n, "'max_window_samples'", min: 1, &diagnostics)
        }
        return settings
    }

    /// The actions declared in `node`; the names of those with a mistake go to `unreadable`.
    private static func readActions(
        _ node: YAMLNode, unreadable: inout Set<String>, _ diagnostics: inout [Diagnostic]
    ) -> [ActionSyntax] {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.append(Diagnostic(.wrongType, "'actions' must map action names to settings", at: node.range))
            return []
        }
        return pairs.compactMap { pair in
            guard let name = NodeValue.string(pair.key, "an action name", &diagnostics),
                let map = MappingReader(pair.value, context: "action '\(name.value)'", diagnostics: &diagnostics)
            else { return nil }
            RuleFileReader.checkName(name, "action", &diagnostics)
            let type: Located<String>
            if let typeNode = map["type"] {
                guard let t = NodeValue.string(typeNode, "'type'", &diagnostics) else {
                    unreadable.insert(name.value)
                    return nil
                }
                type = t
            } else if actionTypes.contains(name.value) {
                type = Located(name.value, at: name.range)
            } else {
                diagnostics.append(
                    Diagnostic(.missingKey, "action '\(name.value)' has no 'type' (one of \(actionTypes.joined(separator: ", ")))", at: name.range))
                unreadable.insert(name.value)
                return nil
            }
            guard let keys = knownKeys(of: type, in: actionKeys, types: actionTypes, what: "action", &diagnostics) else {
                unreadable.insert(name.value)
                return nil
            }
            map.rejectUnknownKeys(keys, diagnostics: &diagnostics)
            for key in map.keys where keys.contains(key) { checkActionSetting(key, map[key]!, &diagnostics) }
            if type.value == "trace", map["index"]?.scalarText?.allSatisfy(\.isWhitespace) ?? true {
                // Else every trace would fail when it runs.
                diagnostics.append(
                    Diagnostic(
                        .missingKey,
                        "trace action '\(name.value)' has no 'index' (a folder built by `sentinel index build`, or with backend: infini_gram the API's index name)",
                        at: name.range))
            }
            return ActionSyntax(name: name, type: type, settings: settings(of: map, excluding: ["type"]))
        }
    }

    /// Checks an action setting's value as `schemas/policy.schema.json` states it, so a value the action could not
    /// use is an error here rather than a setting silently ignored when the action runs.
    private static func checkActionSetting(_ key: String, _ node: YAMLNode, _ diagnostics: inout [Diagnostic]) {
        let what = "'\(key)'"
        switch key {
        case "max_attempts", "min_span_length", "max_span_count", "max_documents_per_span", "max_frequency":
            _ = NodeValue.integer(node, what, min: 1, &diagnostics)
        case "max_span_density":
            if let v = NodeValue.number(node, what, &diagnostics), v.value <= 0 {
                diagnostics.append(Diagnostic(.invalidValue, "\(what) must be over 0", at: node.range))
            }
        case "sample":
            if let v = NodeValue.number(node, what, &diagnostics), !(0...1).contains(v.value) {
                diagnostics.append(Diagnostic(.invalidValue, "\(what) must be a fraction from 0 to 1", at: node.range))
            }
        case "timeout":
            _ = NodeValue.positiveDuration(node, what, &diagnostics)
        case "backend":
            if let v = NodeValue.string(node, what, &diagnostics), !["local", "infini_gram"].contains(v.value) {
                diagnostics.append(
                    Diagnostic(.invalidValue, "trace backend '\(v.value)' is not local or infini_gram", at: node.range))
            }
        default:
            _ = NodeValue.string(node, what, &diagnostics)
        }
    }

    /// A receiver; when it has a name but a mistake, nil with the name in `unreadable`.
    private static func readReceiver(
        _ node: YAMLNode, unreadable: inout Set<String>, _ diagnostics: inout [Diagnostic]
    ) -> ReceiverSyntax? {
        guard var map = MappingReader(node, context: "a receiver", diagnostics: &diagnostics),
            let nameNode = map.required("name", diagnostics: &diagnostics),
            let name = NodeValue.string(nameNode, "'name'", &diagnostics)
        else { return nil }
        map.foreign = ForeignKeys.receiver
        if map["type"] == nil, map.keys.contains(where: { ForeignKeys.receiver($0) != nil }) {
            // Alertmanager's form (`webhook_configs: [...]`): its keys say what to write; no type is a consequence.
            map.context = "receiver '\(name.value)'"
            map.rejectUnknownKeys(["name"], diagnostics: &diagnostics)
            unreadable.insert(name.value)
            return nil
        }
        guard let typeNode = map.required("type", diagnostics: &diagnostics),
            let type = NodeValue.string(typeNode, "'type'", &diagnostics),
            let keys = knownKeys(of: type, in: receiverKeys, types: receiverTypes, what: "receiver", &diagnostics)
        else {
            unreadable.insert(name.value)
            return nil
        }
        map.rejectUnknownKeys(keys, diagnostics: &diagnostics)
        let sendResolved = map["send_resolved"].flatMap { NodeValue.bool($0, "'send_resolved'", &diagnostics) }
        if ["webhook", "alertmanager"].contains(type.value), map["url"] == nil {
            diagnostics.append(Diagnostic(.missingKey, "\(type.value) receiver '\(name.value)' has no 'url'", at: node.range))
        }
        if let url = map["url"] { _ = NodeValue.string(url, "'url'", &diagnostics) }
        return ReceiverSyntax(
            name: name, type: type, settings: settings(of: map, excluding: ["name", "type", "send_resolved"]),
            sendResolved: sendResolved)
    }

    /// A route's `group_by`: label names, each once, or `['...']` alone (every label), as Alertmanager requires.
    private static func checkGroupBy(_ names: [Located<String>], _ diagnostics: inout [Diagnostic]) {
        var seen: Set<String> = []
        for name in names {
            if name.value == "...", names.count > 1 {
                diagnostics.append(
                    Diagnostic(.invalidValue, "'...' in 'group_by' groups by every label and must stand alone", at: name.range))
            } else if name.value != "...", !LabelName.isValid(name.value) {
                LabelName.check(name, &diagnostics)
            } else if !seen.insert(name.value).inserted {
                diagnostics.append(Diagnostic(.duplicateName, "'group_by' names '\(name.value)' twice", at: name.range))
            }
        }
    }

    /// The keys a `type` allows, or nil with a diagnostic naming the types there are.
    private static func knownKeys(
        of type: Located<String>, in keysByType: [String: [String]], types: [String], what: String,
        _ diagnostics: inout [Diagnostic]
    ) -> [String]? {
        if let keys = keysByType[type.value] { return keys }
        diagnostics.append(
            Diagnostic(
                .invalidValue,
                "unknown \(what) type '\(type.value)'\(Suggestion.didYouMean(type.value, in: types)); expected one of \(types.joined(separator: ", "))",
                at: type.range))
        return nil
    }

    private static func settings(of map: MappingReader, excluding: [String]) -> [(key: Located<String>, value: YAMLNode)] {
        map.keys.filter { !excluding.contains($0) }.map { key in
            (Located(key, at: map.keyRange(key)!), map[key]!)
        }
    }

    private static func readRoute(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> RouteSyntax? {
        guard let map = MappingReader(node, context: "a route", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(routeKeys, diagnostics: &diagnostics)
        var route = RouteSyntax(range: node.range)
        if let n = map["receiver"] { route.receiver = NodeValue.string(n, "'receiver'", &diagnostics) }
        if let n = map["matchers"] {
            route.matchers = readMatchers(n, "'matchers'", &diagnostics) ?? []
        }
        // `group_by: ~` is unset, as in Alertmanager: inherited.
        if let n = map["group_by"], !n.isNull {
            route.groupBy = NodeValue.stringList(n, "'group_by'", &diagnostics)
            checkGroupBy(route.groupBy ?? [], &diagnostics)
        }
        if let n = map["group_wait"] { route.groupWait = NodeValue.duration(n, "'group_wait'", &diagnostics) }
        if let n = map["group_interval"] { route.groupInterval = NodeValue.positiveDuration(n, "'group_interval'", &diagnostics) }
        if let n = map["repeat_interval"] { route.repeatInterval = NodeValue.positiveDuration(n, "'repeat_interval'", &diagnostics) }
        if let n = map["continue"] { route.continue = NodeValue.bool(n, "'continue'", &diagnostics)?.value ?? false }
        if let n = map["routes"], let items = NodeValue.sequence(n, "'routes'", &diagnostics) {
            route.routes = items.compactMap { readRoute($0, &diagnostics) }
        }
        return route
    }


    private static func readInhibitRule(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> InhibitRuleSyntax? {
        guard let map = MappingReader(node, context: "an inhibit rule", diagnostics: &diagnostics) else { return nil }
        map.rejectUnknownKeys(["source_matchers", "target_matchers", "equal"], diagnostics: &diagnostics)
        let source = map.required("source_matchers", diagnostics: &diagnostics).flatMap {
            readMatchers($0, "'source_matchers'", &diagnostics)
        }
        let target = map.required("target_matchers", diagnostics: &diagnostics).flatMap {
            readMatchers($0, "'target_matchers'", &diagnostics)
        }
        let equal = map["equal"].flatMap { NodeValue.stringList($0, "'equal'", &diagnostics) } ?? []
        for name in equal { LabelName.check(name, &diagnostics) }
        guard let source, let target else { return nil }
        return InhibitRuleSyntax(sourceMatchers: source, targetMatchers: target, equal: equal, range: node.range)
    }

    /// A list of matcher strings, each checked; a mistake inside one is reported where it is in the file.
    private static func readMatchers(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> [Located<String>]? {
        guard let items = NodeValue.sequence(node, what, &diagnostics) else { return nil }
        return items.compactMap { item -> Located<String>? in
            guard let matcher = NodeValue.string(item, "each item of \(what)", &diagnostics) else { return nil }
            do throws(LabelMatcher.SyntaxError) {
                let parsed = try LabelMatcher(parsing: matcher.value)
                if let problem = parsed.patternProblem {
                    diagnostics.append(Diagnostic(.invalidRegex, problem, at: matcher.range))
                } else if parsed.operation == .matchesRegex || parsed.operation == .notMatchesRegex,
                    RegexCheck.mayBacktrack(parsed.value)
                {
                    diagnostics.append(Diagnostic(.backtrackingRegex, RegexCheck.backtrackingWarning(parsed.value), at: matcher.range))
                }
            } catch {
                var at = matcher.range
                if case .scalar(let scalar) = item.content, let location = scalar.location(ofValueOffset: error.offset) {
                    at = SourceRange(start: location, end: matcher.range.end)
                }
                diagnostics.append(Diagnostic(.invalidValue, "invalid matcher '\(matcher.value)': \(error.message)", at: at))
            }
            return matcher
        }
    }
}
