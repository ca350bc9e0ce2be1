/// When to report a failure that can repeat many times a second (a scrape target down, a tap file that cannot be
/// written): when failures start, when one differs from the one before, then once a minute while they go on alike,
/// with those not reported in between counted.
public struct RepeatedFailureReport<Failure: Equatable & Sendable>: Sendable {
    private var last: Failure?
    private var reportedAt: ContinuousClock.Instant?
    private var unreported = 0

    public init() {}

    /// Nil when `failure` is not to be reported; else how many failures were not reported since the last report.
    public mutating func shouldReport(_ failure: Failure, now: ContinuousClock.Instant = .now) -> Int? {
        defer { last = failure }
        if failure == last, let reportedAt, now - reportedAt < .seconds(60) {
            unreported += 1
            return nil
        }
        defer { (reportedAt, unreported) = (now, 0) }
        return unreported
    }

    /// The failures ended (a success): the next one is reported at once.
    public mutating func ended() { last = nil }
}
