public import SentinelCore
public import SentinelParse

/// Compiles rule and policy files into one `ConditionGraph`, reporting every error and warning.
public enum Compiler {
    /// The graph, or nil when any error was found; diagnostics in file order either way.
    public static func compile(rules: [RuleFileSyntax], policies: [PolicyFileSyntax]) -> (ConditionGraph?, [Diagnostic]) {
        let builder = GraphBuilder()
        let (actions, policy) = builder.compilePolicies(policies)
        builder.declare(rules)
        let compiledRules = builder.compileRules(rules, actions: actions, policiesGiven: !policies.isEmpty)
        builder.warnUnused()
        builder.warnUnreachableRoutes(rules: compiledRules, actions: actions.map(\.compiled))
        builder.warnDeadInhibitions(rules: compiledRules, actions: actions.map(\.compiled))
        builder.warnUnknownLabels(rules: compiledRules)
        // Duplicates dropped in order (a set's order changes from run to run), then sorted stably.
        var seen = Set<Diagnostic>()
        let diagnostics = builder.diagnostics.filter { seen.insert($0).inserted }.sortedByLocation()
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        var graph = builder.graph(rules: compiledRules, actions: actions.map(\.compiled), policy: policy)
        graph.disabledRules = rules.flatMap(\.rules).filter { !$0.enabled }.map(\.name.value)
        return (graph, diagnostics)
    }
}

extension Compiler {
    /// The policy of `policies` alone, as far as it could be read, whatever errors they hold (reported by
    /// `compile`): `lint` checks its receivers' settings (URLs, durations) even when a route or action is wrong.
    public static func policyAsRead(_ policies: [PolicyFileSyntax]) -> CompiledPolicy {
        GraphBuilder().compilePolicies(policies).1
    }
}

/// Mutable state of one compilation. Expr lowering lives in `GraphBuilder+Expressions.swift`.
final class GraphBuilder {
    var diagnostics: [Diagnostic] = []
    /// Actions and receivers declared with a mistake that was reported: references to them are not errors again.
    var unreadableActions: Set<String> = []
    var unreadableReceivers: Set<String> = []
    var nodes: [Node] = []
    var nodeIndex: [Node: Int] = [:]
    var nodeTypes: [ValueType] = []
    var fields: [[String]] = []
    var fieldIndex: [[String]: Int] = [:]
    var regexes: [String] = []
    var partitions: [Partition] = []
    var partitionIndex: [Partition: Int] = [:]
    var windows: [WindowNode] = []
    var windowIndex: [WindowNode: Int] = [:]
    var canonicalText: [Int: String] = [:]
    var loweringDepth = 0
    static let maxLoweringDepth = 1000
    /// Labels every alert gets from its rule, with where their values come from: no `labels:` entry or `group_by`
    /// label may set them, so what routes, silences and inhibition read is what the alert carries.
    static let ruleSetLabels = ["alertname": "its name", "rule": "its name", "severity": "its severity"]
    /// Nodes lowered for the current root expression, macro bodies counted at each use.
    var loweredNodes = 0
    /// Set once the current root expression is over a limit (reported once): lowering it stops.
    var loweringStopped = false

    var lists: [String: (syntax: ListSyntax, index: Int)] = [:]
    var compiledLists: [CompiledList] = []
    var macros: [String: MacroSyntax] = [:]
    var parsedMacros: [String: Expr?] = [:]
    var usedLists: Set<String> = []
    var usedMacros: Set<String> = []
    var usedActions: Set<String> = []
    /// The route tree and inhibit rules as written, for the checks against the rules' labels once rules are compiled.
    var routeSyntax: RouteSyntax?
    var inhibitSyntax: [InhibitRuleSyntax] = []

    struct DeclaredAction {
        var compiled: CompiledAction
        var range: SourceRange
    }

    func graph(rules: [CompiledRule], actions: [CompiledAction], policy: CompiledPolicy) -> ConditionGraph {
        var partitions = partitions
        for (i, window) in windows.enumerated() {
            partitions[window.partition].windows.append(i)
            var span = window.milliseconds
            if case .categories(_, let baseline) = window.source { span += baseline }
            partitions[window.partition].retentionMilliseconds = max(partitions[window.partition].retentionMilliseconds, span)
        }
        for (i, rule) in rules.enumerated() { partitions[rule.partition].rules.append(i) }
        for p in partitions.indices {
            let partition = partitions[p]
            partitions[p].identity = "\(Partition.text(of: partition.kinds))|\(partition.filter.map(canonical) ?? "")|"
                + partition.groupBy.map { fields[$0].joined(separator: ".") }.joined(separator: ",")
        }
        var windows = windows
        for w in windows.indices {
            let window = windows[w]
            windows[w].identity =
                "\(partitions[window.partition].identity)|\(canonical(source: window.source))|\(window.milliseconds)"
        }
        let needsID = rules.contains { rule in rule.actions.contains { actions[$0].type.runsOnMatch } }
        let idSlot = needsID ? slot(["id"]) : nil
        return ConditionGraph(
            fields: fields, nodes: nodes, lists: compiledLists, regexes: regexes, partitions: partitions,
            windows: windows, rules: rules, actions: actions, policy: policy, idSlot: idSlot)
    }

    // MARK: Declarations

    /// A list item written twice (W0114, at the second): harmless to matching, but in a long list of markers it is
    /// usually a copy meant to be another phrase.
    private func warnRepeatedItems(of list: ListSyntax) {
        var seen: [ListSyntax.Item: SourceRange] = [:]
        for item in list.items {
            if let first = seen[item.value] {
                diagnostics.append(
                    Diagnostic(
                        .repeatedListItem,
                        "list '\(list.name.value)' already holds this item (line \(first.start.line)); was another one meant?",
                        at: item.range))
            } else {
                seen[item.value] = item.range
            }
        }
    }

    /// Falco's nesting: a list item that is the name of another list stands for that list's items
    /// (`all_markers: [base_markers, "you are now dan"]`), at any depth; a cycle is an error (E0213, at the item
    /// that closes it).
    private func expandNestedLists() {
        var expanded: [String: [ListSyntax.Item]] = [:]
        func items(of name: String, chain: [String]) -> [ListSyntax.Item] {
            if let done = expanded[name] { return done }
            var result: [ListSyntax.Item] = []
            for item in lists[name]!.syntax.items {
                guard case .string(let other) = item.value, lists[other] != nil else {
                    // A name-like item close to a list's name is most likely that list misspelt, read as text.
                    if case .string(let text) = item.value, text.contains("_"), !text.contains(" "),
                        let near = Suggestion.closest(to: text, in: lists.keys.sorted())
                    {
                        diagnostics.append(
                            Diagnostic(
                                .listItemLooksLikeList,
                                "'\(text)' is no list, so it is matched as text (did you mean the list '\(near)'?)",
                                at: item.range))
                    }
                    result.append(item.value)
                    continue
                }
                if other == name || chain.contains(other) {
                    let cycle = ((chain + [name]).drop { $0 != other } + [other]).joined(separator: " -> ")
                    diagnostics.append(Diagnostic(.listCycle, "lists name each other in a cycle: \(cycle)", at: item.range))
                    continue
                }
                usedLists.insert(other)
                result += items(of: other, chain: chain + [name])
            }
            // Without repeats at every level: `l1: [l0, l0]`, `l2: [l1, l1]`, ... would double at each.
            var seen = Set<ListSyntax.Item>()
            result = result.filter { seen.insert($0).inserted }
            expanded[name] = result
            return result
        }
        for name in lists.keys.sorted() { compiledLists[lists[name]!.index].items = items(of: name, chain: []) }
    }

    /// Registers lists and macros of all files first, so rules may use names from any file.
    func declare(_ files: [RuleFileSyntax]) {
        for file in files {
            for list in file.lists {
                if let previous = lists[list.name.value] {
                    duplicate("list", list.name, previous: previous.syntax.name.range)
                    continue
                }
                lists[list.name.value] = (list, compiledLists.count)
                compiledLists.append(CompiledList(name: list.name.value, items: list.items.map(\.value)))
                warnRepeatedItems(of: list)
            }
            for macro in file.macros {
                if let previous = macros[macro.name.value] {
                    duplicate("macro", macro.name, previous: previous.name.range)
                    continue
                }
                checkMacroName(macro.name)
                macros[macro.name.value] = macro
            }
        }
        // After every file, so that a list declared in a later file is seen too, whatever order files come in.
        expandNestedLists()
        for (name, macro) in macros where lists[name] != nil {
            diagnostics.append(Diagnostic(.duplicateName, "macro '\(name)' has the name of a list", at: macro.name.range))
        }
        // Parse every macro once, so syntax errors are reported even for unused macros.
        for (name, macro) in macros {
            do {
                parsedMacros[name] = try Parser.parse(macro.condition.text)
            } catch {
                diagnostics.append(macro.condition.diagnostic(error, notes: [Diagnostic.Note("in macro '\(name)'")]))
                parsedMacros[name] = .some(nil)
            }
        }
    }

    /// A macro named like a keyword can never be used; one named like an event field would be read by `when:`
    /// where `group_by`, labels and templates read the field.
    private func checkMacroName(_ name: Located<String>) {
        if Token.Keyword(rawValue: name.value) != nil {
            diagnostics.append(
                Diagnostic(
                    .invalidName, "macro '\(name.value)' is a keyword of the rule language: a condition cannot name it",
                    at: name.range))
        } else if let owner = FieldCatalog.ownerOfTopLevelField(name.value) {
            diagnostics.append(
                Diagnostic(
                    .duplicateName,
                    "macro '\(name.value)' has the name of a field of \(owner): `when:` would read the macro where group_by, labels and templates read the field; rename the macro",
                    at: name.range))
        }
    }

    func duplicate(_ what: String, _ name: Located<String>, previous: SourceRange) {
        diagnostics.append(
            Diagnostic(
                .duplicateName, "\(what) '\(name.value)' is defined twice", at: name.range,
                notes: [Diagnostic.Note("first defined here", at: previous)]))
    }

    func warnUnused() {
        for (name, list) in lists where !usedLists.contains(name) {
            diagnostics.append(Diagnostic(.unusedList, "list '\(name)' is never used", at: list.syntax.name.range))
        }
        for (name, macro) in macros where !usedMacros.contains(name) {
            diagnostics.append(Diagnostic(.unusedMacro, "macro '\(name)' is never used", at: macro.name.range))
        }
    }

    // MARK: Rules

    /// `policiesGiven`: whether any policy file was compiled with the rules (an action none declares is then a
    /// misspelling, not a missing file).
    func compileRules(_ files: [RuleFileSyntax], actions: [DeclaredAction], policiesGiven: Bool) -> [CompiledRule] {
        var seen: [String: SourceRange] = [:]
        var compiled: [CompiledRule] = []
        let actionNames = actions.map(\.compiled.name)
        for rule in files.flatMap(\.rules) {
            // A duplicate is still compiled, so its own mistakes are reported too; it never enters the graph.
            let isDuplicate = seen[rule.name.value] != nil
            if let previous = seen[rule.name.value] {
                duplicate("rule", rule.name, previous: previous)
            } else {
                seen[rule.name.value] = rule.name.range
            }
            let actionIndices: [Int] = rule.actions.compactMap { action in
                usedActions.insert(action.value)
                if let i = actionNames.firstIndex(of: action.value) { return i }
                if unreadableActions.contains(action.value) { return nil }
                diagnostics.append(
                    Diagnostic(
                        .undefinedAction,
                        "rule '\(rule.name.value)' names action '\(action.value)', which no policy file declares"
                            + (!policiesGiven
                                ? " (no policy file was given: rules that name actions are read with the policy files that declare them)"
                                : Suggestion.didYouMean(action.value, in: actionNames)),
                        at: action.range))
                return nil
            }
            if let rule = compileRule(rule, actions: actionIndices), rule.enabled, !isDuplicate {
                compiled.append(rule.compiled)
            }
        }
        for action in actions where !usedActions.contains(action.compiled.name) {
            diagnostics.append(
                Diagnostic(.unusedAction, "action '\(action.compiled.name)' is not used by any rule", at: action.range))
        }
        return compiled
    }

    private func compileRule(_ rule: RuleSyntax, actions: [Int]) -> (compiled: CompiledRule, enabled: Bool)? {
        let name = rule.name.value
        let kinds = Array(Set(rule.on.map(\.value))).sorted()
        let errorsBefore = diagnostics.filter { $0.severity == .error }.count
        for kind in rule.on where !EventKind.produced.contains(kind.value) {
            // One edit at most: an application's own kinds (`completed`, `errored`) are often near Sentinel's.
            guard let near = Suggestion.closest(to: kind.value, in: EventKind.produced, maxDistance: 1) else { continue }
            diagnostics.append(
                Diagnostic(
                    .kindLooksMisspelt,
                    "'\(kind.value)' is no kind Sentinel's simulator or scraper writes, so only events an application posts reach this rule; did you mean '\(near)'?",
                    at: kind.range))
        }

        var filter: Int?
        if let source = rule.filter {
            filter = lowerRoot(source, role: "'where'", kinds: kinds, partition: nil, expect: .bool, rule: name)
        }
        var groupSlots: [Int] = []
        var groupLabels: [String] = []
        for key in rule.groupBy {
            guard let path = fieldPath(key.field) else { continue }
            if case .unknown(let suggestion) = FieldCatalog.lookup(path, kinds: kinds) {
                // A bare label name (`model_name` on metrics) is read under the free-form object (`labels.`).
                let freeForm = path.count == 1 ? FieldCatalog.freeFormReading(path[0], kinds: kinds) : nil
                let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? freeForm.map { " (\($0))" } ?? ""
                diagnostics.append(
                    Diagnostic(
                        .unknownField, "\(FieldCatalog.describe(kinds)) events have no field '\(key.field.value)'\(hint)",
                        at: key.field.range))
            }
            if groupLabels.contains(key.label) {
                diagnostics.append(Diagnostic(.duplicateName, "group_by label '\(key.label)' appears twice", at: key.labelRange))
            } else if let source = Self.ruleSetLabels[key.label] {
                diagnostics.append(
                    Diagnostic(
                        .duplicateName,
                        "label '\(key.label)' is set by the rule itself (\(source)); give this group_by entry another label with 'as:'",
                        at: key.labelRange))
            }
            groupSlots.append(slot(path))
            groupLabels.append(key.label)
        }
        let partition = internPartition(Partition(kinds: kinds, filter: filter, groupBy: groupSlots))
        // Everything is checked even when the condition does not compile, so one lint run reports it all.
        let condition = lowerRoot(
            rule.condition, role: "'when'", kinds: kinds, partition: partition, expect: .bool, rule: name)
        var value: Int?
        if let source = rule.value {
            value = lowerRoot(source, role: "'value'", kinds: kinds, partition: partition, expect: .number, rule: name)
        } else if let condition {
            value = firstComparedValue(condition)
        }

        var evidence: Int?
        if let source = rule.evidence {
            evidence = lowerRoot(source, role: "'evidence'", kinds: kinds, partition: partition, expect: .bool, rule: name)
        }
        checkHistogramSelection(
            rule, filter: filter, groupSlots: groupSlots, roots: [condition, value, evidence].compactMap { $0 })
        if let every = rule.every {
            warnEventFieldsAtTicks(rule: name, every: every, roots: [condition, rule.value == nil ? nil : value].compactMap { $0 })
        }

        var severity = Severity.warning
        if let written = rule.severity {
            if let s = Severity(rawValue: written.value) {
                severity = s
            } else {
                diagnostics.append(
                    Diagnostic(
                        .invalidValue,
                        "severity '\(written.value)' is not one of info, warning, critical\(Suggestion.didYouMean(written.value, in: Severity.allCases.map(\.rawValue)))",
                        at: written.range))
            }
        }
        var labels: [(String, String)] = []
        for (key, value) in rule.labels {
            if let source = Self.ruleSetLabels[key.value] ?? (groupLabels.contains(key.value) ? "a group_by label" : nil) {
                diagnostics.append(Diagnostic(.duplicateName, "label '\(key.value)' is set by the rule itself (\(source))", at: key.range))
            }
            labels.append((key.value, value.value))
        }
        let placeholders = ["value", "rule", "severity"] + groupLabels + labels.map(\.0)
        let annotations = rule.annotations.compactMap { key, value -> (String, Template)? in
            guard let template = parseTemplate(value, allowed: placeholders) else { return nil }
            return (key.value, template)
        }
        for (label, value) in rule.labels where value.value.contains("{{") {
            diagnostics.append(
                Diagnostic(.badTemplate, "label '\(label.value)' must be a fixed string; put templates in annotations", at: value.range))
        }
        guard let condition, diagnostics.filter({ $0.severity == .error }).count == errorsBefore else { return nil }

        let forMs = rule.forDuration?.value ?? 0
        let keepMs = rule.keepFiringFor?.value ?? 0
        var fingerprint = "\(Partition.text(of: kinds))|\(filter.map(canonical) ?? "")|\(groupSlots.map { fields[$0].joined(separator: ".") })"
        fingerprint += "|\(groupLabels)|\(canonical(condition))|\(value.map(canonical) ?? "")|\(rule.every?.value ?? 0)|\(forMs)|\(keepMs)"
        let compiled = CompiledRule(
            name: name, description: rule.description ?? "", partition: partition, condition: condition, value: value,
            evidence: evidence, groupLabels: groupLabels, everyMilliseconds: rule.every?.value, forMilliseconds: forMs,
            keepFiringForMilliseconds: keepMs, severity: severity, labels: labels.sorted { $0.0 < $1.0 },
            annotations: annotations, actions: actions, fingerprint: fingerprint, range: rule.range)
        return (compiled, rule.enabled)
    }

    /// A tick-evaluated rule runs with no current event: a field it reads outside a window function (`latency_ms
    /// > 1000`, its own `group_by` field, `zscore`'s current value) has no value there, so the condition never
    /// holds, or always does under `not` (W0116, at `every`).
    private func warnEventFieldsAtTicks(rule: String, every: Located<Int64>, roots: [Int]) {
        var paths: [String] = []
        var seen = Set<Int>()
        // Operands left to right, so fields are named in the order written.
        var pending = Array(roots.reversed())
        while let n = pending.popLast() {
            guard seen.insert(n).inserted else { continue }
            if case .field(let slot) = nodes[n] {
                let path = fields[slot].joined(separator: ".")
                if !paths.contains(path) { paths.append(path) }
            }
            pending += nodes[n].operands.reversed()
        }
        guard !paths.isEmpty else { return }
        let named = paths.map { "'\($0)'" }.joined(separator: ", ")
        diagnostics.append(
            Diagnostic(
                .tickRuleReadsEvent,
                "rule '\(rule)' is evaluated on ticks (every: \(DurationLiteral.format(milliseconds: every.value))) with no "
                    + "current event, where \(named) outside a window function has no value; read events through "
                    + "window functions (count(cond, 5m), max(x, 5m)), filter groups with 'where', or drop 'every'",
                at: every.range))
    }

    private func internPartition(_ partition: Partition) -> Int {
        if let i = partitionIndex[partition] { return i }
        partitions.append(partition)
        partitionIndex[partition] = partitions.count - 1
        return partitions.count - 1
    }

    /// The left operand of the first comparison, in reading order: what "the value" of a condition means.
    private func firstComparedValue(_ node: Int) -> Int? {
        switch nodes[node] {
        case .compare(_, let left, _): return left
        case .and(let a, let b), .or(let a, let b): return firstComparedValue(a) ?? firstComparedValue(b)
        case .not(let a): return firstComparedValue(a)
        default: return nil
        }
    }

    func fieldPath(_ text: Located<String>) -> [String]? {
        do {
            let expression = try Parser.parse(text.value)
            if case .path(let segments) = expression.kind { return segments }
        } catch {}
        diagnostics.append(Diagnostic(.invalidValue, "'\(text.value)' is not a field path", at: text.range))
        return nil
    }

    /// The placeholder a Prometheus or Alertmanager template name is written as here: `$value` and `.Value` are
    /// `value`, `$labels.model` and `.Labels.model` are `model`.
    static func sentinelPlaceholder(forPrometheus name: String) -> String? {
        if name == "$value" || name == ".Value" { return "value" }
        for prefix in ["$labels.", ".Labels.", "$externalLabels."] where name.hasPrefix(prefix) {
            return String(name.dropFirst(prefix.count))
        }
        return nil
    }

    /// Splits a template into text and placeholders; errors point at the placeholder in the file.
    private func parseTemplate(_ source: ExpressionSource, allowed: [String]) -> Template? {
        var parts: [Template.Part] = []
        // Unicode scalars, the unit of ExpressionSource offsets.
        let scalars = Array(source.text.unicodeScalars)
        /// Where the next `{{` (or `}}`) starts, from `i` on.
        func pair(_ c: Unicode.Scalar, from i: Int) -> Int? {
            var j = i
            while j + 1 < scalars.count {
                if scalars[j] == c, scalars[j + 1] == c { return j }
                j += 1
            }
            return nil
        }
        func string(_ range: Range<Int>) -> String {
            var text = ""
            text.unicodeScalars.append(contentsOf: scalars[range])
            return text
        }
        var rest = 0
        var valid = true
        while let open = pair("{", from: rest) {
            if open > rest { parts.append(.text(string(rest..<open))) }
            guard let close = pair("}", from: open + 2) else {
                diagnostics.append(
                    Diagnostic(.badTemplate, "unclosed '{{' in template", at: source.range(from: open, to: open + 2)))
                return nil
            }
            var a = open + 2
            var b = close
            while a < b, scalars[a] == " " || scalars[a] == "\t" { a += 1 }
            while b > a, scalars[b - 1] == " " || scalars[b - 1] == "\t" { b -= 1 }
            let name = string(a..<b)
            if !allowed.contains(name) {
                let message: String
                let bar = name.firstIndex(of: "|")
                var base = bar.map { String(name[..<$0]) } ?? name
                while base.last == " " || base.last == "\t" { base.removeLast() }
                let translated = Self.sentinelPlaceholder(forPrometheus: base)
                let written = translated ?? base
                let needsLabel = allowed.contains(written) ? "" : ", and '\(written)' must be a label of this rule (group_by or labels)"
                if bar != nil, Lexer.isIdentifier(written) {
                    message = "template uses '\(name)': placeholders take no pipes or functions; write {{ \(written) }}\(needsLabel)"
                } else if bar != nil || base.contains(" ") {
                    message = "template uses '\(name)': placeholders take no pipes or functions, only a name: value, rule, severity or a label of this rule"
                } else if let translated {
                    message = "template uses '\(name)', a Prometheus template name: Sentinel writes it {{ \(translated) }}\(needsLabel)"
                } else {
                    let what = name.isEmpty ? "an empty placeholder" : "'\(name)'"
                    message = "template uses \(what), which is not value, rule, severity or a label of this rule"
                        + Suggestion.didYouMean(name, in: allowed)
                }
                let range = name.isEmpty ? source.range(from: open, to: close + 2) : source.range(from: a, to: b)
                diagnostics.append(Diagnostic(.badTemplate, message, at: range))
                valid = false
            }
            parts.append(.placeholder(name))
            rest = close + 2
        }
        if rest < scalars.count { parts.append(.text(string(rest..<scalars.count))) }
        return valid ? Template(parts: parts) : nil
    }
}

