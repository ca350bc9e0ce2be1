extension IngestQueue {
    /// Runs `body` on the evaluation thread between two batches and returns its result; nil when the queue is
    /// closed. Reads of engine state (alerts, per-rule statistics) go through here: the engine has one owner.
    public func inspect<T: Sendable>(_ body: @escaping @Sendable (EvaluationLoop) -> T) async -> T? {
        await withCheckedContinuation { continuation in
            let queued = control { loop in continuation.resume(returning: body(loop)) }
            if !queued { continuation.resume(returning: nil) }
        }
    }
}
