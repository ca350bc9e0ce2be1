import ServiceLifecycle

/// Runs the evaluation loop for the lifetime of the service group. On graceful shutdown (started after the
/// HTTP server and the collectors have stopped) it closes the queue, lets the loop evaluate everything already
/// accepted, flush the engine and close the tap, then returns.
public struct EvaluationService: Service {
    let server: SentinelServer

    public init(server: SentinelServer) { self.server = server }

    public func run() async throws {
        server.loop.start()
        try? await gracefulShutdown()
        server.queue.close()
        await server.loop.waitUntilFinished()
    }
}
