/// One arrival of the simulation: a user sends a prompt at a scheduled time; the guard and the frontier answer.
struct Exchange: Sendable {
    /// What each step of the exchange gave, nil for steps that did not run.
    struct Outcome: Sendable {
        var promptVerdict: Result<GuardVerdict, RequestFailure>?
        var completion: Result<ChatCompletion, RequestFailure>?
        var responseVerdict: Result<GuardVerdict, RequestFailure>?
        /// Set when the prompt guard stopped the exchange (pipeline mode: a verdict other than safe, or none): the
        /// time from the arrival to the verdict or the guard's failure.
        var blockedAfter: Duration?

        /// Whether a step was cut short by cancellation (the exchange then reports nothing).
        var wasCancelled: Bool {
            Self.cancelled(promptVerdict) || Self.cancelled(completion) || Self.cancelled(responseVerdict)
        }

        private static func cancelled<T>(_ step: Result<T, RequestFailure>?) -> Bool {
            if case .failure(.cancelled)? = step { return true }
            return false
        }
    }

    /// `c-000001`: the completion event's `id` and the error events' `request_id`.
    var id: String
    var prompt: Prompt
    var user: String
    /// When the arrival was due; latencies are measured from here.
    var scheduled: ContinuousClock.Instant

    /// Runs the steps `configuration` asks for: prompt verdict (gating generation in pipeline mode, where only a
    /// safe verdict lets the prompt through; alongside it in monitor mode), streamed generation, answer verdict.
    func perform(chat: ChatClient, guardClient: GuardClient?, configuration: SimulatorConfiguration) async -> Outcome {
        let frontier = configuration.frontier
        let request = ChatRequest(
            model: frontier.model, messages: [.user(prompt.text)], maxTokens: frontier.maxTokens,
            temperature: frontier.temperature, requestID: id, headers: frontier.headers)
        let promptGuard = configuration.moderation?.moderatesPrompts == true ? guardClient : nil
        var outcome = Outcome()
        switch configuration.mode {
        case .pipeline:
            if let promptGuard {
                let verdict = await judge(promptGuard, response: nil)
                outcome.promptVerdict = verdict
                // Fail closed: only a verdict of safe lets the prompt through.
                guard case .success(let v) = verdict, v.safety == .safe else {
                    outcome.blockedAfter = .now - scheduled
                    return outcome
                }
            }
            outcome.completion = await generate(chat, request)
        case .monitor:
            async let verdict = judgePrompt(promptGuard)
            outcome.completion = await generate(chat, request)
            outcome.promptVerdict = await verdict
        }
        if configuration.moderation?.moderatesResponses == true, let guardClient,
            case .success(let completion) = outcome.completion
        {
            outcome.responseVerdict = await judge(guardClient, response: completion.content)
        }
        return outcome
    }

    private func generate(_ chat: ChatClient, _ request: ChatRequest) async -> Result<ChatCompletion, RequestFailure> {
        do {
            return .success(try await chat.stream(request, startedAt: scheduled))
        } catch {
            return .failure(error)
        }
    }

    private func judgePrompt(_ guardClient: GuardClient?) async -> Result<GuardVerdict, RequestFailure>? {
        guard let guardClient else { return nil }
        return await judge(guardClient, response: nil)
    }

    private func judge(_ guardClient: GuardClient, response: String?) async -> Result<GuardVerdict, RequestFailure> {
        do {
            return .success(try await guardClient.moderate(prompt: prompt.text, response: response, requestID: id))
        } catch {
            return .failure(error)
        }
    }
}
