import Foundation
import Logging
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import SentinelNotify

/// Re-reads and compiles the configuration off the evaluation thread, then swaps the graph between two
/// batches. A configuration with errors never replaces the running one. One reload at a time. Rules and policies
/// are what a reload applies; changes to settings taken at the start (collectors, tokens, limits, …) are reported
/// as needing a restart.
public actor Reloader {
    /// What a reload did.
    public enum Outcome: Sendable {
        case reloaded(ReloadDiff)
        /// The new configuration has errors; the running one is untouched.
        case failed([Diagnostic])
        /// The service is shutting down.
        case unavailable
    }

    /// Rules added, removed and changed by a reload; unchanged rules kept their state.
    public struct ReloadDiff: Sendable {
        public var added: [String] = []
        public var removed: [String] = []
        public var changed: [String] = []
        public var unchanged = 0
        public var keptWindows = 0
        public var windows = 0
        /// The new configuration's warnings (an emptied rule file, say: its rules are gone, which is legal).
        public var warnings: [Diagnostic] = []
        /// Settings that changed and that only a restart applies (`ServiceConfiguration.startupChanges`).
        public var notApplied: [String] = []
    }

    /// Produces the configuration to load (re-reading `sentinel.yaml` and re-applying overrides), nil when it has
    /// errors, with its diagnostics.
    public typealias Sources = @Sendable () -> (configuration: ServiceConfiguration?, diagnostics: [Diagnostic])

    private let sources: Sources
    /// The configuration the service started with, whose collectors, tokens and limits hold until it stops.
    private let running: ServiceConfiguration
    private let queue: IngestQueue
    private let metrics: ServiceMetrics
    private let delivery: OutboxWorker
    private let logger: Logger

    public init(
        sources: @escaping Sources, running: ServiceConfiguration, queue: IngestQueue, metrics: ServiceMetrics,
        delivery: OutboxWorker, logger: Logger
    ) {
        self.sources = sources
        self.running = running
        self.queue = queue
        self.metrics = metrics
        self.delivery = delivery
        self.logger = logger
    }

    public func reload() async -> Outcome {
        let (next, configurationDiagnostics) = sources()
        var diagnostics = configurationDiagnostics
        var graph: ConditionGraph?
        var receivers: [OutboxReceiver] = []
        if let next, !diagnostics.hasErrors {
            let loaded = Configuration.load(rules: next.rules, policies: next.policies)
            diagnostics += loaded.diagnostics
            graph = loaded.graph
            if let policy = loaded.graph?.policy {
                let made = PolicyReceivers.make(policy, environment: ProcessInfo.processInfo.environment)
                receivers = made.receivers
                diagnostics += made.diagnostics
            }
        }
        guard let next, let graph, !diagnostics.hasErrors else {
            metrics.countReload(succeeded: false)
            logger.error(
                "reload failed; the running configuration is unchanged",
                metadata: ["diagnostics": "\n\(DiagnosticRenderer(format: .text).render(diagnostics))"])
            return .failed(diagnostics)
        }
        // The worker knows the new receivers before the dispatcher can route to them.
        delivery.update(receivers: receivers)
        let diff: ReloadDiff? = await withCheckedContinuation { continuation in
            let queued = queue.control { loop in
                let before = Set(loop.engine.graph.rules.map(\.name))
                let carried = loop.replace(with: graph)
                var diff = ReloadDiff()
                diff.added = carried.freshRules.filter { !before.contains($0) }
                diff.changed = carried.freshRules.filter { before.contains($0) }
                diff.removed = carried.removedRules
                diff.unchanged = carried.keptRules.count
                diff.keptWindows = carried.keptWindows
                diff.windows = carried.windows
                continuation.resume(returning: diff)
            }
            if !queued { continuation.resume(returning: nil) }
        }
        guard var diff else { return .unavailable }
        diff.warnings = diagnostics
        metrics.countReload(succeeded: true)
        if !diagnostics.isEmpty {
            logger.warning(
                "the reloaded configuration has warnings",
                metadata: ["diagnostics": "\n\(DiagnosticRenderer(format: .text).render(diagnostics))"])
        }
        logger.notice(
            "reloaded",
            metadata: [
                "added": "\(diff.added)", "removed": "\(diff.removed)", "changed": "\(diff.changed)",
                "unchanged": "\(diff.unchanged)", "windows_kept": "\(diff.keptWindows)/\(diff.windows)",
            ])
        diff.notApplied = next.startupChanges(from: running)
        if !diff.notApplied.isEmpty {
            logger.warning(
                "reload does not apply these settings; they take effect at the next start",
                metadata: ["changes": "\(diff.notApplied.joined(separator: ", "))"])
        }
        return .reloaded(diff)
    }
}
