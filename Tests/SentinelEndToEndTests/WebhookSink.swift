import Foundation
import Hummingbird
import SentinelTestSupport
import Synchronization

/// A webhook receiver on 127.0.0.1 that records every delivery (its `Idempotency-Key` and JSON body). It can be
/// started on a fixed port, stopped and started again, to play a receiver that is down for a while.
final class WebhookSink: Sendable {
    struct Delivery: Sendable {
        var key: String
        var body: String
    }

    private let deliveries = Mutex<[Delivery]>([])

    var received: [Delivery] { deliveries.withLock { $0 } }
    var keys: Set<String> { Set(received.map(\.key)) }

    /// Serves on `port` (0: a free one) while `body` runs; `body` gets the port.
    func serve<T: Sendable>(port: Int = 0, _ body: @Sendable (Int) async throws -> T) async throws -> T {
        let router = Router(context: BasicRequestContext.self)
        router.post("/hook") { request, _ in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let delivery = Delivery(key: request.headers.first { $0.name.canonicalName == "idempotency-key" }?.value ?? "", body: String(buffer: buffer))
            self.deliveries.withLock { $0.append(delivery) }
            return Response(status: .ok)
        }
        return try await LoopbackServer.serve(router, port: port, body)
    }
}
