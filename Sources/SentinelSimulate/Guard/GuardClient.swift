import AsyncHTTPClient
import Foundation
import NIOCore
import SentinelCore

/// Asks a guard model for a verdict on a prompt (prompt moderation: the user message alone) or on an answer
/// (response moderation: the user message and the assistant's answer), non-streaming.
///
/// ```swift
/// let guard = GuardClient(baseURL: "http://127.0.0.1:8001", model: "Qwen3Guard-Gen-0.6B", format: .qwen3guard)
/// let verdict = try await guard.moderate(prompt: "How do I pick a lock?")
/// ```
public struct GuardClient: Sendable {
    /// The server, with or without the `/v1` suffix.
    public var baseURL: String
    /// The guard's served model name.
    public var model: String
    /// How the guard is asked and how its answer reads.
    public var format: GuardFormat
    /// Sent as `Authorization: Bearer …` when set.
    public var apiKey: String?
    /// `connect` and `total` apply; guard answers are not streamed.
    public var timeouts: RequestTimeouts
    /// The client the requests go through (`HTTPClient.shared` by default).
    public var httpClient: HTTPClient

    /// The largest guard answer read, in bytes (1 MiB; a verdict is a few lines).
    static let maximumAnswerBytes = 1 << 20

    /// A client for the guard at `baseURL`: 10 s to connect, 30 s in all unless given.
    public init(
        baseURL: String, model: String, format: GuardFormat, apiKey: String? = nil,
        timeouts: RequestTimeouts = RequestTimeouts(connect: .seconds(10), firstToken: nil, total: .seconds(30)),
        httpClient: HTTPClient = .shared
    ) {
        self.baseURL = baseURL
        self.model = model
        self.format = format
        self.apiKey = apiKey
        self.timeouts = timeouts
        self.httpClient = httpClient
    }

    /// The verdict on `prompt`, or on `response` to it when given. Output the guard's format does not explain
    /// fails with `.unparseableVerdict`, carrying the text.
    public func moderate(
        prompt: String, response: String? = nil, requestID: String? = nil
    ) async throws(RequestFailure) -> GuardVerdict {
        let (url, body) = request(prompt: prompt, response: response)
        let (client, timeouts, format, apiKey) = (httpClient, timeouts, format, apiKey)
        let progress = RequestProgress()
        let bytes = try await timeouts.enforce(progress) { () async throws(RequestFailure) -> Data in
            let answer = try await client.postJSON(
                url, body: body, apiKey: apiKey, requestID: requestID, timeouts: timeouts)
            progress.reach(.headReceived)
            do {
                return Data(try await answer.body.collect(upTo: Self.maximumAnswerBytes).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw .malformedResponse(reason: "the guard's answer is over the limit of \(Self.maximumAnswerBytes) bytes")
            } catch {
                throw RequestFailure(readingBody: error, afterBytes: 0, timeouts: timeouts)
            }
        }
        var verdict = try Self.verdict(bytes, format: format)
        if response == nil { verdict.refusal = nil }
        return verdict
    }

    private func request(prompt: String, response: String?) -> (url: String, body: String) {
        switch format {
        case .openai:
            var json = JSONText()
            json.add("model", model)
            json.add("input", response ?? prompt)
            return (Endpoint.url(baseURL, "moderations"), json.result)
        case .qwen3guard, .llamaguard:
            var messages = [ChatMessage.user(prompt)]
            if let response { messages.append(.assistant(response)) }
            let request = ChatRequest(model: model, messages: messages, maxTokens: 128, temperature: 0)
            return (Endpoint.url(baseURL, "chat/completions"), request.body(stream: false))
        }
    }

    /// The verdict in a response body of `format`.
    static func verdict(_ body: Data, format: GuardFormat) throws(RequestFailure) -> GuardVerdict {
        let text: String
        switch format {
        case .openai:
            do {
                return try GuardVerdict.parseOpenAIModeration(body)
            } catch {
                throw .unparseableVerdict(raw: String(decoding: body, as: UTF8.self), reason: error.reason)
            }
        case .qwen3guard, .llamaguard:
            guard let content = firstMessageContent(body) else {
                let shown = String(decoding: body.prefix(200), as: UTF8.self)
                throw .malformedResponse(reason: "no choices[0].message.content in \(shown)")
            }
            text = content
        }
        do {
            return format == .qwen3guard
                ? try GuardVerdict.parseQwen3Guard(text) : try GuardVerdict.parseLlamaGuard(text)
        } catch {
            throw .unparseableVerdict(raw: text, reason: error.reason)
        }
    }

    /// `choices[0].message.content` of a non-streaming chat completion; nil when the body is not one.
    private static func firstMessageContent(_ body: Data) -> String? {
        body.withUnsafeBytes { bytes in
            var scanner = JSONScanner(bytes)
            var content: String?
            var choices = 0
            do throws(JSONScanner.Failure) {
                try scanner.document { (scanner, key) throws(JSONScanner.Failure) in
                    guard JSONScanner.key(key, is: "choices") else { return try scanner.skipValue() }
                    try scanner.array { (scanner) throws(JSONScanner.Failure) in
                        let first = choices == 0
                        choices += 1
                        try scanner.object { (scanner, key) throws(JSONScanner.Failure) in
                            guard first, JSONScanner.key(key, is: "message") else { return try scanner.skipValue() }
                            try scanner.object(nullable: true) { (scanner, key) throws(JSONScanner.Failure) in
                                guard JSONScanner.key(key, is: "content") else { return try scanner.skipValue() }
                                content = try scanner.string()
                            }
                        }
                    }
                }
            } catch {
                return nil
            }
            return content
        }
    }
}
