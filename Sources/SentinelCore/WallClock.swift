#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real time of day, for event timestamps, outbox schedules and review times; durations and schedules run on
/// `ContinuousClock`, which does not jump.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    @Sendable public static func now() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
