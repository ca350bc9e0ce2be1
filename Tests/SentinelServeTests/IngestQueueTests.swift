import Testing

@testable import SentinelServe

struct IngestQueueTests {
    /// A batch the evaluation thread has taken is no longer held by the queue: it kept up to 256 evaluated bodies
    /// (16 MiB each at the default limit) while its gauges read empty.
    @Test func aTakenBatchIsReleased() {
        let queue = IngestQueue(maxEvents: 1_000, maxBytes: 1 << 20)
        let line = Array(#"{"ts":1,"kind":"x"}"#.utf8)
        for _ in 0..<3 { #expect(queue.offer(EventBatch(bytes: line, lines: [0..<line.count], source: .http))) }
        #expect(queue.batchesHeld == 3)
        for _ in 0..<3 {
            guard case .batch(let batch) = queue.next(timeout: 1) else {
                Issue.record("no batch")
                return
            }
            #expect(batch.bytes == line)
        }
        #expect(queue.batchesHeld == 0 && queue.depth == (0, 0))
        #expect(queue.offer(EventBatch(bytes: line, lines: [0..<line.count], source: .http)))
        #expect(queue.batchesHeld == 1)
    }
}
