import NIOHTTPCompression
import SentinelCore
import SentinelEvaluate

/// Why a scrape failed. Its `description` is the `error` of the `scrape_error` event and of the log line.
public enum ScrapeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// No response: the connection was refused or broke, the name did not resolve, TLS failed.
    case connection(String)
    /// No whole response within the target's timeout.
    case timeout(Duration)
    /// A response status other than 200.
    case status(Int)
    /// A body over the target's size limit, in bytes.
    case bodyTooLarge(limit: Int)
    /// A compressed body (`Content-Encoding` `gzip` or `deflate`) over the target's size limit once decompressed.
    case decompressedBodyTooLarge(encoding: String, limit: Int)
    /// A compressed body that does not decompress: corrupt, truncated, or with data after its end.
    case invalidCompressedBody(encoding: String)
    /// An exposition with more samples than the target's sample limit.
    case sampleLimit(Int)
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
        case .bodyTooLarge(let limit): "response body larger than \(ByteCount.text(limit))"
        case .decompressedBodyTooLarge(let encoding, let limit):
            "response body: \(encoding) data larger than \(ByteCount.text(limit)) when decompressed"
        case .invalidCompressedBody(let encoding): "response body: invalid \(encoding) data"
        case .sampleLimit(let limit): "more than \(limit) samples, the target's sample limit"
        case .parse(let error): "invalid exposition: \(error)"
        }
    }

    /// The failure for an error of the client's decompression, nil for any other error.
    init?(decompressing error: any Error, encoding: String?, limit: Int) {
        switch error {
        case NIOHTTPDecompression.DecompressionError.limit:
            self = .decompressedBodyTooLarge(encoding: encoding ?? "compressed", limit: limit)
        case is NIOHTTPDecompression.DecompressionError, is NIOHTTPDecompression.ExtraDecompressionError:
            self = .invalidCompressedBody(encoding: encoding ?? "compressed")
        default:
            return nil
        }
    }
}
