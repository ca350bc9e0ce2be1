/// The guard role's verdicts as chat answers: a pure function of the conversation (see ``VLLMDouble/Markers``).
enum GuardModel {
    /// Qwen3Guard-Gen. The messages choose the mode, as its chat template does: a last message from the
    /// assistant is response moderation (three lines), anything else prompt moderation of the last user message.
    static func qwen3Guard(_ messages: [ChatRequest.Message]) -> String {
        if let last = messages.last(where: { $0.role == "user" || $0.role == "assistant" }), last.role == "assistant" {
            let findings = TextFindings(last.content)
            let categories = findings.harms.map(\.qwen3GuardCategory)
            return qwen3Lines(findings, categories: categories) + "\nRefusal: \(findings.refusal ? "Yes" : "No")"
        }
        let findings = TextFindings(messages.last { $0.role == "user" }?.content ?? "")
        let categories = findings.harms.map(\.qwen3GuardCategory) + (findings.jailbreak ? ["Jailbreak"] : [])
        return qwen3Lines(findings, categories: categories)
    }

    private static func qwen3Lines(_ findings: TextFindings, categories: [String]) -> String {
        var unique: [String] = []
        for category in categories where !unique.contains(category) { unique.append(category) }
        if !unique.isEmpty { return "Safety: Unsafe\nCategories: " + unique.joined(separator: ", ") }
        if findings.controversial { return "Safety: Controversial\nCategories: Politically Sensitive Topics" }
        return "Safety: Safe\nCategories: None"
    }

    /// Llama Guard 3: judges the last message, whoever sent it.
    static func llamaGuard(_ messages: [ChatRequest.Message]) -> String {
        let findings = TextFindings(messages.last?.content ?? "")
        guard findings.isHarmful else { return "safe" }
        let codes = Set(findings.harms.map(\.llamaGuardCode)).sorted { Int($0.dropFirst())! < Int($1.dropFirst())! }
        return "unsafe\n" + codes.joined(separator: ",")
    }
}
