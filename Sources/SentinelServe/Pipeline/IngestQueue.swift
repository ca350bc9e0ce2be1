import Foundation

/// The bounded hand-off between producers (HTTP handlers, collectors) and the single evaluation thread.
///
/// Bounded by events and by bytes, so a burst costs at most a known amount of memory: `offer` refuses a batch
/// that does not fit (the HTTP layer answers 429 with Retry-After), `submit` waits for room (collectors slow
/// down). Control requests (reload, inspection) have their own lane and are served before the next batch.
public final class IngestQueue: @unchecked Sendable {
    /// Work for the evaluation thread besides events. Runs on that thread, between batches.
    public typealias Control = @Sendable (EvaluationLoop) -> Void

    public let maxEvents: Int
    public let maxBytes: Int
    private let condition = NSCondition()
    /// Batches from `head` on are queued; a slot before it is nil once its batch was taken, so a batch's memory
    /// is released as soon as the evaluation thread has it (the slots themselves are dropped now and then).
    private var batches: [EventBatch?] = []
    private var head = 0
    private var controls: [Control] = []
    private var queuedEvents = 0
    private var queuedBytes = 0
    private var closed = false

    public init(maxEvents: Int, maxBytes: Int) {
        self.maxEvents = maxEvents
        self.maxBytes = maxBytes
    }

    /// Queues the batch if it fits; false when the queue is full or closed. A batch larger than the whole queue
    /// is accepted when the queue is empty, so no valid request is refused forever.
    public func offer(_ batch: EventBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        let empty = queuedEvents == 0
        guard empty || (queuedEvents + batch.count <= maxEvents && queuedBytes + batch.bytes.count <= maxBytes) else {
            return false
        }
        batches.append(batch)
        queuedEvents += batch.count
        queuedBytes += batch.bytes.count
        condition.signal()
        return true
    }

    /// Queues the batch, waiting while the queue is full. Returns false only when the queue is closed.
    public func submit(_ batch: EventBatch) async -> Bool {
        while true {
            if offer(batch) { return true }
            if isClosed { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Queues work for the evaluation thread; it runs before the next batch. False when the queue is closed.
    @discardableResult
    public func control(_ work: @escaping Control) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        controls.append(work)
        condition.signal()
        return true
    }

    /// After `close`, offers and controls are refused; `next` drains what is queued, then returns nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    public var depth: (events: Int, bytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (queuedEvents, queuedBytes)
    }

    /// Batches whose memory the queue holds: those queued, none taken.
    var batchesHeld: Int {
        condition.lock()
        defer { condition.unlock() }
        return batches.count { $0 != nil }
    }

    enum Item {
        case control(Control)
        case batch(EventBatch)
        /// Nothing arrived within the timeout.
        case idle
    }

    /// The next control request or batch, waiting up to `timeout`; nil once closed and drained.
    func next(timeout: TimeInterval) -> Item? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while controls.isEmpty && head == batches.count {
            if closed { return nil }
            if !condition.wait(until: deadline) { return .idle }
        }
        if !controls.isEmpty { return .control(controls.removeFirst()) }
        let batch = batches[head]!
        batches[head] = nil
        head += 1
        if head > 256, head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
        queuedEvents -= batch.count
        queuedBytes -= batch.bytes.count
        return .batch(batch)
    }
}
