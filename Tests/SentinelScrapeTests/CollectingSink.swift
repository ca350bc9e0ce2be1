import SentinelCore

/// An `EventSink` that keeps every submitted batch, and lets a test wait for them as they come.
final class CollectingSink: EventSink {
    let batches: AsyncStream<[String]>
    private let continuation: AsyncStream<[String]>.Continuation

    init() {
        (batches, continuation) = AsyncStream.makeStream(of: [String].self)
    }

    func submit(_ lines: [String]) async {
        continuation.yield(lines)
    }

    /// The first `count` batches submitted.
    func first(_ count: Int) async -> [[String]] {
        var collected: [[String]] = []
        for await batch in batches {
            collected.append(batch)
            if collected.count == count { break }
        }
        return collected
    }
}
