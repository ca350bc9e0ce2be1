extension RequestTimeouts {
    /// Runs `work` racing a watchdog that fails it with `.timeout` at the first deadline whose phase
    /// `progress` has not reached; cancelling the caller cancels `work`. Once the answer is `.complete`, the total
    /// limit fails nothing: it cancels `work`, which then returns what it has (a body still draining is dropped).
    func enforce<T: Sendable>(
        _ progress: RequestProgress, _ work: @escaping @Sendable () async throws(RequestFailure) -> T
    ) async throws(RequestFailure) -> T {
        let start = ContinuousClock.now
        var checkpoints: [(Duration, RequestProgress.Phase, RequestFailure.TimeoutPhase)] = [
            (connect, .headReceived, .connect), (total, .complete, .total),
        ]
        if let firstToken { checkpoints.append((firstToken, .firstToken, .firstToken)) }
        // Nothing is left to check past the total limit, so the watchdog ends there.
        let deadlines = checkpoints.filter { $0.0 <= total }.sorted { $0.0 < $1.0 }
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    for (after, required, phase) in deadlines {
                        try await Task.sleep(until: start + after, clock: .continuous)
                        if progress.current >= required { continue }
                        throw RequestFailure.timeout(phase, after: after)
                    }
                    return nil
                }
                while let result = try await group.next() {
                    group.cancelAll()
                    if let result { return result }
                }
                throw RequestFailure.cancelled
            }
        } catch let failure as RequestFailure {
            throw failure
        } catch {
            throw .cancelled
        }
    }
}
