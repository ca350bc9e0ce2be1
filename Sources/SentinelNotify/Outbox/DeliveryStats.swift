/// How delivery to one receiver is going, for Sentinel's own metrics. Counts since the worker started.
public struct DeliveryStats: Sendable, Hashable {
    /// Notifications delivered.
    public var sent = 0
    /// Failed attempts by reason; a permanent failure counts under `permanent` only.
    public var failed: [DeliveryFailure.Reason: Int] = [:]
    /// Notifications given up on: permanent failures and those out of attempts.
    public var abandoned = 0
    /// Attempts under way now.
    public var inFlight = 0
    /// When the last delivery succeeded (wall clock, epoch ms).
    public var lastSuccessAt: Int64?

    /// All zero: nothing tried yet.
    public init() {}
}
