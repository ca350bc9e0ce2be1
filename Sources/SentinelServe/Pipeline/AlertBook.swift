import SentinelCompile
import SentinelEvaluate
import Synchronization

/// Active alerts and recently resolved ones, kept from the engine's transitions for the API. Thread-safe: the
/// evaluation thread writes, HTTP handlers read.
public final class AlertBook: Sendable {
    /// One alert as the API shows it.
    public struct Entry: Sendable {
        public var rule: String
        public var state: AlertState
        public var severity: String
        public var labels: [(String, String)]
        public var annotations: [(String, String)]
        public var value: Double?
        /// When the condition started holding (event time, ms).
        public var activeSince: Int64
        /// Event time of the latest transition (for resolved alerts: when they resolved).
        public var updatedAt: Int64
        public var receivers: [String]

        var key: String { rule + "\u{0}" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{0}") }
    }

    private struct State {
        var active: [String: Entry] = [:]
        var resolved: [Entry] = []
    }

    private let state = Mutex(State())
    /// How many resolved alerts to keep.
    public let resolvedCapacity: Int

    public init(resolvedCapacity: Int = 1_000) {
        self.resolvedCapacity = resolvedCapacity
    }

    public func record(_ transition: AlertTransition, receivers: [String]) {
        let entry = Entry(
            rule: transition.rule, state: transition.state, severity: transition.severity.rawValue,
            labels: transition.labels, annotations: transition.annotations, value: transition.value,
            activeSince: transition.activeSince, updatedAt: transition.time, receivers: receivers)
        state.withLock { state in
            if transition.state == .resolved {
                state.active[entry.key] = nil
                state.resolved.append(entry)
                if state.resolved.count > resolvedCapacity { state.resolved.removeFirst(state.resolved.count - resolvedCapacity) }
            } else {
                state.active[entry.key] = entry
            }
        }
    }

    /// After a reload (or a warm start): the active alerts are the new graph's (`alerts`, with their receivers).
    /// Those that ended are recorded resolved first (`record`); a kept rule's alerts show its new labels and
    /// severity (not beside the old ones).
    public func replaceActive(_ alerts: [(alert: ActiveAlert, severity: String, receivers: [String])], at time: Int64) {
        state.withLock { state in
            var active: [String: Entry] = [:]
            for (alert, severity, receivers) in alerts {
                var entry = Entry(
                    rule: alert.rule, state: alert.state, severity: severity, labels: alert.labels,
                    annotations: alert.annotations, value: alert.value, activeSince: alert.activeSince, updatedAt: time,
                    receivers: receivers)
                if let known = state.active[entry.key] { entry.updatedAt = known.updatedAt }
                active[entry.key] = entry
            }
            state.active = active
        }
    }

    /// Active alerts (sorted by rule and labels), then resolved ones, newest first.
    public func entries() -> (active: [Entry], resolved: [Entry]) {
        state.withLock { state in
            (state.active.values.sorted { $0.key < $1.key }, state.resolved.reversed())
        }
    }

    /// Count of active alerts by (rule, state, severity).
    public func activeCounts() -> [String: [AlertState: Int]] {
        state.withLock { state in
            var counts: [String: [AlertState: Int]] = [:]
            for entry in state.active.values { counts[entry.rule, default: [:]][entry.state, default: 0] += 1 }
            return counts
        }
    }
}
