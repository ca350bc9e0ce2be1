import Hummingbird
import Logging
import NIOCore

/// Runs a Hummingbird router on 127.0.0.1 for a test: on `port` (0 picks a free one) while `body` runs with the
/// port it bound, then shuts it down. Receivers, metrics endpoints and API doubles in tests all start this way.
public enum LoopbackServer {
    public struct NotListening: Error {}

    public static func serve<T: Sendable>(
        _ router: Router<BasicRequestContext>, port: Int = 0, _ body: @Sendable (Int) async throws -> T
    ) async throws -> T {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "loopback-server")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else { throw NotListening() }
            defer { group.cancelAll() }
            return try await body(bound)
        }
    }
}
