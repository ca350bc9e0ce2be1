/// The parts of an OpenAI chat completion request the double reads; other fields are accepted and ignored,
/// as vLLM does (it only logs them).
struct ChatRequest: Decodable {
    struct Message: Decodable {
        let role: String
        /// The text, with content parts (`[{"type":"text","text":…}]`) joined by newlines; "" for null content.
        let content: String

        private enum CodingKeys: String, CodingKey { case role, content }
        private struct Part: Decodable {
            let type: String
            let text: String?
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decode(String.self, forKey: .role)
            if let text = try? container.decodeIfPresent(String.self, forKey: .content) {
                content = text
            } else if let parts = try container.decodeIfPresent([Part].self, forKey: .content) {
                content = parts.compactMap { $0.type == "text" ? $0.text : nil }.joined(separator: "\n")
            } else {
                content = ""
            }
        }
    }

    struct StreamOptions: Decodable {
        let includeUsage: Bool
        let continuousUsageStats: Bool

        private enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
            case continuousUsageStats = "continuous_usage_stats"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // vLLM's StreamOptions default: include_usage true, continuous_usage_stats false.
            includeUsage = try container.decodeIfPresent(Bool.self, forKey: .includeUsage) ?? true
            continuousUsageStats = try container.decodeIfPresent(Bool.self, forKey: .continuousUsageStats) ?? false
        }
    }

    let messages: [Message]
    let model: String?
    let stream: Bool
    let streamOptions: StreamOptions?
    /// `max_completion_tokens`, else the deprecated `max_tokens`.
    let maxTokens: Int?
    /// vLLM's own extension: the request's id (an `X-Request-Id` header takes precedence).
    let requestID: String?

    private enum CodingKeys: String, CodingKey {
        case messages, model, stream
        case requestID = "request_id"
        case streamOptions = "stream_options"
        case maxTokens = "max_tokens"
        case maxCompletionTokens = "max_completion_tokens"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decode([Message].self, forKey: .messages)
        model = try container.decodeIfPresent(String.self, forKey: .model)
        stream = try container.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        streamOptions = try container.decodeIfPresent(StreamOptions.self, forKey: .streamOptions)
        requestID = try container.decodeIfPresent(String.self, forKey: .requestID)
        maxTokens =
            try container.decodeIfPresent(Int.self, forKey: .maxCompletionTokens)
            ?? container.decodeIfPresent(Int.self, forKey: .maxTokens)
    }
}
