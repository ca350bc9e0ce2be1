/// Writes one request's chat completion body, or its SSE events, byte for byte as vLLM's pydantic models dump
/// them (compact, fields in model order, unset fields left out of stream chunks).
struct ChatCompletionEncoder {
    /// Token counts, written `{"prompt_tokens":…,"total_tokens":…,"completion_tokens":…}` (vLLM's field order).
    struct Usage {
        let promptTokens: Int
        let completionTokens: Int

        var json: String { fields + "}" }
        /// As in a non-streaming response, which dumps the unset `prompt_tokens_details` too.
        var jsonWithDetails: String { fields + ",\"prompt_tokens_details\":null}" }

        private var fields: String {
            "{\"prompt_tokens\":\(promptTokens),\"total_tokens\":\(promptTokens + completionTokens),"
                + "\"completion_tokens\":\(completionTokens)"
        }
    }

    /// Which chunks carry `usage` (`stream_options`).
    enum StreamUsage {
        /// No `usage` key at all (no `stream_options`, or `include_usage: false`).
        case omitted
        /// `"usage":null` on every chunk, then a final chunk with `"choices":[]` and the usage.
        case final
        /// The usage so far on every chunk, and the final chunk (`continuous_usage_stats: true`).
        case continuous
    }

    static let doneEvent = "data: [DONE]\n\n"

    let id: String
    let created: Int
    let model: String
    let naming: VLLMDouble.MetricNaming
    private let chunkPrefix: String

    init(id: String, created: Int, model: String, naming: VLLMDouble.MetricNaming) {
        self.id = id
        self.created = created
        self.model = model
        self.naming = naming
        var prefix = "{\"id\":\"\(id)\",\"object\":\"chat.completion.chunk\",\"created\":\(created),\"model\":"
        JSONString.append(model, to: &prefix)
        prefix += ",\"choices\":["
        chunkPrefix = prefix
    }

    /// The non-streaming response body.
    func response(content: String, finishReason: String, usage: Usage) -> String {
        var out = "{\"id\":\"\(id)\",\"object\":\"chat.completion\",\"created\":\(created),\"model\":"
        JSONString.append(model, to: &out)
        switch naming {
        case .current:
            out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            JSONString.append(content, to: &out)
            out +=
                ",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[],"
                + "\"reasoning\":null},\"logprobs\":null,\"finish_reason\":\"\(finishReason)\",\"stop_reason\":null,"
                + "\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":"
                + usage.jsonWithDetails + ","
                + "\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":null}"
        case .legacy:
            out +=
                ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"reasoning_content\":null,\"content\":"
            JSONString.append(content, to: &out)
            out +=
                ",\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"\(finishReason)\",\"stop_reason\":null}],"
                + "\"usage\":" + usage.jsonWithDetails + ",\"prompt_logprobs\":null}"
        }
        return out
    }

    /// The first event: `delta` `{"role":"assistant","content":""}`.
    func roleEvent(usage: StreamUsage, promptTokens: Int) -> String {
        event(
            choice: "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                + "\"logprobs\":null,\"finish_reason\":null}",
            usage: usage, soFar: Usage(promptTokens: promptTokens, completionTokens: 0))
    }

    /// A content event; the last one names the finish reason.
    func contentEvent(_ text: Substring, finishReason: String?, usage: StreamUsage, soFar: Usage) -> String {
        var choice = "{\"index\":0,\"delta\":{\"content\":"
        JSONString.append(text, to: &choice)
        choice += "},\"logprobs\":null,"
        choice += finishReason.map { "\"finish_reason\":\"\($0)\",\"stop_reason\":null}" } ?? "\"finish_reason\":null}"
        return event(choice: choice, usage: usage, soFar: soFar)
    }

    /// The extra last chunk with `"choices":[]` and the request's usage (dumped with `exclude_none`).
    func usageEvent(_ usage: Usage) -> String {
        "data: " + chunkPrefix + "],\"usage\":" + usage.json + "}\n\n"
    }

    /// An event whose JSON breaks off in the middle.
    func malformedEvent() -> String {
        "data: " + chunkPrefix + "{\"index\":0,\"delta\":{\"content\":\n\n"
    }

    private func event(choice: String, usage: StreamUsage, soFar: Usage) -> String {
        let usageField =
            switch usage {
            case .omitted: ""
            case .final: ",\"usage\":null"
            case .continuous: ",\"usage\":" + soFar.json
            }
        return "data: " + chunkPrefix + choice + "]" + usageField + "}\n\n"
    }
}
