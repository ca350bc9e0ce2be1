import Foundation
import SentinelCore

/// Arrival times of a Poisson process: exponentially distributed gaps with mean `1 / rate`, from a seeded
/// generator. The times depend on the rate and the seed only, never on how fast anything answers.
public struct PoissonSchedule: Sendable {
    /// The latest offset an arrival gets, in seconds (about 31 years): a tiny rate gives arrivals that far off
    /// rather than an offset no `Duration` or clock deadline can hold.
    static let horizon = 1e9

    /// Arrivals per second.
    public let rate: Double
    private var generator: SplitMix64
    private var seconds = 0.0

    /// A schedule of `rate` arrivals per second (positive, finite) from `seed`.
    public init(rate: Double, seed: UInt64) {
        precondition(rate > 0 && rate.isFinite, "arrival rate must be positive")
        self.rate = rate
        generator = SplitMix64(seed: seed)
    }

    /// The next arrival, as its offset from the start of the schedule (at most `horizon` seconds).
    public mutating func next() -> Duration {
        let u = Double(generator.next() >> 11) * 0x1p-53
        seconds += -log1p(-u) / rate
        return .nanoseconds(Int64((min(seconds, Self.horizon) * 1e9).rounded()))
    }
}
