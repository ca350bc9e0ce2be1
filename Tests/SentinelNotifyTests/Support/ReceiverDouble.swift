import Hummingbird
import Logging
import NIOCore
import Synchronization
import SentinelTestSupport
import Testing

/// A webhook receiver on 127.0.0.1: answers `POST /hook` with scripted replies and records every request.
final class ReceiverDouble: Sendable {
    /// One request as it arrived.
    struct Request: Sendable {
        var headers: [String: String]
        var body: [UInt8]
    }

    /// How to answer one request.
    enum Reply: Sendable {
        case status(Int, body: String = "")
        /// Waits this long before answering 200 (the request is recorded first).
        case delay(Duration)
        /// A redirect (`status` 3xx) to `/landing`, which records what reaches it.
        case redirect(Int)
        /// `status` with a `Retry-After` header of this text.
        case retryAfter(Int, String)
    }

    private let requests = Mutex<[Request]>([])
    private let landings = Mutex(0)
    private let concurrency = Mutex((now: 0, most: 0))
    private let script: Mutex<[Reply]>
    private let fallback: Reply

    /// Answers with `script` in order, then with `fallback` for ever.
    init(_ script: [Reply] = [], then fallback: Reply = .status(200)) {
        self.script = Mutex(script)
        self.fallback = fallback
    }

    var received: [Request] { requests.withLock { $0 } }

    /// Requests that reached `/landing`, where `.redirect` points.
    var landed: Int { landings.withLock { $0 } }

    /// The most requests it was answering at once.
    var mostConcurrent: Int { concurrency.withLock { $0.most } }

    /// Every request's `Idempotency-Key`.
    var idempotencyKeys: [String] { received.compactMap { $0.headers["idempotency-key"] } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            self.concurrency.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
            defer { self.concurrency.withLock { $0.now -= 1 } }
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            self.requests.withLock { $0.append(Request(headers: headers, body: Array(body.readableBytesView))) }
            switch self.script.withLock({ $0.isEmpty ? self.fallback : $0.removeFirst() }) {
            case .status(let code, let text):
                return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: text)))
            case .delay(let duration):
                try await Task.sleep(for: duration)
                return Response(status: .ok)
            case .redirect(let code):
                return Response(status: .init(code: code), headers: [.location: "/landing"])
            case .retryAfter(let code, let value):
                return Response(status: .init(code: code), headers: [.retryAfter: value])
            }
        }
        router.on("landing", method: .get) { _, _ in
            self.landings.withLock { $0 += 1 }
            return Response(status: .ok)
        }
        router.on("landing", method: .post) { _, _ in
            self.landings.withLock { $0 += 1 }
            return Response(status: .ok)
        }
        return router
    }

    /// Serves on `port` (0: a free one) while `body` runs with the port, then shuts down.
    func serve(port: Int = 0, _ body: @Sendable (Int) async throws -> Void) async throws {
        try await LoopbackServer.serve(router, port: port, body)
    }
}
