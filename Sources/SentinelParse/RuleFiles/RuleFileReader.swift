public import SentinelCore

/// Reads rule files (`lists`, `macros`, `rules`) from YAML into `RuleFileSyntax`, collecting every diagnostic.
public enum RuleFileReader {
    public static let topLevelKeys = ["lists", "macros", "rules"]
    public static let ruleKeys = [
        "name", "description", "on", "where", "when", "value", "evidence", "group_by", "every", "for", "keep_firing_for",
        "severity", "labels", "annotations", "actions", "enabled",
    ]

    /// Reads one file from disk.
    public static func read(path: String) -> (RuleFileSyntax, [Diagnostic]) {
        let loaded = YAMLLoader.load(path: path)
        return read(documents: loaded.documents, file: path, diagnostics: loaded.diagnostics)
    }

    /// Reads already-parsed text (tests, stdin).
    public static func read(text: String, file: String) -> (RuleFileSyntax, [Diagnostic]) {
        let loaded = YAMLLoader.load(text: text, file: file)
        return read(documents: loaded.documents, file: file, diagnostics: loaded.diagnostics)
    }

    /// Reads a file that is already loaded (lint classifies files by their keys first).
    public static func read(loaded: YAMLLoader.Result, file: String) -> (RuleFileSyntax, [Diagnostic]) {
        read(documents: loaded.documents, file: file, diagnostics: loaded.diagnostics)
    }

    private static func read(documents: [YAMLNode], file: String, diagnostics: [Diagnostic])
        -> (RuleFileSyntax, [Diagnostic])
    {
        var diagnostics = diagnostics
        var syntax = RuleFileSyntax(file: file)
        guard let document = singleDocument(documents, file: file, &diagnostics) else { return (syntax, diagnostics) }
        if case .sequence = document.content {
            diagnostics.append(
                Diagnostic(
                    .wrongType,
                    "a rule file must be a mapping of 'lists', 'macros' and 'rules' (a list of '- rule:', '- macro:' and "
                        + "'- list:' items is Falco's form: here rules go under 'rules:', macros under 'macros:' as "
                        + "name: expression, lists under 'lists:' as name: [items])",
                    at: document.range))
            return (syntax, diagnostics)
        }
        guard var top = MappingReader(document, context: "a rule file", diagnostics: &diagnostics) else {
            return (syntax, diagnostics)
        }
        top.foreign = { ForeignKeys.ruleFile[$0] }
        top.rejectUnknownKeys(topLevelKeys, diagnostics: &diagnostics)
        if let lists = top["lists"] { syntax.lists = readLists(lists, &diagnostics) }
        if let macros = top["macros"] { syntax.macros = readMacros(macros, &diagnostics) }
        if let rules = top["rules"], let items = NodeValue.sequence(rules, "'rules'", &diagnostics) {
            syntax.rules = items.enumerated().compactMap { readRule($1, index: $0 + 1, &diagnostics) }
        }
        return (syntax, diagnostics)
    }

    /// The one document of a file; empty files and extra documents are reported.
    public static func singleDocument(_ documents: [YAMLNode], file: String, _ diagnostics: inout [Diagnostic]) -> YAMLNode? {
        if documents.count > 1 {
            diagnostics.append(
                Diagnostic(.yamlSyntax, "a file holds one YAML document; found \(documents.count)", at: documents[1].range))
        }
        guard let first = documents.first else {
            if !diagnostics.hasErrors {
                diagnostics.append(
                    Diagnostic(.emptyRuleFile, "file is empty", at: SourceLocation(file: file, line: 1, column: 1)))
            }
            return nil
        }
        if first.isNull { return nil }
        return first
    }

    private static func readLists(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> [ListSyntax] {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.append(Diagnostic(.wrongType, "'lists' must map list names to arrays", at: node.range))
            return []
        }
        return pairs.compactMap { pair in
            guard let name = NodeValue.string(pair.key, "a list name", &diagnostics),
                let items = NodeValue.sequence(pair.value, "list '\(name.value)'", &diagnostics)
            else { return nil }
            checkName(name, "list", &diagnostics)
            let values: [Located<ListSyntax.Item>] = items.compactMap { item in
                guard case .scalar(let s) = item.content, !s.isNull else {
                    diagnostics.append(
                        Diagnostic(.wrongType, "items of list '\(name.value)' must be strings or numbers", at: item.range))
                    return nil
                }
                if s.isPlain, let n = YAMLScalar.number(s.value) {
                    return Located(WideNumber.digits(of: s.value).map { .wideNumber(n, digits: $0) } ?? .number(n), at: item.range)
                }
                if s.isPlain, YAMLScalar.looksLikeNumber(s.value) {
                    diagnostics.append(
                        Diagnostic(
                            .invalidValue,
                            "item '\(s.value)' of list '\(name.value)': write a number as JSON does (0.5, 31, 1e3), or quote it to mean text",
                            at: item.range))
                    return nil
                }
                return Located(.string(s.value), at: item.range)
            }
            return ListSyntax(name: name, items: values)
        }
    }

    private static func readMacros(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> [MacroSyntax] {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.append(Diagnostic(.wrongType, "'macros' must map macro names to expressions", at: node.range))
            return []
        }
        return pairs.compactMap { pair in
            guard let name = NodeValue.string(pair.key, "a macro name", &diagnostics),
                let condition = NodeValue.expression(pair.value, "macro '\(name.value)'", &diagnostics)
            else { return nil }
            checkName(name, "macro", &diagnostics)
            return MacroSyntax(name: name, condition: condition)
        }
    }

    private static func readRule(_ node: YAMLNode, index: Int, _ diagnostics: inout [Diagnostic]) -> RuleSyntax? {
        guard var map = MappingReader(node, context: "rule #\(index)", diagnostics: &diagnostics) else { return nil }
        map.foreign = { ForeignKeys.rule[$0] }
        // Without a name the rest of the rule is still checked, so one mistake does not hide the others.
        var name = map.required("name", diagnostics: &diagnostics).flatMap { NodeValue.string($0, "'name'", &diagnostics) }
        // A rule repeated by an alias (`- *slow`) is named where the alias is written, so that "defined twice" points
        // at the repeat, not at the anchor it copies.
        if let aliasRange = node.aliasRange { name?.range = aliasRange }
        if let name {
            map.context = "rule '\(name.value)'"
            checkName(name, "rule", &diagnostics)
        }
        map.rejectUnknownKeys(ruleKeys, diagnostics: &diagnostics)

        let on = map.required("on", hint: " (the kind of event it reads, such as on: completion or on: metric)", diagnostics: &diagnostics)
            .flatMap { readKinds($0, &diagnostics) }
        let condition = map.required("when", diagnostics: &diagnostics).flatMap {
            NodeValue.expression($0, "'when'", &diagnostics)
        }
        guard let name, let on, let condition else { return nil }
        var rule = RuleSyntax(name: name, on: on, condition: condition, range: node.range)
        if let n = map["description"] { rule.description = NodeValue.string(n, "'description'", &diagnostics)?.value }
        if let n = map["where"] { rule.filter = NodeValue.expression(n, "'where'", &diagnostics) }
        if let n = map["value"] { rule.value = NodeValue.expression(n, "'value'", &diagnostics) }
        if let n = map["evidence"] { rule.evidence = NodeValue.expression(n, "'evidence'", &diagnostics) }
        if let n = map["group_by"] { rule.groupBy = readGroupBy(n, &diagnostics) }
        if let n = map["every"] { rule.every = NodeValue.duration(n, "'every'", &diagnostics) }
        if let n = map["for"] { rule.forDuration = NodeValue.duration(n, "'for'", &diagnostics) }
        if let n = map["keep_firing_for"] { rule.keepFiringFor = NodeValue.duration(n, "'keep_firing_for'", &diagnostics) }
        if let n = map["severity"] { rule.severity = NodeValue.string(n, "'severity'", &diagnostics) }
        if let n = map["labels"] {
            rule.labels = NodeValue.stringMap(n, "'labels'", &diagnostics) ?? []
            for (key, _) in rule.labels { LabelName.check(key, &diagnostics) }
        }
        if let n = map["annotations"] { rule.annotations = NodeValue.textMap(n, "'annotations'", &diagnostics) ?? [] }
        if let n = map["actions"] { rule.actions = NodeValue.stringList(n, "'actions'", &diagnostics) ?? [] }
        if let n = map["enabled"] { rule.enabled = NodeValue.bool(n, "'enabled'", &diagnostics)?.value ?? true }
        if let every = rule.every, every.value < 1000 {
            diagnostics.append(Diagnostic(.invalidValue, "'every' must be at least 1s", at: every.range))
        }
        return rule
    }

    private static func readGroupBy(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> [GroupKeySyntax] {
        guard let items = NodeValue.sequence(node, "'group_by'", &diagnostics) else { return [] }
        return items.compactMap { item in
            if case .mapping = item.content {
                guard let map = MappingReader(item, context: "a group_by entry", diagnostics: &diagnostics) else {
                    return nil
                }
                map.rejectUnknownKeys(["field", "as"], diagnostics: &diagnostics)
                guard let fieldNode = map.required("field", diagnostics: &diagnostics),
                    let field = NodeValue.string(fieldNode, "'field'", &diagnostics)
                else { return nil }
                if let label = map["as"].flatMap({ NodeValue.string($0, "'as'", &diagnostics) }) {
                    LabelName.check(label, &diagnostics)
                    return GroupKeySyntax(field: field, label: label.value, labelRange: label.range)
                }
                return defaultGroupKey(field, &diagnostics)
            }
            guard let field = NodeValue.string(item, "a group_by entry", &diagnostics) else { return nil }
            return defaultGroupKey(field, &diagnostics)
        }
    }

    /// A group_by entry without `as:`, labelled after its field's last segment, which must then be a label name.
    private static func defaultGroupKey(_ field: Located<String>, _ diagnostics: inout [Diagnostic]) -> GroupKeySyntax {
        let label = defaultLabel(field.value)
        if !LabelName.isValid(label) {
            diagnostics.append(
                Diagnostic(
                    .invalidName,
                    "group_by field '\(field.value)' would label alerts '\(label)', which is not a label name ([a-zA-Z_][a-zA-Z0-9_]*); name the label with 'as:'",
                    at: field.range))
        }
        return GroupKeySyntax(field: field, label: label, labelRange: field.range)
    }

    /// A rule's `on:`: one kind or a list of distinct kinds. Nil (with a diagnostic) when it names none.
    private static func readKinds(_ node: YAMLNode, _ diagnostics: inout [Diagnostic]) -> [Located<String>]? {
        let kinds: [Located<String>]
        if case .sequence(let items) = node.content {
            guard !items.isEmpty else {
                diagnostics.append(Diagnostic(.invalidValue, "'on' must name at least one event kind", at: node.range))
                return nil
            }
            kinds = items.compactMap { NodeValue.string($0, "each item of 'on'", &diagnostics) }
            guard kinds.count == items.count else { return nil }
        } else {
            guard let kind = NodeValue.string(node, "'on'", &diagnostics) else { return nil }
            kinds = [kind]
        }
        var seen: Set<String> = []
        for kind in kinds {
            checkEventKind(kind, &diagnostics)
            if !seen.insert(kind.value).inserted {
                diagnostics.append(Diagnostic(.duplicateName, "'on' names '\(kind.value)' twice", at: kind.range))
            }
        }
        return kinds
    }

    /// A rule's `on:` names a kind events may have, and not the service's own heartbeats.
    private static func checkEventKind(_ kind: Located<String>, _ diagnostics: inout [Diagnostic]) {
        if kind.value == EventKind.heartbeat {
            diagnostics.append(
                Diagnostic(
                    .invalidValue,
                    "'on: heartbeat' is not an event kind a rule can read: heartbeats are Sentinel's own clock events, fed to the engine while the stream is idle (so 'run' has them and 'dry-run' has not); for absence use 'every:' on the kind you watch",
                    at: kind.range))
        } else if !EventKind.isValid(kind.value) {
            diagnostics.append(
                Diagnostic(
                    .invalidValue, "'on' must be an event kind: a name without blanks or control characters, such as completion",
                    at: kind.range))
        }
    }

    /// `labels.model_name` → `model_name`; `labels["le"]` → `le`.
    static func defaultLabel(_ path: String) -> String {
        var last = path.split(separator: ".").last.map(String.init) ?? path
        if let open = last.firstIndex(of: "["), last.hasSuffix("]") {
            last = String(last[last.index(after: open)..<last.index(before: last.endIndex)])
            last.removeAll { $0 == "\"" || $0 == "'" }
        }
        return last
    }

    static func checkName(_ name: Located<String>, _ what: String, _ diagnostics: inout [Diagnostic]) {
        let scalars = Array(name.value.unicodeScalars)
        let valid =
            !scalars.isEmpty && scalars[0].properties.isAlphabetic && scalars[0].isASCII
            && scalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        if !valid {
            diagnostics.append(
                Diagnostic(
                    .invalidName,
                    "\(what) name '\(name.value)' must start with a letter and hold only letters, digits and '_'",
                    at: name.range))
        }
    }
}
