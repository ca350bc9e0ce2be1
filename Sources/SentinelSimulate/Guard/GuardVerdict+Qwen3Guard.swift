extension GuardVerdict {
    /// Qwen3Guard-Gen's category tokens, spelled as the model writes them (`PII`, not "Personally Identifiable
    /// Information"); `Jailbreak` only in prompt moderation.
    public static let qwen3GuardCategories = [
        "Violent", "Non-violent Illegal Acts", "Sexual Content or Sexual Acts", "PII", "Suicide & Self-Harm",
        "Unethical Acts", "Politically Sensitive Topics", "Copyright Violation", "Jailbreak",
    ]

    /// Reads Qwen3Guard-Gen output: `Safety: Safe|Unsafe|Controversial`, `Categories: a, b` or `None`, and in
    /// response moderation `Refusal: Yes|No`.
    ///
    /// Keys and values are matched ignoring case and surrounding spaces, lines in any order, other lines ignored;
    /// categories are returned in the model's exact spelling. No `Safety:` line, an unknown category or a refusal
    /// other than yes/no is an error.
    public static func parseQwen3Guard(_ text: String) throws(GuardParseError) -> GuardVerdict {
        var safety: Safety?
        var categories: [String] = []
        var refusal: Bool?
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces.lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch key {
            case "safety" where safety == nil:
                guard let level = Safety(rawValue: value.lowercased()) else {
                    throw GuardParseError("unknown safety level '\(value)' (expected Safe, Unsafe or Controversial)")
                }
                safety = level
            case "categories":
                for token in value.split(separator: ",").map(\.trimmingSpaces) where !token.isEmpty {
                    if token.lowercased() == "none" { continue }
                    let spaced = token.split(separator: " ").joined(separator: " ").lowercased()
                    guard let category = qwen3GuardCategories.first(where: { $0.lowercased() == spaced }) else {
                        throw GuardParseError("unknown category '\(token)'")
                    }
                    if !categories.contains(category) { categories.append(category) }
                }
            case "refusal":
                switch value.lowercased() {
                case "yes": refusal = true
                case "no": refusal = false
                default: throw GuardParseError("unknown refusal '\(value)' (expected Yes or No)")
                }
            default:
                continue
            }
        }
        guard let safety else { throw GuardParseError("no 'Safety:' line") }
        return GuardVerdict(safety: safety, categories: categories, refusal: refusal, raw: text)
    }
}
