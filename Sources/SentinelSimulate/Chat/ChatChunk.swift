/// The parts of one `chat.completion.chunk` the simulator reads. vLLM dumps chunks with `exclude_unset`, so every
/// key may be absent; an error chunk carries `error` (or, from old vLLM, the flat `object: "error"` shape).
struct ChatChunk {
    var id: String?
    var object: String?
    var model: String?
    var choices: [Choice] = []
    var promptTokens: Int?
    var completionTokens: Int?
    /// The chunk is an error (`error` object, or `object: "error"`).
    var isError = false

    struct Choice {
        var content: String?
        /// `reasoning` or `reasoning_content` text.
        var reasoning: String?
        /// Whether the delta carries `tool_calls` entries (a streamed tool call is tokens, as content is).
        var hasToolCalls = false
        var finishReason: String?
    }

    private init() {}

    /// Reads a chunk, validating all of it; other keys are skipped.
    init(json: UnsafeRawBufferPointer) throws(JSONScanner.Failure) {
        var scanner = JSONScanner(json)
        var chunk = ChatChunk()
        try scanner.document { (scanner, key) throws(JSONScanner.Failure) in
            if JSONScanner.key(key, is: "choices") {
                try scanner.array { (scanner) throws(JSONScanner.Failure) in
                    chunk.choices.append(try Self.choice(&scanner))
                }
            } else if JSONScanner.key(key, is: "usage") {
                try scanner.object(nullable: true) { (scanner, key) throws(JSONScanner.Failure) in
                    if JSONScanner.key(key, is: "prompt_tokens") {
                        chunk.promptTokens = try scanner.integer()
                    } else if JSONScanner.key(key, is: "completion_tokens") {
                        chunk.completionTokens = try scanner.integer()
                    } else {
                        try scanner.skipValue()
                    }
                }
            } else if JSONScanner.key(key, is: "id") {
                chunk.id = try scanner.string()
            } else if JSONScanner.key(key, is: "model") {
                chunk.model = try scanner.string()
            } else if JSONScanner.key(key, is: "object") {
                chunk.object = try scanner.string()
                if chunk.object == "error" { chunk.isError = true }
            } else if JSONScanner.key(key, is: "error") {
                chunk.isError = true
                try scanner.skipValue()
            } else {
                try scanner.skipValue()
            }
        }
        self = chunk
    }

    private static func choice(_ scanner: inout JSONScanner) throws(JSONScanner.Failure) -> Choice {
        var choice = Choice()
        try scanner.object { (scanner, key) throws(JSONScanner.Failure) in
            if JSONScanner.key(key, is: "delta") {
                try scanner.object(nullable: true) { (scanner, key) throws(JSONScanner.Failure) in
                    if JSONScanner.key(key, is: "content") {
                        choice.content = try scanner.string()
                    } else if JSONScanner.key(key, is: "reasoning") || JSONScanner.key(key, is: "reasoning_content") {
                        choice.reasoning = try scanner.string() ?? choice.reasoning
                    } else if JSONScanner.key(key, is: "tool_calls") {
                        try scanner.array { (scanner) throws(JSONScanner.Failure) in
                            choice.hasToolCalls = true
                            try scanner.skipValue()
                        }
                    } else {
                        try scanner.skipValue()
                    }
                }
            } else if JSONScanner.key(key, is: "finish_reason") {
                choice.finishReason = try scanner.string()
            } else {
                try scanner.skipValue()
            }
        }
        return choice
    }
}
