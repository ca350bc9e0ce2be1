extension RequestTimeouts {
    /// Runs `work` racing a watchdog that fails it with `.timeout` at the first deadline whose phase
    /// `progress` has not reached; cancelling the caller cancels `work`.
    func enforce<T: Sendable>(
        _ progress: RequestProgress, _ work: @escaping @Sendable () async throws(RequestFailure) -> T
    ) async throws(RequestFailure) -> T {
        let start = ContinuousClock.now
        var checkpoints: [(Duration, RequestProgress.Phase?, RequestFailure.TimeoutPhase)] = [
            (connect, .headReceived, .connect), (total, nil, .total),
        ]
        if let firstToken { checkpoints.append((firstToken, .firstToken, .firstToken)) }
        checkpoints.sort { $0.0 < $1.0 }
        let deadlines = checkpoints
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await work() }
                group.addTask {
                    for (after, required, phase) in deadlines {
                        try await Task.sleep(until: start + after, clock: .continuous)
                        if let required, progress.current >= required { continue }
                        throw RequestFailure.timeout(phase, after: after)
                    }
                    return nil
                }
                while let result = try await group.next() {
                    if let result {
                        group.cancelAll()
                        return result
                    }
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
