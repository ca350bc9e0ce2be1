public import SentinelCompile
public import SentinelEvaluate
import Foundation
import SentinelCore

/// Builds DPO pairs from the stream, on event time, the same way in `dry-run` and `run`.
///
/// A `capture_dpo` match whose answer the guard judged unsafe (and not a refusal) is a *candidate*: its prompt and
/// answer wait up to `retention` of event time for a later exchange with `reprompt_of` = its id whose answer the
/// guard judged safe, or a refusal not judged unsafe, and which differs from the rejected one; together they are a
/// pair. A pair never has a blank prompt or answer, nor a chosen answer equal to its rejected one. Re-prompts seen
/// before their candidate (re-ordered traffic) wait as well. Pairs are deduplicated by normalised prompt.
/// Candidates no re-prompt answers are handed to `onUnanswered` when they expire, for the live service to re-prompt
/// the frontier itself.
public final class DPOCapture {
    /// A rejected answer waiting for its chosen one.
    public struct Candidate: Sendable {
        public var time: Int64
        public var eventID: String
        public var rule: String
        public var action: String
        public var prompt: String
        public var response: String
        public var model: String?
        public var categories: [String]
        public var guardVerdict: String?
        public var safetyInstruction: String?
        /// How many answers a live re-prompt may ask for (the action's `max_attempts`).
        public var maxAttempts: Int
    }

    /// Why a match or a re-prompt did not make a pair, for counters.
    public enum Skip: String, Sendable, CaseIterable {
        case answerNotUnsafe = "answer_not_unsafe", missingFields = "missing_fields", notSampled = "not_sampled"
        case repromptNotSafe = "reprompt_not_safe", duplicatePrompt = "duplicate_prompt", expired
        /// The re-prompt's answer is blank, or the rejected answer itself.
        case unusableAnswer = "unusable_answer"
        /// The re-prompt is of another model, or its prompt does not hold the candidate's (an id used twice).
        case otherPrompt = "other_prompt"
    }

    /// The paths `take` and `observe` read, decoded with every event by an engine made with them (see
    /// `Engine.init(graph:eventFields:)`): the rules' decoding pass reads them, where reading a matched or
    /// re-prompting line again cost a second pass over it.
    public static let eventFields = Field.paths

    public var onPair: (DPOPair) -> Void = { _ in }
    public var onSkip: (Skip) -> Void = { _ in }
    /// A candidate whose wait ended without a re-prompt in the stream.
    public var onUnanswered: (Candidate) -> Void = { _ in }
    /// A new candidate starts waiting (the live service may re-prompt the frontier for it at once).
    public var onCandidate: (Candidate) -> Void = { _ in }

    private var settings: [String: (instruction: String?, sample: Double, attempts: Int)] = [:]
    private var candidates: [String: Candidate] = [:]
    /// Re-prompts seen before their candidate, by its id, oldest first (at most `earlyReprompts` each): which one
    /// can be chosen is known only once the rejected answer is.
    private var reprompts: [String: [(time: Int64, reprompt: Reprompt)]] = [:]
    private static let earlyReprompts = 4
    private var prompts: Set<String> = []
    private var candidateExpiry = ExpiryQueue()
    private var repromptExpiry = ExpiryQueue()
    /// The earliest time in either queue (`.max` when both are empty), so most lines skip `expire` at one compare.
    private var nextExpiry = Int64.max
    private let retention: Int64
    private let maxPending: Int

    /// The fields of an exchange that capture reads, by index into `eventFields`.
    private enum Field {
        static let paths = [
            ["id"], ["prompt"], ["response"], ["model"], ["response_guard", "safety"], ["response_guard", "refusal"],
            ["response_guard", "categories"], ["prompt_guard", "categories"], ["response_guard"], ["reprompt_of"],
        ]
        static let id = 0, prompt = 1, response = 2, model = 3, safety = 4, refusal = 5, categories = 6
        static let promptCategories = 7, verdict = 8, repromptOf = 9
    }

    /// A re-prompted exchange waiting for the candidate it re-asks.
    private struct Reprompt {
        var id: String?
        var prompt: String?
        var model: String?
        var response: String?
        var safety: String?
        var refusal: Bool?
        /// The guard's verdict on the answer, as written in the event.
        var verdict: String?

        /// Whether its answer can be the chosen one by the guard's verdict: judged safe or a refusal (and not
        /// unsafe). Whether it can for a given candidate is `canChoose(_:over:)`.
        var canBeChosen: Bool {
            response != nil && (safety == "safe" || refusal == true) && safety != "unsafe"
        }

        /// Whether it re-asks `candidate`: the same model (when both name one), and its prompt holds the candidate's
        /// (normalised; a re-prompt may add to it), so an id another exchange used too cannot pair two prompts.
        func reasks(_ candidate: Candidate) -> Bool {
            if let model, let other = candidate.model, model != other { return false }
            guard let prompt else { return true }
            return DPOPair.normalise(prompt).contains(DPOPair.normalise(candidate.prompt))
        }
    }

    /// - Parameters:
    ///   - retention: how long (event time) a candidate waits for its re-prompt, and a re-prompt for its candidate.
    ///   - knownPrompts: normalised prompts that already have a pair (from the store), so a restart dedupes too.
    public init(graph: ConditionGraph, retention: Int64 = 3_600_000, maxPending: Int = 100_000, knownPrompts: Set<String> = []) {
        self.retention = retention
        self.maxPending = maxPending
        prompts = knownPrompts
        configure(graph)
    }

    /// Whether the graph declares any `capture_dpo` action (else there is nothing to look at).
    public var isActive: Bool { !settings.isEmpty }

    /// After a reload: the actions' settings change; waiting candidates stay.
    public func configure(_ graph: ConditionGraph) {
        settings = [:]
        for action in graph.actions where action.type == .captureDPO {
            let sample = action.settings["sample"].flatMap(Double.init) ?? 1
            let attempts = action.settings["max_attempts"].flatMap(Int.init) ?? 2
            settings[action.name] = (action.settings["safety_instruction"], min(max(sample, 0), 1), max(attempts, 1))
        }
    }

    /// Takes a `capture_dpo` action request (other requests are ignored) from an engine made with `eventFields`.
    public func take(_ request: ActionRequest) {
        guard request.type == .captureDPO, let setting = settings[request.action] else { return }
        let fields = request.fields
        guard fields.count == Field.paths.count else { return onSkip(.missingFields) }
        guard let id = fields.string(Field.id), !id.isEmpty, case .string = fields[Field.prompt],
            case .string = fields[Field.response]
        else { return onSkip(.missingFields) }
        guard candidates[id] == nil else { return }  // another rule's match of the same answer
        guard fields.equals(Field.safety, "unsafe"), fields.bool(Field.refusal) != true else {
            return onSkip(.answerNotUnsafe)
        }
        // Copied out only now: most matches of a rate rule are at answers that are not unsafe themselves.
        let prompt = fields.string(Field.prompt)!
        let response = fields.string(Field.response)!
        guard !isBlank(prompt), !isBlank(response) else { return onSkip(.missingFields) }
        if setting.sample < 1, Double(StableHash.fnv1a(id) % 10_000) / 10_000 >= setting.sample { return onSkip(.notSampled) }
        var categories = fields.strings(Field.categories)
        if categories.isEmpty { categories = fields.strings(Field.promptCategories) }
        let candidate = Candidate(
            time: request.time, eventID: id, rule: request.rule, action: request.action, prompt: prompt,
            response: response, model: fields.string(Field.model), categories: categories,
            guardVerdict: fields.json(Field.verdict), safetyInstruction: setting.instruction,
            maxAttempts: setting.attempts)
        // The first early re-prompt whose answer is not the rejected one; the others are skipped.
        var waiting: (time: Int64, reprompt: Reprompt)?
        for early in reprompts.removeValue(forKey: id) ?? [] where waiting == nil {
            if !early.reprompt.reasks(candidate) {
                onSkip(.otherPrompt)
            } else if Self.canChoose(early.reprompt.response!, over: response) {
                waiting = early
            } else {
                onSkip(.unusableAnswer)
            }
        }
        if let waiting {
            pair(candidate, waiting.reprompt, time: max(waiting.time, request.time))
        } else if prompts.contains(DPOPair.normalise(prompt)) {
            onSkip(.duplicatePrompt)
        } else if candidates.count < maxPending {
            candidates[id] = candidate
            candidateExpiry.push(id, at: candidate.time)
            nextExpiry = min(nextExpiry, candidate.time)
            onCandidate(candidate)
        } else {
            onSkip(.expired)
        }
    }

    /// Looks at every evaluated event for a re-prompt (`"reprompt_of": "<id>"`). `fields` are the event's values at
    /// `eventFields`, as an engine made with them hands them to `onEvent`. `time` is the event's time, so a pair is
    /// stamped when its re-prompt happened.
    public func observe(time: Int64, fields: UnsafeBufferPointer<Value>) {
        if time > Int64.min + retention { expire(before: time - retention) }
        guard fields.count == Field.paths.count, let original = fields.string(Field.repromptOf) else { return }
        let reprompt = Reprompt(
            id: fields.string(Field.id), prompt: fields.string(Field.prompt), model: fields.string(Field.model),
            response: fields.string(Field.response), safety: fields.string(Field.safety), refusal: fields.bool(Field.refusal),
            verdict: fields.json(Field.verdict))
        // An answer that cannot be chosen leaves the candidate waiting for a later re-prompt (a second attempt).
        if let candidate = candidates[original] {
            guard reprompt.reasks(candidate) else { return onSkip(.otherPrompt) }
            guard reprompt.canBeChosen else { return onSkip(.repromptNotSafe) }
            guard Self.canChoose(reprompt.response!, over: candidate.response) else { return onSkip(.unusableAnswer) }
            candidates[original] = nil
            pair(candidate, reprompt, time: time)
        } else if reprompt.canBeChosen {
            // Before its candidate: the first few answers that can be chosen wait.
            guard !isBlank(reprompt.response!) else { return onSkip(.unusableAnswer) }
            let held = reprompts[original]?.count ?? 0
            guard held < Self.earlyReprompts, held > 0 || reprompts.count < maxPending else { return }
            reprompts[original, default: []].append((time, reprompt))
            repromptExpiry.push(original, at: time)
            nextExpiry = min(nextExpiry, time)
        }
    }

    /// Hands every waiting candidate to `onUnanswered` (end of a replay, shutdown).
    public func flush() {
        for id in candidates.keys.sorted() { onUnanswered(candidates[id]!) }
        candidates = [:]
        reprompts = [:]
        candidateExpiry.removeAll()
        repromptExpiry.removeAll()
        nextExpiry = .max
    }

    /// Records a pair made outside the stream (a live re-prompt), with the same dedupe and the same checks of its
    /// answers.
    public func accept(_ pair: DPOPair) {
        candidates[pair.rejectedEventID] = nil
        guard Self.isUsable(pair) else { return onSkip(.unusableAnswer) }
        guard prompts.insert(pair.promptKey).inserted else { return onSkip(.duplicatePrompt) }
        onPair(pair)
    }

    /// Whether `answer` can be the chosen side of a pair whose rejected side is `rejected`: not blank, and not the
    /// rejected answer itself (a pair that teaches nothing, and that TRL's loss cannot use).
    public static func canChoose(_ answer: String, over rejected: String) -> Bool {
        !isBlank(answer) && answer != rejected
    }

    /// Whether a pair can be trained on: a prompt, a rejected answer, and a chosen one `canChoose` allows (neither
    /// blank). Capture makes no other; export also leaves out any a store kept from before this check.
    public static func isUsable(_ pair: DPOPair) -> Bool {
        !isBlank(pair.prompt) && !isBlank(pair.rejected) && canChoose(pair.chosen, over: pair.rejected)
    }

    // MARK: Internals

    /// `reprompt` can be chosen (see `Reprompt.canBeChosen`).
    private func pair(_ candidate: Candidate, _ reprompt: Reprompt, time: Int64) {
        guard let chosen = reprompt.response else { return }
        accept(
            DPOPair(
                time: time, prompt: candidate.prompt, chosen: chosen, rejected: candidate.response, model: candidate.model,
                rule: candidate.rule, categories: candidate.categories, rejectedGuard: candidate.guardVerdict,
                chosenGuard: reprompt.verdict, rejectedEventID: candidate.eventID, chosenEventID: reprompt.id,
                source: "stream", safetyInstruction: nil))
    }

    /// Runs for every line, so it looks only at entries due to expire (the queues), not at every waiting one.
    private func expire(before cutoff: Int64) {
        guard nextExpiry < cutoff else { return }
        for id in candidateExpiry.popKeys(before: cutoff) {
            guard let candidate = candidates[id], candidate.time < cutoff else { continue }
            candidates[id] = nil
            onUnanswered(candidate)
        }
        for original in repromptExpiry.popKeys(before: cutoff) {
            reprompts[original]?.removeAll { $0.time < cutoff }
            if reprompts[original]?.isEmpty == true { reprompts[original] = nil }
        }
        nextExpiry = min(candidateExpiry.firstTime ?? .max, repromptExpiry.firstTime ?? .max)
    }
}

/// Empty or only whitespace: no prompt or answer to learn from.
private func isBlank(_ text: String) -> Bool {
    text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
}
