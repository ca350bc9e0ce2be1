import SentinelCore

/// OpenAI moderation (`omni-moderation-latest`) verdicts: each input flagged for its harms' categories
/// (see ``VLLMDouble/HarmCategory/openAICategories``), with deterministic scores.
enum ModerationModel {
    static let defaultModel = "omni-moderation-latest"

    /// OpenAI's categories, in the order its responses list them.
    static let categories = [
        "harassment", "harassment/threatening", "hate", "hate/threatening", "illicit", "illicit/violent",
        "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence",
        "violence/graphic",
    ]

    /// Categories OpenAI also judges images for.
    private static let imageCategories: Set<String> = [
        "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "violence", "violence/graphic",
    ]

    /// The response body for a request, with id `modr-<hex>`.
    static func response(to request: ModerationRequest, id: String) -> String {
        var out = "{\"id\":\"modr-\(id)\",\"model\":"
        JSONString.append(request.model ?? defaultModel, to: &out)
        out += ",\"results\":["
        out += request.inputs.map(result).joined(separator: ",")
        out += "]}"
        return out
    }

    private static func result(_ input: ModerationRequest.Input) -> String {
        let flaggedCategories = Set(TextFindings(input.text).harms.flatMap(\.openAICategories))
        let textHash = StableHash.fnv1a(input.text)
        let scores = categories.map { category in
            let draw = SplitMix64.mix(textHash ^ StableHash.fnv1a(category))
            // Flagged: 0.9000–0.9899; otherwise 1e-06–1e-05, the order of magnitude of real benign scores.
            return flaggedCategories.contains(category)
                ? Double(9000 + draw % 900) / 10_000 : Double(1000 + draw % 9000) / 1_000_000_000
        }
        let flags = categories.map { "\(JSONString.quoted($0)):\(flaggedCategories.contains($0))" }
        let scoreFields = zip(categories, scores).map { "\(JSONString.quoted($0)):\($1)" }
        let inputTypes = categories.map { category in
            let types = input.hasImage && imageCategories.contains(category) ? "[\"text\",\"image\"]" : "[\"text\"]"
            return "\(JSONString.quoted(category)):\(types)"
        }
        return "{\"flagged\":\(!flaggedCategories.isEmpty),"
            + "\"categories\":{\(flags.joined(separator: ","))},"
            + "\"category_scores\":{\(scoreFields.joined(separator: ","))},"
            + "\"category_applied_input_types\":{\(inputTypes.joined(separator: ","))}}"
    }
}
