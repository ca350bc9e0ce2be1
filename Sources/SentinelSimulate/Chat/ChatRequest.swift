import SentinelCore

/// A `/v1/chat/completions` request.
public struct ChatRequest: Sendable {
    /// The served model name.
    public var model: String
    /// The conversation, oldest first.
    public var messages: [ChatMessage]
    /// `max_tokens`; nil leaves it to the server.
    public var maxTokens: Int?
    /// Sampling temperature; nil leaves it to the server.
    public var temperature: Double?
    /// Sent as `X-Request-Id`, which vLLM adopts as its own request id: errors and logs then line up.
    public var requestID: String?
    /// Extra headers (a test double's fault header, a tenant header, ...).
    public var headers: [(String, String)]

    /// A request; only the model and the messages are required.
    public init(
        model: String, messages: [ChatMessage], maxTokens: Int? = nil, temperature: Double? = nil,
        requestID: String? = nil, headers: [(String, String)] = []
    ) {
        self.model = model
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.requestID = requestID
        self.headers = headers
    }

    /// The JSON body; streaming requests ask for the final usage chunk (`stream_options.include_usage`), which
    /// vLLM rejects on non-streaming ones.
    func body(stream: Bool) -> String {
        var json = JSONText()
        json.add("model", model)
        json.add(
            "messages",
            raw: "["
                + messages.map { message in
                    var m = JSONText()
                    m.add("role", message.role)
                    m.add("content", message.content)
                    return m.result
                }.joined(separator: ",") + "]")
        if let maxTokens { json.add("max_tokens", maxTokens) }
        if let temperature { json.add("temperature", number: temperature) }
        json.add("stream", stream)
        if stream { json.add("stream_options", raw: #"{"include_usage":true}"#) }
        return json.result
    }
}
