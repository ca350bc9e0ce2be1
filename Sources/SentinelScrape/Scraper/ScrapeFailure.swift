import SentinelCore
import SentinelEvaluate

/// Why a scrape failed. Its `description` is the `error` of the `scrape_error` event and of the log line.
public enum ScrapeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response: the connection was refused or broke, the name did not resolve, TLS failed.
    case connection(String)
    /// No whole response within the target's timeout.
    case timeout(Duration)
    /// A response status outside 200–299.
    case status(Int)
    /// A body over the target's size limit, in bytes.
    case bodyTooLarge(limit: Int)
    /// A body that is not a valid exposition.
    case parse(ExpositionError)

    /// The HTTP status of a `status` failure.
    public var httpStatus: Int? {
        if case .status(let code) = self { return code }
        return nil
    }

    /// The failure as the `error` of a `scrape_error` event reads it.
    public var description: String {
        switch self {
        case .connection(let message): "connection failed: \(message)"
        case .timeout(let timeout): "no complete response within \(NumberFormatting.format(timeout.seconds))s"
        case .status(let code): "server returned HTTP status \(code)"
        case .bodyTooLarge(let limit): "body larger than the limit of \(limit) bytes"
        case .parse(let error): "invalid exposition: \(error)"
        }
    }
}
