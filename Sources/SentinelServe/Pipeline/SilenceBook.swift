import SentinelStore
import Synchronization

/// The silences in force, kept in memory for the dispatcher (which asks at every flush) and written through to
/// the store by the API. Thread-safe: HTTP handlers write, the evaluation thread reads.
public final class SilenceBook: Sendable {
    private let silences: Mutex<[Silence]>

    public init(_ silences: [Silence]) {
        self.silences = Mutex(silences)
    }

    /// Whether an active silence matches these labels at `time` (epoch ms).
    public func mutes(_ labels: [String: String], at time: Int64) -> Bool {
        silences.withLock { all in all.contains { $0.isActive(at: time) && $0.matches(labels) } }
    }

    /// Adds a silence or replaces the one with its id.
    public func put(_ silence: Silence) {
        silences.withLock { all in
            all.removeAll { $0.id == silence.id }
            all.append(silence)
        }
    }
}
