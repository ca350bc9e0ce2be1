import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Streams chat completions from an OpenAI-compatible server (vLLM): `POST /v1/chat/completions` with
/// `stream: true` and `stream_options: {include_usage: true}`, the body read as it arrives.
///
/// ```swift
/// let client = ChatClient(baseURL: "http://127.0.0.1:8000")
/// let completion = try await client.stream(ChatRequest(model: "olmo-2-1b", messages: [.user("Hi")]))
/// print(completion.content, completion.timeToFirstToken ?? .zero)
/// ```
public struct ChatClient: Sendable {
    /// The server, with or without the `/v1` suffix.
    public var baseURL: String
    /// Sent as `Authorization: Bearer …` when set.
    public var apiKey: String?
    /// Connect, first-token and total limits of each request.
    public var timeouts: RequestTimeouts
    /// The client the requests go through (`HTTPClient.shared` by default).
    public var httpClient: HTTPClient

    /// A client for the server at `baseURL`.
    public init(
        baseURL: String, apiKey: String? = nil, timeouts: RequestTimeouts = RequestTimeouts(),
        httpClient: HTTPClient = .shared
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeouts = timeouts
        self.httpClient = httpClient
    }

    /// Sends `request` and reads its stream to `[DONE]`.
    ///
    /// `startedAt` is the instant the latency and time to first token are measured from (the simulator passes the
    /// arrival's scheduled time, so that time spent waiting to send counts); the timeouts run from the call.
    public func stream(
        _ request: ChatRequest, startedAt: ContinuousClock.Instant = .now
    ) async throws(RequestFailure) -> ChatCompletion {
        let progress = RequestProgress()
        let url = Endpoint.url(baseURL, "chat/completions")
        let headers = request.headers + [("Accept", "text/event-stream")]
        let body = request.body(stream: true)
        let (client, timeouts, apiKey, requestID) = (httpClient, timeouts, apiKey, request.requestID)
        return try await timeouts.enforce(progress) { () async throws(RequestFailure) -> ChatCompletion in
            let response = try await client.postJSON(
                url, body: body, apiKey: apiKey, requestID: requestID, headers: headers, timeouts: timeouts)
            progress.reach(.headReceived)
            return try await Self.read(response, startedAt: startedAt, progress: progress, timeouts: timeouts)
        }
    }

    /// Reads the SSE body to `[DONE]`, which completes the answer. The rest of the body is drained so that the
    /// connection can be reused; a drain that fails (a reset, a body that never ends and is cut at the total limit)
    /// only costs the connection.
    private static func read(
        _ response: HTTPClientResponse, startedAt: ContinuousClock.Instant, progress: RequestProgress,
        timeouts: RequestTimeouts
    ) async throws(RequestFailure) -> ChatCompletion {
        try checkEventStream(response)
        var parser = SSEParser()
        var stream = ChatStream(start: startedAt)
        do {
            for try await buffer in response.body where !stream.isDone {
                try buffer.withUnsafeReadableBytes { bytes in
                    try parser.feed(bytes) { event in
                        if try stream.consume(event) { progress.reach(.firstToken) }
                    }
                }
                if stream.isDone { progress.reach(.complete) }
            }
        } catch {
            if stream.isDone { return stream.result }
            if let tooLarge = error as? SSEEventTooLarge { throw .malformedResponse(reason: tooLarge.description) }
            throw RequestFailure(readingBody: error, afterBytes: parser.byteCount, timeouts: timeouts)
        }
        guard stream.isDone else { throw .disconnected(afterBytes: parser.byteCount, reason: nil) }
        return stream.result
    }

    /// Fails unless the response is an event stream (or does not say): a server that ignored `stream: true`
    /// answers `application/json`.
    private static func checkEventStream(_ response: HTTPClientResponse) throws(RequestFailure) {
        guard let contentType = response.headers.first(name: "Content-Type") else { return }
        let mediaType = contentType.prefix { $0 != ";" }.trimmingSpaces.lowercased()
        guard mediaType != "text/event-stream" else { return }
        throw .malformedResponse(reason: "expected an event stream (text/event-stream), got \(contentType)")
    }
}
