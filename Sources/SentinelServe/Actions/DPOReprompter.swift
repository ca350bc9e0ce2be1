import SentinelAct
import Synchronization

/// Asks the frontier again, with the action's safety instruction, for a DPO candidate's prompt, and the guard
/// whether the new answer is safe. Implemented by the command that knows the frontier and guard endpoints.
public protocol DPOReprompter: Sendable {
    /// The pair when an answer within the candidate's attempts passed the guard; nil otherwise.
    func reprompt(_ candidate: DPOCapture.Candidate) async -> DPOPair?
}

/// Runs re-prompts off the evaluation thread, at most `maxInFlight` at a time; candidates beyond that are
/// skipped (counted), so a slow frontier never holds up evaluation or other actions.
final class RepromptQueue: Sendable {
    private let reprompter: any DPOReprompter
    private let maxInFlight: Int
    private let inFlight = Mutex(0)
    private let metrics: ServiceMetrics

    init(reprompter: any DPOReprompter, maxInFlight: Int = 8, metrics: ServiceMetrics) {
        self.reprompter = reprompter
        self.maxInFlight = maxInFlight
        self.metrics = metrics
    }

    /// Starts a re-prompt; `done` gets the pair (on a task, not the caller's thread).
    func submit(_ candidate: DPOCapture.Candidate, done: @escaping @Sendable (DPOPair) -> Void) {
        let admitted = inFlight.withLock { count in
            guard count < maxInFlight else { return false }
            count += 1
            return true
        }
        guard admitted else { return metrics.countReprompt(.skippedBusy) }
        Task {
            defer { inFlight.withLock { $0 -= 1 } }
            if let pair = await reprompter.reprompt(candidate) {
                metrics.countReprompt(.paired)
                done(pair)
            } else {
                metrics.countReprompt(.failed)
            }
        }
    }
}
