import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs a Hummingbird router on 127.0.0.1 for a test: on `port` (0 picks a free one) while `body` runs with the
/// port it bound, then shuts it down. Receivers, metrics endpoints and API doubles in tests all start this way.
///
/// The shutdown is graceful (stop accepting, let accepted connections finish), not a cancellation: cancelling a
/// NIO server while a connection is accepted but not yet handed over traps ("Deinited NIOAsyncWriter without
/// calling finish()", apple/swift-nio#3481). A server still busy after `shutdownGrace` is cancelled.
public enum LoopbackServer {
    public struct NotListening: Error {}

    static let shutdownGrace = Duration.seconds(5)

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
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let bound = await iterator.next() else {
                group.cancelAll()
                throw NotListening()
            }
            let result: Result<T, any Error>
            do { result = .success(try await body(bound)) } catch { result = .failure(error) }
            await services.triggerGracefulShutdown()
            group.addTask {
                try await Task.sleep(for: shutdownGrace)
                throw CancellationError()
            }
            // The server's task ends first unless a connection keeps it past the grace.
            _ = try? await group.next()
            group.cancelAll()
            return try result.get()
        }
    }
}
