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
    /// As leniently as Qwen3Guard's own parser (a regular-expression search), so that one stray token does not cost
    /// the verdict: keys and values are matched ignoring case, surrounding spaces and a trailing full stop, lines in
    /// any order, other lines ignored; the safety level is the value's first word. Categories are returned in the
    /// model's exact spelling ("Personally Identifiable Information", its policy's name for it, as `PII`); a category
    /// it does not list is kept as written. A refusal other than yes/no reads as none given. No `Safety:` line or an
    /// unknown safety level is an error.
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
                let word = value.prefix(while: \.isLetter)
                guard let level = Safety(rawValue: word.lowercased()) else {
                    throw GuardParseError("unknown safety level '\(value)' (expected Safe, Unsafe or Controversial)")
                }
                safety = level
            case "categories":
                for token in value.split(separator: ",").map({ withoutFullStop($0.trimmingSpaces) }) where !token.isEmpty {
                    if token.lowercased() == "none" { continue }
                    let spaced = token.split(separator: " ").joined(separator: " ")
                    let category =
                        spaced.lowercased() == "personally identifiable information"
                        ? "PII" : qwen3GuardCategories.first(where: { $0.lowercased() == spaced.lowercased() }) ?? spaced
                    if !categories.contains(category) { categories.append(category) }
                }
            case "refusal":
                switch withoutFullStop(value).lowercased() {
                case "yes": refusal = true
                case "no": refusal = false
                default: continue
                }
            default:
                continue
            }
        }
        guard let safety else { throw GuardParseError("no 'Safety:' line") }
        return GuardVerdict(safety: safety, categories: categories, refusal: refusal, raw: text)
    }

    private static func withoutFullStop(_ text: String) -> String {
        text.hasSuffix(".") ? String(text.dropLast()).trimmingSpaces : text
    }
}
