import Foundation
import SentinelEvaluate
import Synchronization

/// Counters of Sentinel's own work, updated by the HTTP handlers and the evaluation thread, rendered on
/// `GET /metrics` together with what the engine and the collectors report.
public final class ServiceMetrics: Sendable {
    /// Why events were refused or failed.
    public enum RejectReason: String, Sendable, CaseIterable {
        case malformed, tooLarge = "too_large", queueFull = "queue_full", unauthorized
        case shuttingDown = "shutting_down", invalidAtEvaluation = "invalid_at_evaluation"
        /// Refused without keeping the body: the bodies being read at once would have gone over their budget
        /// (`BodyBudget`).
        case bodiesInFlight = "bodies_in_flight"
    }

    /// Upper bounds (seconds) of the acceptance-to-evaluation latency histogram.
    public static let latencyBounds = [
        0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    struct State {
        var accepted: [EventBatch.Source: UInt64] = [:]
        var evaluated: [EventBatch.Source: UInt64] = [:]
        var rejected: [RejectReason: UInt64] = [:]
        var heartbeats: UInt64 = 0
        var latency = HistogramCounts(bounds: ServiceMetrics.latencyBounds)
        var transitions: [String: [AlertState: UInt64]] = [:]
        var notifications: [String: UInt64] = [:]
        var actions: [String: [String: UInt64]] = [:]
        var findings: [String: UInt64] = [:]
        var storeCommits: UInt64 = 0
        var storeFailures: UInt64 = 0
        var storeDropped: UInt64 = 0
        var tapFailures: UInt64 = 0
        var tapDropped: UInt64 = 0
        var outboxWritten: UInt64 = 0
        var pairs: [String: UInt64] = [:]
        var pairSkips: [String: UInt64] = [:]
        var reprompts: [RepromptOutcome: UInt64] = [:]
        var traces: [TraceOutcome: UInt64] = [:]
        var reloadSuccesses: UInt64 = 0
        var reloadFailures: UInt64 = 0
        var lastReloadSuccess: Double = 0
        var lastReloadFailure: Double = 0
        /// Events evaluated so far, sampled at most once a second (wall clock), the latest last.
        var evaluatedSamples: [(time: Double, total: UInt64)] = []
    }

    let state = Mutex(State())
    public let startTime = Date().timeIntervalSince1970

    public init() {}

    public func countAccepted(_ n: Int, source: EventBatch.Source) {
        state.withLock { $0.accepted[source, default: 0] += UInt64(n) }
    }

    public func countRejected(_ reason: RejectReason, _ n: Int = 1) {
        state.withLock { $0.rejected[reason, default: 0] += UInt64(n) }
    }

    func recordEvaluated(_ n: Int, source: EventBatch.Source, latencySeconds: Double) {
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            state.evaluated[source, default: 0] += UInt64(n)
            state.latency.observe(latencySeconds, times: UInt64(n))
            if let last = state.evaluatedSamples.last, now - last.time < 1 { return }
            state.evaluatedSamples.append((now, state.evaluated.values.reduce(0, +)))
            if state.evaluatedSamples.count > 64 { state.evaluatedSamples.removeFirst(state.evaluatedSamples.count - 32) }
        }
    }

    /// Events evaluated per second (wall clock) over about the last `window` seconds.
    public func recentEvaluationRate(window: Double = 10) -> Double {
        let now = Date().timeIntervalSince1970
        return state.withLock { state in
            let total = state.evaluated.values.reduce(0, +)
            guard let since = state.evaluatedSamples.last(where: { now - $0.time >= window }) ?? state.evaluatedSamples.first,
                now - since.time > 0.5
            else { return 0 }
            return Double(total - since.total) / (now - since.time)
        }
    }

    func countHeartbeat() { state.withLock { $0.heartbeats += 1 } }

    func countTransition(rule: String, state alertState: AlertState) {
        state.withLock { $0.transitions[rule, default: [:]][alertState, default: 0] += 1 }
    }

    func countNotification(receiver: String) { state.withLock { $0.notifications[receiver, default: 0] += 1 } }

    func countAction(rule: String, action: String) { state.withLock { $0.actions[rule, default: [:]][action, default: 0] += 1 } }

    /// What a live re-prompt came to.
    public enum RepromptOutcome: String, Sendable, CaseIterable {
        case paired, failed, skippedBusy = "skipped_busy"
    }

    /// What a `trace` action came to.
    public enum TraceOutcome: String, Sendable, CaseIterable {
        case traced, failed, skippedBusy = "skipped_busy", noResponse = "no_response"
    }

    func countTrace(_ outcome: TraceOutcome) { state.withLock { $0.traces[outcome, default: 0] += 1 } }

    func countPair(source: String) { state.withLock { $0.pairs[source, default: 0] += 1 } }

    func countPairSkip(_ reason: String) { state.withLock { $0.pairSkips[reason, default: 0] += 1 } }

    func countReprompt(_ outcome: RepromptOutcome) { state.withLock { $0.reprompts[outcome, default: 0] += 1 } }

    func countFinding(rule: String) { state.withLock { $0.findings[rule, default: 0] += 1 } }

    func countStoreCommit(findings: Int, outbox: Int) {
        state.withLock { state in
            state.storeCommits += 1
            state.outboxWritten += UInt64(outbox)
        }
    }

    func countStoreFailure() { state.withLock { $0.storeFailures += 1 } }

    func countStoreDropped(_ n: Int) { state.withLock { $0.storeDropped += UInt64(n) } }

    func countTapFailures(_ n: Int) { state.withLock { $0.tapFailures += UInt64(n) } }

    func countTapDropped(_ n: Int) { state.withLock { $0.tapDropped += UInt64(n) } }

    public func countReload(succeeded: Bool) {
        let now = Date().timeIntervalSince1970
        state.withLock { state in
            if succeeded {
                state.reloadSuccesses += 1
                state.lastReloadSuccess = now
            } else {
                state.reloadFailures += 1
                state.lastReloadFailure = now
            }
        }
    }

    /// The acceptance-to-evaluation latency histogram so far.
    public var latency: HistogramCounts { state.withLock { $0.latency } }
}
