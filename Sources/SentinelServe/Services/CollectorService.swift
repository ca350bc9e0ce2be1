import ServiceLifecycle

/// Runs a collector (scraper, simulator) until graceful shutdown cancels it.
public struct CollectorService: Service {
    public let name: String
    let body: @Sendable () async throws -> Void

    public init(name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await body() }
        } catch is CancellationError {}
    }
}
