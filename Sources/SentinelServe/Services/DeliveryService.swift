import SentinelNotify
import ServiceLifecycle

/// Runs the outbox worker for the lifetime of the service group. It is the last service to stop, after the
/// evaluation loop has committed its final notifications; entries not delivered by then stay in the store's outbox
/// and are delivered after the next start.
public struct DeliveryService: Service {
    let server: SentinelServer

    public init(server: SentinelServer) { self.server = server }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await server.delivery.run()
        }
    }
}
