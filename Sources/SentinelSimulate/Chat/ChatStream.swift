import Foundation

/// Folds the events of one streamed chat completion into a `ChatCompletion`: content pieces, the finish reason,
/// the usage of the final `choices: []` chunk, and the time of the first token and of `[DONE]`.
struct ChatStream {
    private let start: ContinuousClock.Instant
    private var completion: ChatCompletion
    /// Whether `data: [DONE]` has arrived.
    private(set) var isDone = false

    init(start: ContinuousClock.Instant) {
        self.start = start
        completion = ChatCompletion(content: "", latency: .zero, chunks: 0)
    }

    /// The completion so far (final once `isDone`).
    var result: ChatCompletion { completion }

    /// Takes one event; returns true when it was the first one with content (the first token).
    mutating func consume(_ event: SSEEvent) throws(RequestFailure) -> Bool {
        guard !isDone, event.type == "message" else { return false }
        if event.isDone {
            isDone = true
            completion.latency = .now - start
            return false
        }
        var text = event.data
        let parsed = text.withUTF8 { utf8 in
            Result { () throws(JSONScanner.Failure) in try ChatChunk(json: UnsafeRawBufferPointer(utf8)) }
        }
        let chunk: ChatChunk
        switch parsed {
        case .success(let value):
            chunk = value
        case .failure(let failure):
            throw .malformedChunk(line: event.line, byteOffset: event.byteOffset, reason: Self.reason(failure, text))
        }
        if chunk.isError {
            throw .streamError(UpstreamError.parse(Data(text.utf8)) ?? UpstreamError(message: text))
        }
        completion.chunks += 1
        if completion.id == nil { completion.id = chunk.id }
        if completion.model == nil { completion.model = chunk.model }
        if let tokens = chunk.promptTokens { completion.promptTokens = tokens }
        if let tokens = chunk.completionTokens { completion.completionTokens = tokens }
        var firstToken = false
        for choice in chunk.choices {
            if let reason = choice.finishReason { completion.finishReason = reason }
            if let content = choice.content { completion.content += content }
            let produced = choice.content?.isEmpty == false || choice.reasoning?.isEmpty == false
            if produced, completion.timeToFirstToken == nil {
                completion.timeToFirstToken = .now - start
                firstToken = true
            }
        }
        return firstToken
    }

    private static func reason(_ failure: JSONScanner.Failure, _ data: String) -> String {
        let shown = data.count > 80 ? String(data.prefix(80)) + "…" : data
        return "\(failure.message) at byte \(failure.offset) of the data: \(shown)"
    }
}
