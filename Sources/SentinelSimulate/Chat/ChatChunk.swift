/// One `chat.completion.chunk` as vLLM streams it. Chunks are dumped with `exclude_unset`, so every key may be
/// absent; an error chunk carries `error` (or, from old vLLM, the flat `object: "error"` shape).
struct ChatChunk: Decodable {
    var id: String?
    var object: String?
    var model: String?
    var choices: [Choice]?
    var usage: Usage?
    var error: UpstreamError.Fields?

    struct Choice: Decodable {
        var delta: Delta?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        var content: String?
        var reasoning: String?
        var reasoningContent: String?

        enum CodingKeys: String, CodingKey {
            case content, reasoning
            case reasoningContent = "reasoning_content"
        }
    }
}

/// Token counts of a response (`usage`).
struct Usage: Decodable {
    var promptTokens: Int?
    var completionTokens: Int?

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}
