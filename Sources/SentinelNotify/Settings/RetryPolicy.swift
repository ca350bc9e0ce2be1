import SentinelCore

/// How often and how patiently one receiver's failed notifications are retried.
///
/// The delay after a failed attempt doubles with every attempt before it, up to `maxBackoff`, and is then scaled by
/// a random factor in [0.5, 1] so that many notifications failing together do not retry together:
///
/// ```swift
/// let retry = RetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .minutes(5))
/// retry.backoff(afterAttempts: 3, jitter: 1)  // 8 s: the fourth attempt failed
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts before a notification is abandoned; 0 retries forever.
    public var maxAttempts: Int
    /// The delay after the first failed attempt (before jitter).
    public var initialBackoff: Duration
    /// The longest delay (before jitter).
    public var maxBackoff: Duration

    /// Defaults: 10 attempts, 1 s doubling up to 5 min.
    public init(maxAttempts: Int = 10, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(300)) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The delay before the next attempt when `attempts` earlier attempts had failed before the one that just failed:
    /// `min(maxBackoff, initialBackoff × 2^attempts) × jitter`, with `jitter` clamped to [0.5, 1].
    public func backoff(afterAttempts attempts: Int, jitter: Double) -> Duration {
        let doubled = initialBackoff.milliseconds * Double.pow2(max(attempts, 0))
        let capped = min(maxBackoff.milliseconds, doubled)
        return .milliseconds(Int64((capped * min(max(jitter, 0.5), 1)).rounded()))
    }

    /// Whether a notification whose attempts, the one that just failed included, number `attempts` is given up on.
    public func isExhausted(attempts: Int) -> Bool {
        maxAttempts > 0 && attempts >= maxAttempts
    }
}

extension Double {
    /// 2^n, infinite beyond Double's range (the caller caps it).
    fileprivate static func pow2(_ n: Int) -> Double {
        n > 1023 ? .infinity : Double(sign: .plus, exponent: n, significand: 1)
    }
}
