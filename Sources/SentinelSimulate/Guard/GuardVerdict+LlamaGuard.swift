extension GuardVerdict {
    /// Llama Guard 3's hazard codes and their names (S14 is 8B only).
    public static let llamaGuardCategories: [String: String] = [
        "S1": "Violent Crimes", "S2": "Non-Violent Crimes", "S3": "Sex-Related Crimes",
        "S4": "Child Sexual Exploitation", "S5": "Defamation", "S6": "Specialized Advice", "S7": "Privacy",
        "S8": "Intellectual Property", "S9": "Indiscriminate Weapons", "S10": "Hate", "S11": "Suicide & Self-Harm",
        "S12": "Sexual Content", "S13": "Elections", "S14": "Code Interpreter Abuse",
    ]

    /// Reads Llama Guard output: a first line `safe` or `unsafe`, and after `unsafe` a line of comma-separated
    /// codes (`S1,S10`), returned as hazard names. Case and spaces are ignored; blank lines are skipped.
    public static func parseLlamaGuard(_ text: String) throws(GuardParseError) -> GuardVerdict {
        let lines = text.split(whereSeparator: \.isNewline).map(\.trimmingSpaces).filter { !$0.isEmpty }
        guard let first = lines.first else { throw GuardParseError("empty output") }
        switch first.lowercased() {
        case "safe":
            return GuardVerdict(safety: .safe, raw: text)
        case "unsafe":
            var categories: [String] = []
            if lines.count > 1 {
                for code in lines[1].split(separator: ",").map({ $0.trimmingSpaces.uppercased() }) where !code.isEmpty {
                    guard let name = llamaGuardCategories[code] else {
                        throw GuardParseError("unknown category code '\(code)'")
                    }
                    if !categories.contains(name) { categories.append(name) }
                }
            }
            return GuardVerdict(safety: .unsafe, categories: categories, raw: text)
        default:
            throw GuardParseError("first line '\(first)' is neither 'safe' nor 'unsafe'")
        }
    }
}
