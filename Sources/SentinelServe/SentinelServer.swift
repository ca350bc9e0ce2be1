import Foundation
import Hummingbird
import Logging
import SentinelAct
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import SentinelNotify
import SentinelStore
import Synchronization

/// The live service's shared parts: the queue into the evaluation thread, the loop that owns the engine, the
/// alert book, the findings store and silences, the outbox worker that delivers to webhook and Alertmanager
/// receivers, metrics and the reloader. The HTTP routes and the collectors talk to it; it owns no threads
/// itself besides the evaluation loop.
public final class SentinelServer: Sendable {
    /// Adds a collector's families to `GET /metrics`.
    public typealias MetricsSection = @Sendable (inout MetricsExposition) -> Void
    /// Adds a collector's lines to the review overview's collector health.
    public typealias StatusSection = @Sendable () -> [CollectorStatus]

    public let configuration: ServiceConfiguration
    public let queue: IngestQueue
    public let loop: EvaluationLoop
    public let alerts: AlertBook
    public let metrics: ServiceMetrics
    public let reloader: Reloader
    public let store: any FindingsStore
    public let silences: SilenceBook
    public let delivery: OutboxWorker
    let reviewSessions: ReviewSessions
    /// Event bodies being read at once: at most four bodies of the largest size.
    let eventBodies: BodyBudget
    /// The field types of the graph being evaluated, with the count of successful reloads when they were read. Only
    /// a reload changes the graph, and it is counted once the new graph is in place, so a count that moved on
    /// means they are to be read again.
    private let acceptedFieldTypes: Mutex<(reloads: UInt64, types: EventFieldTypes)>
    let logger: Logger
    let sections: [MetricsSection]
    let statusSections: [StatusSection]

    public init(
        configuration: ServiceConfiguration, graph: ConditionGraph, store: any FindingsStore,
        receivers: [OutboxReceiver] = [], reprompter: (any DPOReprompter)? = nil, reloadSources: @escaping Reloader.Sources,
        metricsSections: [MetricsSection] = [], statusSections: [StatusSection] = [], logger: Logger
    ) throws {
        self.store = store
        acceptedFieldTypes = Mutex((0, EventFieldTypes(graph: graph)))
        reviewSessions = ReviewSessions(
            writeTokens: [configuration.auth.writeToken, configuration.auth.adminToken], readTokens: [configuration.auth.readToken])
        let delivery = OutboxWorker(store: store, receivers: receivers, logger: logger)
        self.delivery = delivery
        silences = SilenceBook(try store.silences())
        self.configuration = configuration
        eventBodies = BodyBudget(limit: 4 * configuration.limits.maxBodyBytes)
        self.logger = logger
        queue = IngestQueue(maxEvents: configuration.limits.queueEvents, maxBytes: configuration.limits.queueBytes)
        alerts = AlertBook()
        metrics = ServiceMetrics()
        let tap = try configuration.tap.map {
            try TrafficTap(directory: $0.directory, maxFileBytes: $0.maxFileBytes, maxFiles: $0.maxFiles)
        }
        loop = try EvaluationLoop(
            graph: graph, queue: queue, tap: tap, alerts: alerts, metrics: metrics, store: store, silences: silences,
            notificationLog: try store.notificationLog(), reprompter: reprompter,
            idleAdvance: .milliseconds(configuration.idleAdvanceMilliseconds),
            warmStartFrom: Self.warmStartDirectory(configuration, logger: logger),
            maxFutureMilliseconds: configuration.limits.maxFutureMilliseconds, logger: logger)
        loop.onOutboxCommitted = { delivery.wake() }
        reloader = Reloader(sources: reloadSources, running: configuration, queue: queue, metrics: metrics, delivery: delivery, logger: logger)
        sections = metricsSections
        self.statusSections = statusSections
    }

    /// The tap folder to warm the engine from, if any. Not with a replay collector: a replay plays its recording on
    /// its own event time from its first event, which a tap's later events would make late.
    private static func warmStartDirectory(_ configuration: ServiceConfiguration, logger: Logger) -> String? {
        guard let tap = configuration.tap, tap.warmStart else { return nil }
        guard configuration.replay == nil else {
            logger.info("no warm start from the tap: a replay runs on its own event time", metadata: ["tap": "\(tap.directory)"])
            return nil
        }
        return tap.directory
    }

    /// The field types events must have to be accepted: those the graph being evaluated reads, as the engine
    /// checks them. After a reload they are read once from the evaluation loop.
    public func fieldTypes() async -> EventFieldTypes {
        let reloads = metrics.state.withLock { $0.reloadSuccesses }
        let known = acceptedFieldTypes.withLock { $0 }
        guard known.reloads != reloads else { return known.types }
        guard let types = await queue.inspect({ loop in EventFieldTypes(graph: loop.engine.graph) }) else { return known.types }
        acceptedFieldTypes.withLock { $0 = (reloads, types) }
        return types
    }

    /// Validates and queues events from a collector, waiting while the queue is full. Lines that fail validation
    /// are counted and logged (a collector bug), the rest queued.
    public func submit(_ lines: [String], source: EventBatch.Source) async {
        var body: [UInt8] = []
        for line in lines {
            body.append(contentsOf: line.utf8)
            body.append(0x0A)
        }
        let result = EventBatchReader(fieldTypes: await fieldTypes()).read(body, source: source)
        if result.problemCount > 0 {
            metrics.countRejected(.malformed, result.problemCount)
            logger.error("collector produced malformed events", metadata: ["source": "\(source)", "problems": "\(result.problems)"])
        }
        await submit(result.batch)
    }

    /// Queues a batch of validated events, waiting while the queue is full.
    public func submit(_ batch: EventBatch) async {
        guard batch.count > 0 else { return }
        if await queue.submit(batch) {
            metrics.countAccepted(batch.count, source: batch.source)
        } else {
            metrics.countRejected(.shuttingDown, batch.count)
        }
    }

    /// An `EventSink` for a collector.
    public func sink(_ source: EventBatch.Source) -> some EventSink { CollectorSink(server: self, source: source) }
}

/// One line of collector health on the review overview: a collector (or one of its targets), whether it is
/// healthy, and what it has done so far.
public struct CollectorStatus: Sendable {
    public var name: String
    public var healthy: Bool
    public var detail: String

    public init(name: String, healthy: Bool, detail: String) {
        self.name = name
        self.healthy = healthy
        self.detail = detail
    }
}

/// Hands a collector's events to the server.
struct CollectorSink: EventSink {
    let server: SentinelServer
    let source: EventBatch.Source

    func submit(_ lines: [String]) async { await server.submit(lines, source: source) }
}
