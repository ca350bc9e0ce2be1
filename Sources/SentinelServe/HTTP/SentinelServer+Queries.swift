import Foundation
import Hummingbird
import SentinelAct
import SentinelCompile
import SentinelCore
import SentinelEvaluate

extension SentinelServer {
    /// `GET /api/v1/alerts`: active alerts (by rule, then labels), then recently resolved ones (newest first). Filters:
    /// `state=pending|firing|resolved`, `rule=NAME`, `severity=LEVEL`, and `NAME=VALUE` label matchers in
    /// `label` (repeatable, e.g. `label=model=llama`).
    func alertsResponse(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let state = query["state"].map(String.init)
        if let state, AlertState(rawValue: state) == nil || state == "inactive" {
            return APIResponse.error(.badRequest, "state '\(state)' is not pending, firing or resolved")
        }
        let rule = query["rule"].map(String.init)
        let severity = query["severity"].map(String.init)
        var matchers: [(String, String)] = []
        for text in query.getAll("label") {
            guard let eq = text.firstIndex(of: "=") else {
                return APIResponse.error(.badRequest, "label filter '\(text)' is not NAME=VALUE")
            }
            matchers.append((String(text[..<eq]), String(text[text.index(after: eq)...])))
        }
        let (active, resolved) = alerts.entries()
        let selected = (active + resolved).filter { entry in
            (state == nil || entry.state.rawValue == state) && (rule == nil || entry.rule == rule)
                && (severity == nil || entry.severity == severity)
                && matchers.allSatisfy { m in entry.labels.contains { $0.0 == m.0 && $0.1 == m.1 } }
        }
        let items = selected.map { entry -> String in
            var json = JSONText()
            json.add("rule", entry.rule)
            json.add("state", entry.state.rawValue)
            json.add("severity", entry.severity)
            json.add("labels", object: entry.labels)
            json.add("annotations", object: entry.annotations)
            json.add("value", sample: entry.value)
            json.add("active_since", Timestamp.format(entry.activeSince))
            json.add(entry.state == .resolved ? "resolved_at" : "updated_at", Timestamp.format(entry.updatedAt))
            json.add("receivers", strings: entry.receivers)
            // Its identity in the store: GET /api/v1/findings?fingerprint=… lists the evidence behind it.
            json.add("fingerprint", Dispatcher.fingerprint(rule: entry.rule, labels: entry.labels))
            return json.result
        }
        var body = JSONText()
        body.add("alerts", raw: "[" + items.joined(separator: ",") + "]")
        return APIResponse.json(.ok, body.result)
    }

    /// `GET /api/v1/rules`: every loaded rule with its definition, its alerts now, and its counters.
    func rulesResponse() async -> Response {
        let counts = alerts.activeCounts()
        let rules: [String]? = await queue.inspect { loop in
            let engine = loop.engine
            return engine.graph.rules.enumerated().map { r, rule -> String in
                let stats = engine.ruleStatistics[r]
                var json = JSONText()
                json.add("name", rule.name)
                json.add("description", rule.description)
                json.add("file", rule.range.start.file)
                json.add("line", rule.range.start.line)
                json.add("severity", rule.severity.rawValue)
                json.add("on", strings: engine.graph.partitions[rule.partition].kinds)
                json.add("group_by", strings: rule.groupLabels)
                if let every = rule.everyMilliseconds { json.add("every_ms", Int(every)) }
                json.add("for_ms", Int(rule.forMilliseconds))
                json.add("keep_firing_for_ms", Int(rule.keepFiringForMilliseconds))
                json.add("pending", counts[rule.name]?[.pending] ?? 0)
                json.add("firing", counts[rule.name]?[.firing] ?? 0)
                json.add("evaluations", stats.evaluations)
                json.add("matches", stats.matches)
                json.add("group_overflow", stats.groupOverflow)
                if stats.lastEvaluationTime != .min {
                    json.add("last_evaluation", Timestamp.format(stats.lastEvaluationTime))
                }
                json.add("evaluation_seconds", number: stats.evaluationNanoseconds / 1e9)
                return json.result
            }
        }
        guard let rules else { return APIResponse.error(.serviceUnavailable, "shutting down") }
        var body = JSONText()
        body.add("rules", raw: "[" + rules.joined(separator: ",") + "]")
        return APIResponse.json(.ok, body.result)
    }

    /// `POST /-/reload`: 200 with the diff, or 400 with the diagnostics (lint format and JSON).
    func reloadResponse() async -> Response {
        switch await reloader.reload() {
        case .reloaded(let diff):
            var json = JSONText()
            json.add("status", "reloaded")
            json.add("added", strings: diff.added)
            json.add("removed", strings: diff.removed)
            json.add("changed", strings: diff.changed)
            json.add("unchanged", diff.unchanged)
            json.add("warnings", raw: Self.jsonList(diff.warnings))
            json.add("not_applied", strings: diff.notApplied)
            return APIResponse.json(.ok, json.result)
        case .failed(let diagnostics):
            let errors = diagnostics.filter { $0.severity == .error }
            let text = DiagnosticRenderer(format: .text).render(diagnostics)
            return APIResponse.error(
                .badRequest, "reload failed with \(errors.count) error(s); the running configuration is unchanged",
                extra: [("diagnostics", Self.jsonList(diagnostics)), ("text", Self.quoted(text))])
        case .unavailable:
            return APIResponse.error(.serviceUnavailable, "shutting down")
        }
    }

    /// Diagnostics as a JSON array of `lint --format json` objects.
    static func jsonList(_ diagnostics: [Diagnostic]) -> String {
        "[" + DiagnosticRenderer(format: .json).render(diagnostics).split(separator: "\n").joined(separator: ",") + "]"
    }

    static func quoted(_ text: String) -> String {
        var out = ""
        JSONText.appendString(text, to: &out)
        return out
    }
}
