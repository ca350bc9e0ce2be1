import Foundation
import Logging
import SentinelCompile
import SentinelCore
import SentinelTrace
import Synchronization

/// Runs `trace` actions off the evaluation thread: the matching exchange's response is traced with the action's
/// backend (a local corpus index, or the infini-gram API), at most `maxInFlight` at a time. A failure — a broken
/// index folder, an infini-gram error or timeout — is logged and counted by reason, never thrown at evaluation;
/// more requests than the queue holds are skipped and counted.
final class TraceQueue: Sendable {
    /// One finished trace, for the store.
    struct Outcome: Sendable {
        var eventID: String
        var rule: String
        var json: String
    }

    private let maxInFlight: Int
    private let inFlight = Mutex(0)
    /// Backends opened, by settings, with the stamp of the local index they opened (see `indexStamp`).
    private let backends = Mutex<[String: (backend: any TraceBackend, stamp: String?)]>([:])
    private let metrics: ServiceMetrics
    private let logger: Logger

    init(maxInFlight: Int = 4, metrics: ServiceMetrics, logger: Logger) {
        self.maxInFlight = maxInFlight
        self.metrics = metrics
        self.logger = logger
    }

    /// Starts tracing `response`; `done` gets the result as JSON (on a task, not the caller's thread).
    func submit(
        action: CompiledAction, rule: String, eventID: String, response: String, done: @escaping @Sendable (Outcome) -> Void
    ) {
        let admitted = inFlight.withLock { count in
            guard count < maxInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else { return metrics.countTrace(.skippedBusy) }
        let backend = backend(for: action)
        let options = Self.options(action.settings)
        Task {
            defer { inFlight.withLock { $0 -= 1 } }
            do {
                let result = try await backend.get().trace(response, options: options)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let json = String(decoding: try encoder.encode(result), as: UTF8.self)
                metrics.countTrace(.traced)
                done(Outcome(eventID: eventID, rule: rule, json: json))
            } catch {
                metrics.countTrace(.failed)
                logger.warning("trace failed", metadata: ["action": "\(action.name)", "event": "\(eventID)", "error": "\(error)"])
            }
        }
    }

    /// The action's backend, opened once per distinct settings (a reload with the same settings keeps it), and again
    /// when its local index was rebuilt since. A backend that failed to open is not kept: the next trace tries
    /// again, so an index built after the start (or mended) is used without a restart.
    private func backend(for action: CompiledAction) -> Result<any TraceBackend, TraceActionError> {
        let key = action.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
        let stamp = Self.indexStamp(action.settings)
        return backends.withLock { cache in
            if let known = cache[key], known.stamp == stamp { return .success(known.backend) }
            let made = Self.makeBackend(action.settings)
            if case .success(let backend) = made { cache[key] = (backend, stamp) } else { cache[key] = nil }
            return made
        }
    }

    /// For a local index, its manifest's inode, size and modification time: a rebuild (a new `index.json`) changes
    /// it. Nil for other backends, and when there is no manifest.
    static func indexStamp(_ settings: [String: String]) -> String? {
        guard settings["backend"] ?? "local" == "local", let path = settings["index"] else { return nil }
        var status = stat()
        guard stat((path as NSString).appendingPathComponent("index.json"), &status) == 0 else { return nil }
        return "\(status.st_ino):\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }

    static func makeBackend(_ settings: [String: String]) -> Result<any TraceBackend, TraceActionError> {
        switch settings["backend"] ?? "local" {
        case "local":
            guard let path = settings["index"] else { return .failure(TraceActionError(message: "a local trace needs 'index' (a folder)")) }
            do {
                return .success(try LocalIndex(path: path))
            } catch {
                return .failure(TraceActionError(message: "\(error)"))
            }
        case "infini_gram":
            guard let index = settings["index"] else {
                return .failure(TraceActionError(message: "an infini-gram trace needs 'index' (the API's index name)"))
            }
            var configuration = InfiniGramClient.Configuration(index: index)
            if let url = settings["url"] { configuration.url = url }
            if let timeout = settings["timeout"] {
                switch DurationLiteral.checked(timeout, "timeout") {
                case .success(let ms): configuration.timeout = .milliseconds(ms)
                case .failure(let error): return .failure(TraceActionError(message: error.message))
                }
            }
            return .success(InfiniGramClient(configuration: configuration))
        case let other:
            return .failure(TraceActionError(message: "trace backend '\(other)' is not local or infini_gram"))
        }
    }

    static func options(_ settings: [String: String]) -> TraceOptions {
        var options = TraceOptions()
        if let v = settings["min_span_length"].flatMap(Int.init) { options.minSpanLength = v }
        if let v = settings["max_frequency"].flatMap(Int.init) { options.maxFrequency = v }
        if let v = settings["max_span_density"].flatMap(Double.init) { options.maxSpanDensity = v }
        if let v = settings["max_span_count"].flatMap(Int.init) { options.maxSpanCount = v }
        if let v = settings["max_documents_per_span"].flatMap(Int.init) { options.maxDocumentsPerSpan = v }
        // A local trace's whole search (the infini-gram client bounds each request with it, in `makeBackend`).
        if settings["backend"] ?? "local" == "local", let timeout = settings["timeout"],
            case .success(let ms) = DurationLiteral.checked(timeout, "timeout")
        {
            options.timeLimit = .milliseconds(ms)
        }
        return options
    }
}

/// Why a trace action cannot run (its backend could not be opened).
struct TraceActionError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
