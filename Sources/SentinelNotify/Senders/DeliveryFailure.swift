import SentinelCore

/// Why one attempt to deliver a notification failed. Its `description` is the outbox entry's `lastError` and the
/// log line's `error`.
///
/// A 4xx answer other than 408 (request timeout) and 429 (too many requests) is **permanent**: the receiver
/// understood the request and refused it, so sending it again cannot help, and the notification is abandoned at
/// once. Every other failure (timeouts, connection errors, 408, 429, 5xx, 3xx) is retried, no sooner than a 429's or
/// 503's `Retry-After` asks (up to the receiver's `max_backoff`).
public enum DeliveryFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response head within the receiver's timeout.
    case timeout(Duration)
    /// No response: the connection was refused or broke, the name did not resolve, TLS failed.
    case connection(String)
    /// A status outside 200–299, with the first 200 bytes of the body.
    case httpStatus(Int, body: String)
    /// A 429 or 503 with a `Retry-After`: the receiver asks for the next attempt no sooner than that.
    case throttled(Int, body: String, retryAfter: Duration)

    /// What the worker counts failures by (the `reason` label of the delivery metrics).
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case timeout
        case connection
        case httpStatus = "http_status"
        /// A refusal that is not retried.
        case permanent
    }

    /// How many bytes of an error response's body the failure keeps.
    public static let bodyPrefixLength = 200

    /// Whether retrying cannot help: a 4xx other than 408 and 429.
    public var isPermanent: Bool {
        guard case .httpStatus(let code, _) = self else { return false }
        return (400..<500).contains(code) && code != 408 && code != 429
    }

    /// What the failure counts as: `permanent` for a permanent one, otherwise its kind.
    public var reason: Reason {
        switch self {
        case .timeout: .timeout
        case .connection: .connection
        case .httpStatus: isPermanent ? .permanent : .httpStatus
        case .throttled: .httpStatus
        }
    }

    /// How long the receiver asked to be left alone (`Retry-After`); nil when it did not.
    public var retryAfter: Duration? {
        guard case .throttled(_, _, let wait) = self else { return nil }
        return wait
    }

    /// `no response within 10s`, `connection failed: …`, `HTTP status 503: <body>`.
    public var description: String {
        switch self {
        case .timeout(let timeout):
            "no response within \(DurationLiteral.format(milliseconds: Int64(timeout.milliseconds)))"
        case .connection(let message): "connection failed: \(message)"
        case .httpStatus(let code, let body): "HTTP status \(code)" + (body.isEmpty ? "" : ": \(body)")
        case .throttled(let code, let body, let wait):
            "HTTP status \(code), retry after \(DurationLiteral.format(milliseconds: Int64(wait.milliseconds)))"
                + (body.isEmpty ? "" : ": \(body)")
        }
    }
}
