/// What a streamed chat completion produced, with its timings.
public struct ChatCompletion: Sendable, Equatable {
    /// The server's id (`chatcmpl-…`).
    public var id: String?
    /// The served model name the server reported.
    public var model: String?
    /// The `delta.content` pieces, concatenated.
    public var content: String
    /// `stop`, `length`, `abort`, ... from the last choice chunk that set it.
    public var finishReason: String?
    /// `usage.prompt_tokens` of the final chunk.
    public var promptTokens: Int?
    /// `usage.completion_tokens` of the final chunk.
    public var completionTokens: Int?
    /// From the start instant given to the client to the first chunk with content or reasoning text or a tool-call
    /// delta; nil when none came.
    public var timeToFirstToken: Duration?
    /// From the start instant to `data: [DONE]`.
    public var latency: Duration
    /// Stream events received, `[DONE]` excluded.
    public var chunks: Int

    /// A completion with the given parts.
    public init(
        id: String? = nil, model: String? = nil, content: String, finishReason: String? = nil,
        promptTokens: Int? = nil, completionTokens: Int? = nil, timeToFirstToken: Duration? = nil,
        latency: Duration, chunks: Int
    ) {
        self.id = id
        self.model = model
        self.content = content
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.timeToFirstToken = timeToFirstToken
        self.latency = latency
        self.chunks = chunks
    }
}
