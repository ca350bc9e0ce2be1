/// Keys of the tools people come to Sentinel from (Prometheus rules, Falco, ElastAlert, Alertmanager, promtool tests),
/// and what Sentinel writes instead: an unknown key that is one of them is reported with the translation, not a
/// spelling suggestion.
public struct ForeignKey: Sendable {
    /// The tool whose key it is.
    public let tool: String
    /// What to write in Sentinel, as a clause: "the condition is 'when:'".
    public let advice: String
    /// The Sentinel key that takes the same value: read in its place (the key is still an error), so a rule pasted
    /// from another tool is checked as a whole instead of stopping at "has no 'name'".
    public let standsFor: String?

    init(_ tool: String, _ advice: String, standsFor: String? = nil) {
        self.tool = tool
        self.advice = advice
        self.standsFor = standsFor
    }

    /// The unknown-key message's ending: "(Prometheus' 'expr': the condition is 'when:')".
    func hint(for key: String) -> String { " (\(tool)\(tool.hasSuffix("s") ? "'" : "'s") '\(key)': \(advice))" }
}

/// The foreign keys of each kind of mapping.
public enum ForeignKeys {
    /// The top level of a rule file.
    public static let ruleFile: [String: ForeignKey] = [
        "groups": ForeignKey(
            "Prometheus", "a Sentinel rule file lists its rules under a top-level 'rules:', each with 'name:' (alert), "
                + "'on:' (the event kind) and 'when:' (expr)"),
        "rule_files": ForeignKey("promtool", "rule tests are files named *.test.yaml (x.test.yaml tests x.yaml)"),
        "tests": ForeignKey("promtool", "rule tests are files named *.test.yaml (x.test.yaml tests x.yaml)"),
        "required_engine_version": ForeignKey("Falco", "Sentinel rule files have no version"),
    ]

    /// A rule.
    public static let rule: [String: ForeignKey] = [
        "alert": ForeignKey("Prometheus", "the rule's name is 'name:'", standsFor: "name"),
        "expr": ForeignKey("Prometheus", "the condition is 'when:', over events of the kind 'on:' names", standsFor: "when"),
        "rule": ForeignKey("Falco", "the rule's name is 'name:'", standsFor: "name"),
        "condition": ForeignKey("Falco", "the condition is 'when:'", standsFor: "when"),
        "desc": ForeignKey("Falco", "write 'description:'", standsFor: "description"),
        // Not read as `severity`: Falco's levels (CRITICAL, NOTICE, ...) are not Sentinel's.
        "priority": ForeignKey("Falco", "write 'severity:' (info, warning or critical)"),
        "output": ForeignKey(
            "Falco", "the alert's text is an annotation: annotations: {summary: \"{{ model }}: ...\"}"),
        "tags": ForeignKey("Falco", "alert labels are a map: labels: {team: safety}"),
        "query_key": ForeignKey("ElastAlert", "groups are 'group_by: [field]'"),
        "filter": ForeignKey("ElastAlert", "the events a rule reads are chosen by 'on:' and 'where: <expression>'"),
        "timeframe": ForeignKey("ElastAlert", "the window is an argument of a window function: count(5m)"),
        "num_events": ForeignKey("ElastAlert", "the threshold is part of 'when:': count(5m) >= 20"),
        "type": ForeignKey("ElastAlert", "the rule's kind of match is its 'when:' (a frequency rule is count(5m) >= 20)"),
        "index": ForeignKey("ElastAlert", "the event kind the rule reads is 'on:'"),
    ]

    /// A receiver in a policy file: Alertmanager's `<integration>_configs` lists.
    public static func receiver(_ key: String) -> ForeignKey? {
        guard key.hasSuffix("_configs") else { return nil }
        let integration = String(key.dropLast("_configs".count))
        if integration == "webhook" {
            return ForeignKey("Alertmanager", "a Sentinel receiver is one destination: type: webhook and url: ...")
        }
        return ForeignKey(
            "Alertmanager",
            "Sentinel delivers to log, webhook, alertmanager and store receivers; for \(integration), forward to an "
                + "Alertmanager (type: alertmanager, url: ...) that has the integration")
    }

    /// The top level of a rule test file.
    public static let testFile: [String: ForeignKey] = [
        "evaluation_interval": ForeignKey(
            "promtool", "rules are evaluated at each event they read, or on the ticks of their 'every:'"),
        "group_eval_order": ForeignKey("promtool", "rules have no evaluation order"),
    ]

    /// A test case of a rule test file.
    public static let testCase: [String: ForeignKey] = [
        "input_series": ForeignKey(
            "promtool", "input is a list of events: events: [{at: 0m, kind: metric, name: ..., labels: {...}, value: 1}]"),
        "interval": ForeignKey("promtool", "each event has its time ('at:'), or 'every:' with 'repeat:'"),
        "alert_rule_test": ForeignKey("promtool", "expectations are expect: [{at: 5m, alerts: [{rule: ..., labels: {...}}]}]"),
        "promql_expr_test": ForeignKey("promtool", "Sentinel tests alerts only: expect: [{at: ..., alerts: [...]}]"),
        "external_labels": ForeignKey("promtool", "alerts carry the rule's labels and its group_by labels only"),
    ]

    /// An expectation (`expect:` item).
    public static let expectation: [String: ForeignKey] = [
        "eval_time": ForeignKey("promtool", "the time is 'at:'", standsFor: "at"),
        "exp_alerts": ForeignKey("promtool", "the expected alerts are 'alerts:'", standsFor: "alerts"),
        "alertname": ForeignKey("promtool", "each expected alert names its rule: alerts: [{rule: ..., labels: {...}}]"),
    ]

    /// An expected alert.
    public static let expectedAlert: [String: ForeignKey] = [
        "exp_labels": ForeignKey("promtool", "write 'labels:'", standsFor: "labels"),
        "exp_annotations": ForeignKey("promtool", "write 'annotations:'", standsFor: "annotations"),
        "alertname": ForeignKey("promtool", "write 'rule:'", standsFor: "rule"),
    ]
}
