public import SentinelCore

extension LabelName {
    /// Reports `name` (E0305) unless it is a label name: alert labels, and the labels routes and inhibit rules
    /// name, are Prometheus label names (Alertmanager rejects alerts with any other).
    static func check(_ name: Located<String>, _ diagnostics: inout [Diagnostic]) {
        if !isValid(name.value) {
            diagnostics.append(
                Diagnostic(
                    .invalidName, "label name '\(name.value)' must match [a-zA-Z_][a-zA-Z0-9_]* (letters, digits and '_', not starting with a digit)",
                    at: name.range))
        }
    }
}
