import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/chat/completions`: validates as vLLM does, answers as the configured role, streams or not, and
/// applies the request's fault.
struct ChatCompletionHandler {
    let engine: Engine

    func respond(to request: Request, context: DoubleRequestContext) async throws -> Response {
        let arrival = ContinuousClock.now
        return try await engine.serve(request) { number, fault in
            let chat = try await engine.decode(ChatRequest.self, from: request)
            // As vLLM's `_base_request_id`: the caller's `X-Request-Id`, else the body's `request_id`, else its own.
            let requestID = request.headers[Self.requestIDHeader] ?? chat.requestID ?? engine.identifier(for: number)
            let generation = try prepare(chat, requestID: requestID, fault: fault)
            if chat.stream {
                return stream(generation, fault: fault, arrival: arrival)
            }
            return try await complete(generation, fault: fault, arrival: arrival, context: context)
        }
    }

    private static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    private func prepare(_ chat: ChatRequest, requestID: String, fault: VLLMDouble.Fault?) throws(APIError) -> Generation {
        let configuration = engine.configuration
        if let model = chat.model, model != configuration.servedModelName {
            throw APIError(status: 404, message: "The model `\(model)` does not exist.")
        }
        if chat.streamOptions != nil, !chat.stream {
            throw .badRequest("Stream options can only be defined when `stream=True`.")
        }
        if let maxTokens = chat.maxTokens, maxTokens < 1 {
            throw .badRequest("max_tokens must be at least 1, got \(maxTokens).")
        }
        let promptTokens = Tokenizer.promptTokens(chat.messages)
        try checkContextLength(promptTokens: promptTokens, maxTokens: chat.maxTokens)
        let maxTokens = chat.maxTokens ?? configuration.maxModelLength - promptTokens
        var tokens = Tokenizer.tokens(try answer(chat.messages))
        let finishReason: EngineMetrics.FinishReason = tokens.count > maxTokens ? .length : .stop
        if finishReason == .length { tokens.removeLast(tokens.count - maxTokens) }
        let streamUsage: ChatCompletionEncoder.StreamUsage =
            switch chat.streamOptions {
            case .some(let options) where options.includeUsage:
                options.continuousUsageStats ? .continuous : .final
            default: .omitted
            }
        return Generation(
            encoder: ChatCompletionEncoder(
                id: "chatcmpl-" + requestID, created: Int(Date().timeIntervalSince1970),
                model: configuration.servedModelName, naming: configuration.metricNaming),
            tokens: tokens, finishReason: finishReason, promptTokens: promptTokens, maxTokens: maxTokens,
            firstTokenDelay: engine.firstTokenDelay(fault), interTokenDelay: configuration.interTokenDelay,
            streamUsage: streamUsage)
    }

    /// vLLM's `_validate_input` messages.
    private func checkContextLength(promptTokens: Int, maxTokens: Int?) throws(APIError) {
        let limit = engine.configuration.maxModelLength
        if let maxTokens, promptTokens + maxTokens > limit {
            throw .badRequest(
                "This model's maximum context length is \(limit) tokens. However, you requested "
                    + "\(promptTokens + maxTokens) tokens (\(promptTokens) in the messages, \(maxTokens) in the "
                    + "completion). Please reduce the length of the messages or completion.")
        }
        if maxTokens == nil, promptTokens >= limit {
            throw .badRequest(
                "This model's maximum context length is \(limit) tokens. However, you requested \(promptTokens) "
                    + "tokens in the messages, Please reduce the length of the messages.")
        }
    }

    private func answer(_ messages: [ChatRequest.Message]) throws(APIError) -> String {
        let configuration = engine.configuration
        switch (configuration.role, configuration.guardFormat) {
        case (.frontier, _): return FrontierModel.answer(to: messages)
        case (.guard, .qwen3guard): return GuardModel.qwen3Guard(messages)
        case (.guard, .llamaguard): return GuardModel.llamaGuard(messages)
        case (.guard, .openai):
            throw APIError(status: 404, message: "This double answers as OpenAI moderation at POST /v1/moderations.")
        }
    }

    /// The non-streaming answer, after the time its tokens would take.
    private func complete(
        _ generation: Generation, fault: VLLMDouble.Fault?, arrival: ContinuousClock.Instant,
        context: DoubleRequestContext
    ) async throws -> Response {
        let metrics = engine.metrics
        metrics.started(tokens: generation.cacheTokens)
        var trace = RequestTrace(arrival: arrival)
        do {
            try await Engine.pause(generation.firstTokenDelay)
            trace.emit(1)
            try await Engine.pause(generation.interTokenDelay * (generation.tokens.count - 1))
            trace.emit(generation.tokens.count - 1)
            let body = generation.encoder.response(
                content: generation.tokens.joined(), finishReason: generation.finishReason.rawValue,
                usage: generation.usage(completionTokens: generation.tokens.count))
            let faulted = try await engine.bodyFault(fault, body: body, context: context)
            let reason: EngineMetrics.FinishReason =
                if case .streamError? = fault { .error } else { generation.finishReason }
            metrics.finished(generation.record(trace, reason), tokens: generation.cacheTokens)
            return faulted ?? engine.json(body)
        } catch {
            metrics.finished(generation.record(trace, .abort), tokens: generation.cacheTokens)
            throw error
        }
    }

    /// The streaming answer: the response head at once, then the events as the tokens come.
    private func stream(
        _ generation: Generation, fault: VLLMDouble.Fault?, arrival: ContinuousClock.Instant
    ) -> Response {
        let metrics = engine.metrics
        let errorShape = engine.configuration.errorShape
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8"],
            body: ResponseBody { writer in
                metrics.started(tokens: generation.cacheTokens)
                var stream = ChatCompletionStream(
                    generation: generation, fault: fault, errorShape: errorShape, arrival: arrival)
                do {
                    let reason = try await stream.write(to: &writer)
                    metrics.finished(generation.record(stream.trace, reason), tokens: generation.cacheTokens)
                } catch {
                    metrics.finished(generation.record(stream.trace, .abort), tokens: generation.cacheTokens)
                    throw error
                }
            })
    }
}
