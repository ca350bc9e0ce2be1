/// Counters of one rule, for the dry-run summary and (later) `/metrics`.
public struct RuleStatistics: Sendable {
    public var evaluations = 0
    public var matches = 0
    public var pending = 0
    public var firing = 0
    public var resolved = 0
    public var firingMilliseconds: Int64 = 0
    /// Measured on a sample of evaluations, scaled to all of them.
    public var evaluationNanoseconds: Double = 0
    /// Events of new groups dropped because the partition reached `max_groups_per_rule`.
    public var groupOverflow = 0
    /// Event time (ms) of the latest evaluation, on an event or a tick; `.min` before the first.
    public var lastEvaluationTime = Int64.min
}

/// Counters of the whole engine.
public struct EngineStatistics: Sendable {
    public var events = 0
    public var lateEvents = 0
    public var groupsEvicted = 0
    /// `matches` tests given up (see `BoundedRegex`), each read as no match.
    public var regexGivenUp = 0
}
