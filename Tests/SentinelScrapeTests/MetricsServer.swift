import Hummingbird
import SentinelTestSupport

/// A Hummingbird server on 127.0.0.1 and a free port, for scraping over real HTTP: runs `body` with the port,
/// then shuts the server down.
enum MetricsServer {
    static func with(
        _ router: Router<BasicRequestContext>, _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        try await LoopbackServer.serve(router, body)
    }
}
