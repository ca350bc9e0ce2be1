import SentinelCore

/// A snapshot of a simulator's counters and latency quantiles, for `/metrics` and the end-of-run summary.
public struct SimulatorStatistics: Sendable, Equatable {
    /// Which side failed and how: `frontier` or `guard`, and the error event's `error_type`.
    public struct ErrorKey: Sendable, Hashable, Comparable {
        /// `frontier` or `guard`.
        public var source: String
        /// The error event's `error_type`.
        public var type: String

        /// A key for `source` and `type`.
        public init(source: String, type: String) {
            self.source = source
            self.type = type
        }

        /// Ordered by source, then type.
        public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.source, lhs.type) < (rhs.source, rhs.type) }
    }

    /// Count and quantiles of one duration over the run so far (nil until the first sample).
    public struct Quantiles: Sendable, Equatable {
        /// Samples so far.
        public var count: Int
        /// The median.
        public var p50: Duration?
        /// The 99th percentile.
        public var p99: Duration?
        /// The largest sample.
        public var max: Duration?

        /// Quantiles as given (empty by default).
        public init(count: Int = 0, p50: Duration? = nil, p99: Duration? = nil, max: Duration? = nil) {
            self.count = count
            self.p50 = p50
            self.p99 = p99
            self.max = max
        }
    }

    /// Arrivals the schedule has reached (started plus shed).
    public var scheduled = 0
    /// Exchanges started.
    public var started = 0
    /// Completion events emitted (including blocked prompts).
    public var completed = 0
    /// Exchanges whose prompt the guard did not pass, so generation was skipped (pipeline mode: judged unsafe or
    /// controversial, or no verdict).
    public var blocked = 0
    /// Arrivals dropped because the concurrency cap was reached.
    public var shed = 0
    /// Exchanges cut short by cancellation (no event).
    public var cancelled = 0
    /// Exchanges started and not finished.
    public var inFlight = 0
    /// Error events by source and type.
    public var errors: [ErrorKey: Int] = [:]
    /// Time since the run started.
    public var elapsed: Duration = .zero
    /// From the start of the run to the latest arrival.
    public var arrivalSpan: Duration = .zero
    /// How late arrivals started against their scheduled time.
    public var scheduleLag = Quantiles()
    /// Scheduled arrival to `[DONE]` of the frontier stream.
    public var latency = Quantiles()
    /// Scheduled arrival to the first token (content, reasoning or a tool call).
    public var timeToFirstToken = Quantiles()

    /// All counters zero.
    public init() {}

    /// Exchanges started per second, over the span of the arrivals (the drain at the end does not count).
    public var achievedRate: Double {
        let seconds = arrivalSpan.seconds
        return seconds > 0 ? Double(started) / seconds : 0
    }

    /// All error events.
    public var errorCount: Int { errors.values.reduce(0, +) }
}
