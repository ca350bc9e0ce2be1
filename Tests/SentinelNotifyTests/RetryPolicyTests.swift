import SentinelNotify
import Testing

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, initialBackoff: .seconds(1), maxBackoff: .seconds(60))

    @Test func backoffDoublesPerAttemptUpToTheMaximum() {
        let delays = (0..<9).map { policy.backoff(afterAttempts: $0, jitter: 1) }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
    }

    @Test func jitterScalesTheDelayBetweenHalfAndWhole() {
        #expect(policy.backoff(afterAttempts: 2, jitter: 0.5) == .seconds(2))
        #expect(policy.backoff(afterAttempts: 2, jitter: 0.75) == .seconds(3))
        #expect(policy.backoff(afterAttempts: 10, jitter: 0.5) == .seconds(30))
        // A random source outside [0.5, 1] is clamped rather than trusted.
        #expect(policy.backoff(afterAttempts: 0, jitter: 0) == .milliseconds(500))
        #expect(policy.backoff(afterAttempts: 0, jitter: 7) == .seconds(1))
    }

    @Test func retryingForeverNeverOverflows() {
        #expect(policy.backoff(afterAttempts: 5_000, jitter: 1) == .seconds(60))
        #expect(policy.backoff(afterAttempts: Int.max, jitter: 1) == .seconds(60))
    }

    @Test func maxAttemptsZeroRetriesForever() {
        #expect(!policy.isExhausted(attempts: 4))
        #expect(policy.isExhausted(attempts: 5))
        #expect(!RetryPolicy(maxAttempts: 0).isExhausted(attempts: 1_000_000))
    }
}
