import Logging
import SentinelAct
import SentinelCore
import SentinelServe
import SentinelSimulate

/// Live DPO re-prompts through the simulator's frontier and guard: the frontier gets the action's safety
/// instruction as a system message and the user's prompt; the guard judges the new answer (response moderation);
/// the first answer it calls safe, or a refusal, within the candidate's attempts makes the pair. The pair keeps the
/// user-only prompt; the instruction goes to its metadata.
struct LiveReprompter: DPOReprompter {
    let chat: ChatClient
    let moderation: GuardClient
    let model: String
    let maxTokens: Int
    let logger: Logger

    /// Nil unless the configuration has a simulator with a guard: without a guard no new answer can be checked.
    init?(configuration: ServiceConfiguration, logger: Logger) {
        guard let simulator = configuration.simulator, let guardEndpoint = simulator.guardEndpoint else { return nil }
        let total = Duration.milliseconds(simulator.frontier.timeoutMilliseconds)
        chat = ChatClient(
            baseURL: simulator.frontier.url, apiKey: simulator.frontier.apiKey,
            timeouts: RequestTimeouts(connect: min(.seconds(10), total), firstToken: min(.seconds(30), total), total: total))
        moderation = GuardClient(
            baseURL: guardEndpoint.url, model: guardEndpoint.model,
            format: GuardFormat(rawValue: simulator.guardFormat) ?? .qwen3guard, apiKey: guardEndpoint.apiKey,
            timeouts: RequestTimeouts(connect: .seconds(10), firstToken: nil, total: .milliseconds(guardEndpoint.timeoutMilliseconds)))
        model = simulator.frontier.model
        maxTokens = simulator.maxTokens
        self.logger = logger
    }

    func reprompt(_ candidate: DPOCapture.Candidate) async -> DPOPair? {
        let instruction = candidate.safetyInstruction ?? "Answer safely: refuse harmful requests and offer safe help."
        for attempt in 1...candidate.maxAttempts {
            do {
                let request = ChatRequest(
                    model: candidate.model ?? model, messages: [ChatMessage(role: "system", content: instruction), .user(candidate.prompt)],
                    maxTokens: maxTokens, temperature: 0.7, requestID: "sentinel-dpo-\(candidate.eventID)-\(attempt)")
                let answer = try await chat.stream(request)
                guard DPOCapture.canChoose(answer.content, over: candidate.response) else {
                    logger.info("re-prompt answer blank or unchanged", metadata: ["event": "\(candidate.eventID)", "attempt": "\(attempt)"])
                    continue
                }
                let verdict = try await moderation.moderate(prompt: candidate.prompt, response: answer.content)
                guard verdict.safety == .safe || verdict.refusal == true, verdict.safety != .unsafe else {
                    logger.info("re-prompt answer not safe", metadata: ["event": "\(candidate.eventID)", "attempt": "\(attempt)"])
                    continue
                }
                return DPOPair(
                    time: candidate.time, prompt: candidate.prompt, chosen: answer.content, rejected: candidate.response,
                    model: candidate.model, rule: candidate.rule, categories: candidate.categories,
                    rejectedGuard: candidate.guardVerdict, chosenGuard: verdict.json, rejectedEventID: candidate.eventID,
                    chosenEventID: answer.id, source: "reprompt", safetyInstruction: instruction)
            } catch {
                logger.warning(
                    "re-prompt failed", metadata: ["event": "\(candidate.eventID)", "attempt": "\(attempt)", "error": "\(error)"])
            }
        }
        return nil
    }
}
