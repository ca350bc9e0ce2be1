import Foundation

/// Folds the events of one streamed chat completion into a `ChatCompletion`: content pieces, the finish reason,
/// the usage of the final `choices: []` chunk, and the time of the first token and of `[DONE]`.
struct ChatStream {
    private let start: ContinuousClock.Instant
    private let decoder = JSONDecoder()
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
        let chunk: ChatChunk
        do {
            chunk = try decoder.decode(ChatChunk.self, from: Data(event.data.utf8))
        } catch {
            throw .malformedChunk(line: event.line, byteOffset: event.byteOffset, reason: Self.reason(error, event.data))
        }
        if let fields = chunk.error {
            throw .streamError(fields.error ?? UpstreamError(message: event.data))
        }
        if chunk.object == "error" {
            throw .streamError(UpstreamError.parse(Data(event.data.utf8)) ?? UpstreamError(message: event.data))
        }
        completion.chunks += 1
        if completion.id == nil { completion.id = chunk.id }
        if completion.model == nil { completion.model = chunk.model }
        if let usage = chunk.usage {
            completion.promptTokens = usage.promptTokens ?? completion.promptTokens
            completion.completionTokens = usage.completionTokens ?? completion.completionTokens
        }
        var firstToken = false
        for choice in chunk.choices ?? [] {
            if let reason = choice.finishReason { completion.finishReason = reason }
            guard let delta = choice.delta else { continue }
            if let content = delta.content { completion.content += content }
            let text = (delta.content ?? "") + (delta.reasoning ?? delta.reasoningContent ?? "")
            if !text.isEmpty, completion.timeToFirstToken == nil {
                completion.timeToFirstToken = .now - start
                firstToken = true
            }
        }
        return firstToken
    }

    private static func reason(_ error: any Error, _ data: String) -> String {
        let shown = data.count > 80 ? String(data.prefix(80)) + "…" : data
        if case DecodingError.typeMismatch(_, let context) = error {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "unexpected type at '\(path)' in \(shown)"
        }
        return "not a JSON chunk: \(shown)"
    }
}
