/// One validated chat request with its answer decided: what to send, how fast, and in which wrapping.
struct Generation {
    let encoder: ChatCompletionEncoder
    /// The answer's tokens, already cut to `max_tokens`.
    let tokens: [Substring]
    /// `stop`, or `length` when `max_tokens` cut the answer.
    let finishReason: EngineMetrics.FinishReason
    let promptTokens: Int
    /// `max_tokens` as requested, or the rest of the context as vLLM defaults it.
    let maxTokens: Int
    let firstTokenDelay: Duration
    let interTokenDelay: Duration
    let streamUsage: ChatCompletionEncoder.StreamUsage

    /// KV-cache tokens the request holds while it runs.
    var cacheTokens: Int { promptTokens + tokens.count }

    func usage(completionTokens: Int) -> ChatCompletionEncoder.Usage {
        ChatCompletionEncoder.Usage(promptTokens: promptTokens, completionTokens: completionTokens)
    }

    /// The record for `/metrics` of a request that ends now.
    func record(_ trace: RequestTrace, _ reason: EngineMetrics.FinishReason) -> EngineMetrics.Finished {
        trace.finished(reason, promptTokens: promptTokens, maxTokens: maxTokens)
    }
}
