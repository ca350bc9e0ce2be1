public import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// An in-process stand-in for vLLM: its OpenAI-compatible API (with SSE streaming), `/metrics`, `/health`,
/// `/version` and `/v1/models` in vLLM's exact wire format, plus OpenAI's `/v1/moderations`, with deterministic
/// answers (see ``Markers``) and injectable faults (see ``Fault``).
///
/// In a test, run it for the length of a closure:
///
/// ```swift
/// try await VLLMDouble.withRunning(.init(role: .guard, guardFormat: .qwen3guard)) { baseURL in
///     // POST \(baseURL)/v1/chat/completions …
/// }
/// ```
///
/// Keep the value to read or steer its state while it runs:
///
/// ```swift
/// let double = VLLMDouble(configuration)
/// try await double.withRunning { baseURL in
///     double.overrideGauges(.init(waiting: 12, kvCacheUsage: 0.95))
/// }
/// ```
public struct VLLMDouble: Sendable {
    /// What the double was made with.
    public var configuration: Configuration { engine.configuration }
    let engine: Engine

    /// A double that is not yet serving; its metrics live as long as the value, across runs.
    public init(_ configuration: Configuration = Configuration()) {
        engine = Engine(configuration: configuration)
    }

    /// Replaces the gauge values `/metrics` reports; nil fields follow the served requests again.
    public func overrideGauges(_ overrides: GaugeOverrides) {
        engine.metrics.setOverrides(overrides)
    }

    /// Adds to `vllm:num_preemptions_total`.
    public func addPreemptions(_ count: Int) {
        engine.metrics.addPreemptions(count)
    }

    /// Serves on `host:port` until the surrounding `ServiceGroup` shuts down gracefully or the task is cancelled.
    /// A graceful shutdown ends every delay and hang at once, so it does not wait for slow answers.
    ///
    /// - Parameters:
    ///   - port: 0 picks a free port.
    ///   - onListening: Called with the base URL (`http://host:port`, the real port) once the socket listens.
    ///     Connections are accepted after it returns, so it must not wait for them.
    public func run(
        host: String = "127.0.0.1", port: Int = 0, onListening: @escaping @Sendable (URL) async -> Void = { _ in }
    ) async throws {
        try await serviceGroup(host: host, port: port, shutdownSignals: [], onListening: onListening).run()
    }

    /// Serves on `host:port` (port 0: a free one) while `body` runs, handing it the base URL, then shuts down
    /// gracefully and returns `body`'s result. Rethrows the server's error if it cannot start (port taken).
    public func withRunning<Result>(
        host: String = "127.0.0.1", port: Int = 0, isolation: isolated (any Actor)? = #isolation,
        _ body: (URL) async throws -> Result
    ) async throws -> Result {
        let (urls, listening) = AsyncStream.makeStream(of: URL.self)
        let server = serviceGroup(host: host, port: port, shutdownSignals: []) { listening.yield($0) }
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self, isolation: isolation) { group in
            group.addTask {
                defer { listening.finish() }
                try await server.run()
            }
            guard let url = await urls.first(where: { _ in true }) else {
                try await group.waitForAll()
                throw ServerStopped(host: host, port: port)
            }
            let result: Result
            do {
                result = try await body(url)
            } catch {
                await server.triggerGracefulShutdown()
                throw error
            }
            await server.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    /// Runs a double made from `configuration` on 127.0.0.1 (a free port) while `body` runs.
    public static func withRunning<Result>(
        _ configuration: Configuration = Configuration(), isolation: isolated (any Actor)? = #isolation,
        _ body: (URL) async throws -> Result
    ) async throws -> Result {
        try await VLLMDouble(configuration).withRunning(isolation: isolation, body)
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully (cutting off delays and hangs); for the
    /// `vllm-double` executable.
    public func runUntilSignalled(
        host: String, port: Int, onListening: @escaping @Sendable (URL) async -> Void
    ) async throws {
        try await serviceGroup(host: host, port: port, shutdownSignals: [.sigterm, .sigint], onListening: onListening)
            .run()
    }

    private func serviceGroup(
        host: String, port: Int, shutdownSignals: [UnixSignal], onListening: @escaping @Sendable (URL) async -> Void
    ) -> ServiceGroup {
        var logger = Logger(label: "vllm-double")
        logger.logLevel = configuration.logLevel
        let app = Application(
            router: router(),
            // vLLM runs under uvicorn, which names itself in the `server` header.
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "uvicorn"),
            onServerRunning: { channel in
                await onListening(Self.baseURL(host: host, port: channel.localAddress?.port ?? port))
            },
            logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: shutdownSignals, logger: logger)
        // Delays end at shutdown, so this only bounds a client that keeps a connection busy.
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }

    static func baseURL(host: String, port: Int) -> URL {
        URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(port)")!
    }

    /// The server returned before it listened, without an error.
    struct ServerStopped: Error, CustomStringConvertible {
        let host: String
        let port: Int
        var description: String { "the vLLM double stopped before listening on \(host):\(port)" }
    }
}
