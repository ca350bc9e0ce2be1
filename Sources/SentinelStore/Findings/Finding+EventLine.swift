import Foundation

extension Finding {
    /// A new finding for `rule` built from a recorded-traffic event line: the exchange fields (`id`, `model`,
    /// `prompt`, `response`, `prompt_guard`, `response_guard`) are read from it when present, and the line is kept
    /// verbatim in `raw`. A line that is not a JSON object gives a finding with only `raw`.
    ///
    /// ```swift
    /// let finding = Finding.from(eventLine: line, rule: "UnsafeAnswerRate", fingerprint: alert.fingerprint,
    ///                            severity: "critical", labels: alert.labels, time: eventTime)
    /// ```
    public static func from(
        eventLine: String, rule: String, fingerprint: String, severity: String, labels: [String: String], time: Int64
    ) -> Finding {
        let event = (try? JSONSerialization.jsonObject(with: Data(eventLine.utf8))) as? [String: Any] ?? [:]
        let promptGuard = event["prompt_guard"] as? [String: Any]
        let responseGuard = event["response_guard"] as? [String: Any]
        return Finding(
            time: time, rule: rule, fingerprint: fingerprint, severity: severity, labels: labels,
            eventID: event["id"] as? String, model: event["model"] as? String,
            prompt: event["prompt"] as? String, response: event["response"] as? String,
            promptGuard: promptGuard.flatMap(jsonText), responseGuard: responseGuard.flatMap(jsonText),
            flagged: isUnsafe(promptGuard) || isUnsafe(responseGuard), raw: eventLine)
    }

    private static func isUnsafe(_ verdict: [String: Any]?) -> Bool {
        verdict?["safety"] as? String == "unsafe"
    }

    /// Sorted keys so the same verdict is always the same text.
    private static func jsonText(_ object: [String: Any]) -> String? {
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: options) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
