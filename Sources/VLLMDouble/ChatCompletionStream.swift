import Hummingbird

/// Writes one streaming answer as SSE events: the role event and the first token after the first-token delay,
/// each later token after the inter-token delay, then the usage event (if asked for) and `[DONE]`.
///
/// Events due at the same moment go out in one write, so a double without delays answers in one write.
/// A fault `after k chunks` acts before event k (counting from 0, `[DONE]` included), and at `[DONE]` at the
/// latest.
struct ChatCompletionStream {
    let generation: Generation
    let fault: VLLMDouble.Fault?
    let errorShape: VLLMDouble.ErrorShape
    private(set) var trace: RequestTrace
    private var pending = ""

    init(
        generation: Generation, fault: VLLMDouble.Fault?, errorShape: VLLMDouble.ErrorShape,
        arrival: ContinuousClock.Instant
    ) {
        self.generation = generation
        self.fault = fault
        self.errorShape = errorShape
        trace = RequestTrace(arrival: arrival)
    }

    /// Writes the stream and returns why it ended; throws when a fault or the client cut the connection.
    mutating func write(to writer: inout any ResponseBodyWriter) async throws -> EngineMetrics.FinishReason {
        let tokenCount = generation.tokens.count
        let doneIndex = 1 + tokenCount + (generation.streamUsage == .omitted ? 0 : 1)
        let faultIndex: Int?
        switch fault {
        case .disconnect(let chunks), .malformedChunk(let chunks), .streamError(let chunks, _):
            faultIndex = min(chunks, doneIndex)
        case .hang(let duration):
            try await Engine.pause(duration)
            throw DoubleRequestContext.Disconnected()
        case .status, .slowFirstToken, nil:
            faultIndex = nil
        }
        try await Engine.pause(generation.firstTokenDelay)
        for index in 0...doneIndex {
            if index == faultIndex {
                switch fault {
                case .disconnect:
                    try await flush(to: &writer)
                    throw DoubleRequestContext.Disconnected()
                case .malformedChunk:
                    pending += generation.encoder.malformedEvent()
                case .streamError(_, let shape):
                    pending +=
                        "data: \(APIError.injectedEngineFailure.streamPayload(shape ?? errorShape))\n\n"
                        + ChatCompletionEncoder.doneEvent
                    try await flush(to: &writer)
                    try await writer.finish(nil)
                    return .error
                case .status, .slowFirstToken, .hang, nil:
                    break
                }
            }
            if index >= 2, index <= tokenCount, generation.interTokenDelay > .zero {
                try await flush(to: &writer)
                try await Engine.pause(generation.interTokenDelay)
            }
            pending += event(index, tokenCount: tokenCount, doneIndex: doneIndex)
        }
        try await flush(to: &writer)
        try await writer.finish(nil)
        return generation.finishReason
    }

    /// Event `index`: 0 the role, 1…n the tokens, then the usage (if asked for), then `[DONE]`.
    private mutating func event(_ index: Int, tokenCount: Int, doneIndex: Int) -> String {
        let encoder = generation.encoder
        switch index {
        case 0:
            return encoder.roleEvent(usage: generation.streamUsage, promptTokens: generation.promptTokens)
        case 1...tokenCount:
            trace.emit(1)
            return encoder.contentEvent(
                generation.tokens[index - 1],
                finishReason: index == tokenCount ? generation.finishReason.rawValue : nil,
                usage: generation.streamUsage, soFar: generation.usage(completionTokens: index))
        case doneIndex:
            return ChatCompletionEncoder.doneEvent
        default:
            return encoder.usageEvent(generation.usage(completionTokens: tokenCount))
        }
    }

    private mutating func flush(to writer: inout any ResponseBodyWriter) async throws {
        guard !pending.isEmpty else { return }
        try await writer.write(ByteBuffer(string: pending))
        pending = ""
    }
}
