import Foundation

/// The time of day outbox entries are scheduled on (the store's `createdAt` and `nextAttemptAt` use it too).
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    @Sendable public static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1000)
    }
}
