import Foundation

/// Folds the events of one streamed chat completion into a `ChatCompletion`: content pieces, the finish reason,
/// the usage of the final `choices: []` chunk, and the time of the first token and of `[DONE]`.
struct ChatStream {
    /// The largest answer kept by default, in bytes of content (16 MiB, far beyond any `max_tokens`).
    static let defaultMaximumContentBytes = 16 << 20

    private let start: ContinuousClock.Instant
    private let maximumContentBytes: Int
    private var completion: ChatCompletion
    /// Whether `data: [DONE]` has arrived.
    private(set) var isDone = false

    /// A stream timed from `start`, failing with `.malformedResponse` once the content passes
    /// `maximumContentBytes`.
    init(start: ContinuousClock.Instant, maximumContentBytes: Int = Self.defaultMaximumContentBytes) {
        self.start = start
        self.maximumContentBytes = maximumContentBytes
        completion = ChatCompletion(content: "", latency: .zero, chunks: 0)
    }

    /// The completion so far (final once `isDone`).
    var result: ChatCompletion { completion }

    /// Takes one event; returns true when it was the first one with content (the first token). An `event: error`
    /// fails with its data; other named events are not the completion's and are skipped.
    mutating func consume(_ event: SSEEvent) throws(RequestFailure) -> Bool {
        guard !isDone else { return false }
        if event.type == "error" { throw .streamError(Self.upstreamError(event.data)) }
        guard event.type == "message" else { return false }
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
        if chunk.isError { throw .streamError(Self.upstreamError(text)) }
        completion.chunks += 1
        if completion.id == nil { completion.id = chunk.id }
        if completion.model == nil { completion.model = chunk.model }
        if let tokens = chunk.promptTokens { completion.promptTokens = tokens }
        if let tokens = chunk.completionTokens { completion.completionTokens = tokens }
        var firstToken = false
        for choice in chunk.choices {
            if let reason = choice.finishReason { completion.finishReason = reason }
            if let content = choice.content {
                completion.content += content
                if completion.content.utf8.count > maximumContentBytes {
                    throw .malformedResponse(
                        reason: "the answer is over the limit of \(maximumContentBytes) bytes at line \(event.line)")
                }
            }
            let produced =
                choice.content?.isEmpty == false || choice.reasoning?.isEmpty == false || choice.hasToolCalls
            if produced, completion.timeToFirstToken == nil {
                completion.timeToFirstToken = .now - start
                firstToken = true
            }
        }
        return firstToken
    }

    /// The error object in an error event's data, or the data as the message.
    private static func upstreamError(_ data: String) -> UpstreamError {
        UpstreamError.parse(Data(data.utf8)) ?? UpstreamError(message: data)
    }

    private static func reason(_ failure: JSONScanner.Failure, _ data: String) -> String {
        let shown = data.count > 80 ? String(data.prefix(80)) + "…" : data
        return "\(failure.message) at byte \(failure.offset) of the data: \(shown)"
    }
}
