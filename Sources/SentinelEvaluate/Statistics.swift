/// Counters of one rule, for the dry-run summary and (later) `/metrics`.
public struct RuleStatistics: Sendable {
    public var evaluations = 0
    public var matches = 0
    public var pending = 0
    public var firing = 0
    public var resolved = 0
    public var firingMilliseconds: Int64 = 0
    /// Every evaluation, the re-checks on ticks that `evaluations` leaves out included.
    public var allEvaluations = 0
    /// The timed evaluations (the first of the rule's and one in 16 after it, re-checks on ticks included) and
    /// their total time.
    public var timedEvaluations = 0
    public var timedNanoseconds: Double = 0
    /// Time spent evaluating, estimated from the timed evaluations, each standing for the 16 it samples: only
    /// grows, for a Prometheus counter.
    public var evaluationNanoseconds: Double { 16 * timedNanoseconds }
    /// Mean time of one evaluation, over the timed ones; 0 before any.
    public var meanEvaluationNanoseconds: Double { timedEvaluations > 0 ? timedNanoseconds / Double(timedEvaluations) : 0 }
    /// Events of new groups dropped because the partition reached `max_groups_per_rule`.
    public var groupOverflow = 0
    /// Event time (ms) of the latest evaluation, on an event or a tick; `.min` before the first.
    public var lastEvaluationTime = Int64.min
}

/// Counters of the whole engine.
public struct EngineStatistics: Sendable {
    public var events = 0
    public var lateEvents = 0
    /// Held-back events evaluated before their lateness had passed, because the events held took more than
    /// `Engine.defaultMaxHeldBytes` (a stream too fast for its `allowed_lateness`).
    public var releasedEarly = 0
    public var groupsEvicted = 0
    /// Events of kinds no rule reads (evaluated, so late ones aside; heartbeats, the service's clock, left out).
    public var unreadEvents = 0
    /// `matches` tests given up (see `BoundedRegex`), each read as no match.
    public var regexGivenUp = 0
}
