import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SentinelCore
import ServiceLifecycle
import Synchronization

/// What every request of one double shares: the configuration, the metrics, and request numbering (which the
/// fault schedules and response ids follow).
final class Engine: Sendable {
    static let faultHeader = HTTPField.Name("X-Double-Fault")!
    /// Request bodies larger than this are refused (vLLM has no limit; a test double needs one).
    static let maxBodySize = 8 << 20

    let configuration: VLLMDouble.Configuration
    let metrics: EngineMetrics
    private let requestCount = Atomic<Int>(0)

    init(configuration: VLLMDouble.Configuration) {
        self.configuration = configuration
        metrics = EngineMetrics(configuration: configuration)
    }

    /// Numbers a request to a model endpoint, from 1.
    private func nextRequestNumber() -> Int {
        requestCount.add(1, ordering: .relaxed).newValue
    }

    /// Runs a model endpoint (`/v1/chat/completions`, `/v1/moderations`): numbers the request, finds its fault,
    /// answers a `status=` fault at once, else calls `answer`; an `APIError` from either becomes its error response.
    func serve(
        _ request: Request, _ answer: (_ number: Int, _ fault: VLLMDouble.Fault?) async throws -> Response
    ) async throws -> Response {
        let number = nextRequestNumber()
        do {
            let fault = try fault(for: request, number: number)
            if case .status(let code, let shape)? = fault {
                return response(for: APIError(status: code, message: "Injected fault: HTTP \(code)."), shape: shape)
            }
            return try await answer(number, fault)
        } catch let error as APIError {
            return response(for: error)
        }
    }

    /// The fault for a request: its `X-Double-Fault` header if it has one, else the first configured rule that
    /// hits its number.
    private func fault(for request: Request, number: Int) throws(APIError) -> VLLMDouble.Fault? {
        if let header = request.headers[Self.faultHeader] {
            do {
                return try VLLMDouble.Fault.parse(header: header)
            } catch {
                throw .badRequest("Invalid X-Double-Fault header '\(header)': \(error.message)")
            }
        }
        return configuration.faults.first { $0.applies(toRequest: number) }?.fault
    }

    /// 32 hex digits for response ids, from the seed and the request number.
    func identifier(for number: Int) -> String {
        SplitMix64.hexIdentifier(seed: configuration.seed, number: number)
    }

    /// The request body as JSON, or a 400 as vLLM words it.
    func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async throws(APIError) -> Body {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBodySize)
        } catch {
            throw .badRequest("Request body exceeds \(Self.maxBodySize) bytes or could not be read.")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw .badRequest(Self.validationMessage(error))
        } catch {
            throw .badRequest("Invalid request body: \(error.localizedDescription)")
        }
    }

    /// A body that does not decode, in the words of vLLM's pydantic validation (`messages: Field required`), not
    /// Swift's description of the error.
    static func validationMessage(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "1 validation error: \(location(context.codingPath + [key])): Field required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let expected =
                switch type {
                case is String.Type: "a valid string"
                case is Bool.Type: "a valid boolean"
                case is Int.Type: "a valid integer"
                case is [Any].Type: "a valid list"
                default: "a valid value"
                }
            let name = context.codingPath.isEmpty ? "body" : location(context.codingPath)
            return "1 validation error: \(name): Input should be \(expected)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "JSON decode error: the body is not valid JSON"
                : "1 validation error: \(location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "Invalid request body"
        }
    }

    /// An error answer in the given shape, or the configured one.
    func response(for error: APIError, shape: VLLMDouble.ErrorShape? = nil) -> Response {
        json(error.body(shape ?? configuration.errorShape), status: .init(code: error.status))
    }

    func json(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The delay before the first token: a `slow-first-token` fault's, else the configured one.
    func firstTokenDelay(_ fault: VLLMDouble.Fault?) -> Duration {
        if case .slowFirstToken(let delay)? = fault { delay } else { configuration.firstTokenDelay }
    }

    /// Sleeps unless the delay is zero (zero-delay requests never suspend, which keeps the double fast under
    /// load); a graceful shutdown of the server ends the sleep with a `CancellationError`.
    static func pause(_ delay: Duration) async throws {
        guard delay > .zero else { return }
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
    }

    /// Applies the faults that act on a finished non-streaming answer: returns the response for `malformed`
    /// (the body cut in half) and `stream-error` (an HTTP 500), closes the connection for `disconnect` and
    /// (after its wait) `hang`, and returns nil for anything else.
    func bodyFault(
        _ fault: VLLMDouble.Fault?, body: String, context: DoubleRequestContext
    ) async throws -> Response? {
        switch fault {
        case .disconnect:
            try await context.disconnect()
        case .hang(let duration):
            try await Self.pause(duration)
            try await context.disconnect()
        case .malformedChunk:
            return json(String(body.prefix(body.count / 2)))
        case .streamError(_, let shape):
            return response(for: .injectedEngineFailure, shape: shape)
        case .status, .slowFirstToken, nil:
            return nil
        }
    }
}
