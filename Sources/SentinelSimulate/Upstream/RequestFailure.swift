import SentinelCore

/// Why a request to the frontier or the guard produced no usable answer. Every case becomes one
/// `{"kind":"error",...}` event; `errorType` is its stable name there.
public enum RequestFailure: Error, Sendable, Equatable {
    /// Which deadline passed (all measured from when the request was sent).
    public enum TimeoutPhase: String, Sendable {
        /// No response head: the connection was not made or the server did not accept the request.
        case connect
        /// A head but no content token yet.
        case firstToken = "first_token"
        /// The whole exchange took too long.
        case total
    }

    case timeout(TimeoutPhase, after: Duration)
    /// A non-2xx status, with the error object when the body held one (either vLLM shape) and the body's first
    /// bytes.
    case status(Int, UpstreamError?, body: String)
    /// A stream event that is neither a chunk, an error nor `[DONE]`: where it stood and what was wrong.
    case malformedChunk(line: Int, byteOffset: Int, reason: String)
    /// A non-streaming response body that is not what the endpoint returns.
    case malformedResponse(reason: String)
    /// `data: {"error":...}` inside a stream that had started fine.
    case streamError(UpstreamError)
    /// The body ended, or the connection broke, before `data: [DONE]`.
    case disconnected(afterBytes: Int, reason: String?)
    /// The guard answered, but not in its format; the text is kept.
    case unparseableVerdict(raw: String, reason: String)
    /// No HTTP exchange at all: connection refused, reset before the head, bad URL.
    case transport(String)
    /// The caller's task was cancelled.
    case cancelled

    /// The failure's name in error events (`error_type`).
    public var errorType: String {
        switch self {
        case .timeout(let phase, _): "timeout_" + phase.rawValue
        case .status: "http_status"
        case .malformedChunk: "malformed_chunk"
        case .malformedResponse: "malformed_response"
        case .streamError: "stream_error"
        case .disconnected: "disconnected"
        case .unparseableVerdict: "unparseable_verdict"
        case .transport: "transport"
        case .cancelled: "cancelled"
        }
    }

    /// The HTTP status, when the server sent one.
    public var status: Int? {
        if case .status(let code, _, _) = self { return code }
        return nil
    }

    /// The server's own error type (`BadRequestError`, ...), when it sent an error object.
    public var upstreamType: String? {
        switch self {
        case .status(_, let error, _): error?.type
        case .streamError(let error): error.type
        default: nil
        }
    }

    /// One line for people: what happened, with the server's message when there is one.
    public var message: String {
        switch self {
        case .timeout(let phase, let after):
            let what =
                switch phase {
                case .connect: "no response head"
                case .firstToken: "no first token"
                case .total: "request not finished"
                }
            return "\(what) after \(Int(after.milliseconds.rounded())) ms"
        case .status(let code, let error, let body):
            if let error, !error.message.isEmpty { return "HTTP \(code): \(error.message)" }
            return body.isEmpty ? "HTTP \(code)" : "HTTP \(code): \(body)"
        case .malformedChunk(let line, let offset, let reason):
            return "malformed stream event at line \(line) (byte \(offset)): \(reason)"
        case .malformedResponse(let reason):
            return "malformed response: \(reason)"
        case .streamError(let error):
            return "error inside the stream: \(error.message)"
        case .disconnected(let bytes, let reason):
            let base = "stream ended before [DONE] after \(bytes) bytes"
            return reason.map { base + ": " + $0 } ?? base
        case .unparseableVerdict(_, let reason):
            return "unparseable guard verdict: \(reason)"
        case .transport(let reason):
            return reason
        case .cancelled:
            return "cancelled"
        }
    }
}
