import Foundation

extension GuardVerdict {
    /// OpenAI moderation's categories by their API names; the Python SDK's `model_dump()` adds the same ones under
    /// attribute names (`self_harm`, `harassment_threatening`), which are folded back into these.
    public static let openAIModerationCategories = [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent", "self-harm",
        "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
    ]

    private static let openAIAliases: [String: String] = Dictionary(
        uniqueKeysWithValues: openAIModerationCategories.map { name in
            (String(name.map { $0 == "/" || $0 == "-" ? "_" : $0 }), name)
        })

    /// Reads a `POST /v1/moderations` response: `flagged` decides unsafe or safe, the categories are those set to
    /// true (API names, SDK aliases folded in, sorted). Several results (several inputs) combine: flagged if any is.
    public static func parseOpenAIModeration(_ body: Data) throws(GuardParseError) -> GuardVerdict {
        let raw = String(decoding: body, as: UTF8.self)
        let response: ModerationResponse
        do {
            response = try JSONDecoder().decode(ModerationResponse.self, from: body)
        } catch {
            throw GuardParseError("not a moderation response")
        }
        guard let results = response.results, !results.isEmpty else { throw GuardParseError("no 'results'") }
        var flagged = false
        var categories = Set<String>()
        for result in results {
            let set = (result.categories ?? [:]).compactMap { name, value in value == true ? name : nil }
            guard let resultFlagged = result.flagged ?? (result.categories != nil ? !set.isEmpty : nil) else {
                throw GuardParseError("a result has neither 'flagged' nor 'categories'")
            }
            flagged = flagged || resultFlagged
            for name in set { categories.insert(openAIAliases[name] ?? name) }
        }
        return GuardVerdict(safety: flagged ? .unsafe : .safe, categories: categories.sorted(), raw: raw)
    }

    private struct ModerationResponse: Decodable {
        var results: [Result]?

        struct Result: Decodable {
            var flagged: Bool?
            var categories: [String: Bool?]?
        }
    }
}
