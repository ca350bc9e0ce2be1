/// A chat completion stream as vLLM 0.11 sends it with `stream_options.include_usage`: a role chunk, content
/// chunks (one with multi-byte characters), the finish chunk, the usage chunk with `choices: []`, `[DONE]`.
enum VLLMStreamFixture {
    static let chunks = [
        #"{"id":"chatcmpl-5c1e","object":"chat.completion.chunk","created":1746100000,"model":"olmo-2-1b","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-5c1e","object":"chat.completion.chunk","created":1746100000,"model":"olmo-2-1b","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-5c1e","object":"chat.completion.chunk","created":1746100000,"model":"olmo-2-1b","choices":[{"index":0,"delta":{"content":", naïve wörld ✓"},"logprobs":null,"finish_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-5c1e","object":"chat.completion.chunk","created":1746100000,"model":"olmo-2-1b","choices":[{"index":0,"delta":{"content":"!"},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":null}"#,
        #"{"id":"chatcmpl-5c1e","object":"chat.completion.chunk","created":1746100000,"model":"olmo-2-1b","choices":[],"usage":{"prompt_tokens":12,"total_tokens":17,"completion_tokens":5}}"#,
        "[DONE]",
    ]

    /// The stream's bytes with `newline` ending every line.
    static func bytes(newline: String = "\n") -> [UInt8] {
        Array(chunks.map { "data: \($0)\(newline)\(newline)" }.joined().utf8)
    }
}
