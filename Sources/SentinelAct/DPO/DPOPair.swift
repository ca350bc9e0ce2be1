import Foundation

/// A preference pair for DPO training: the same user prompt, an answer the guard judged unsafe (`rejected`) and
/// one it judged safe or a refusal (`chosen`), with where they came from.
public struct DPOPair: Sendable, Codable, Equatable {
    /// Event time (epoch ms) of the chosen answer from the stream, or of the rejected one for a live re-prompt.
    public var time: Int64
    /// The user's prompt only: a safety instruction used to get `chosen` is kept in `safetyInstruction`, so training
    /// teaches the behaviour without the instruction.
    public var prompt: String
    public var chosen: String
    public var rejected: String
    public var model: String?
    /// The rule whose `capture_dpo` action matched the rejected answer.
    public var rule: String
    /// Harm categories of the rejected answer (its response verdict, else the prompt's).
    public var categories: [String]
    /// The guard's verdicts (the events' `response_guard` objects) as JSON text, as the events wrote them.
    public var rejectedGuard: String?
    public var chosenGuard: String?
    public var rejectedEventID: String
    public var chosenEventID: String?
    /// `stream` (a later exchange with `reprompt_of`) or `reprompt` (Sentinel asked the frontier again).
    public var source: String
    public var safetyInstruction: String?
    /// The normalised prompt pairs are deduplicated by.
    public var promptKey: String

    public init(
        time: Int64, prompt: String, chosen: String, rejected: String, model: String?, rule: String, categories: [String],
        rejectedGuard: String?, chosenGuard: String?, rejectedEventID: String, chosenEventID: String?, source: String,
        safetyInstruction: String?
    ) {
        self.time = time
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
        self.model = model
        self.rule = rule
        self.categories = categories
        self.rejectedGuard = rejectedGuard
        self.chosenGuard = chosenGuard
        self.rejectedEventID = rejectedEventID
        self.chosenEventID = chosenEventID
        self.source = source
        self.safetyInstruction = safetyInstruction
        promptKey = Self.normalise(prompt)
    }

    /// Case-folded, whitespace collapsed and trimmed: prompts that differ only in spacing or case are one prompt.
    public static func normalise(_ prompt: String) -> String {
        var text = prompt
        let ascii: String? = text.withUTF8 { utf8 in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            // ASCII (most prompts): the same result byte by byte, without Unicode property lookups, written in
            // place (every space written stands for at least one whitespace byte read).
            return String(unsafeUninitializedCapacity: utf8.count) { out in
                var n = 0
                var pendingSpace = false
                for byte in utf8 {
                    if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                        pendingSpace = n > 0
                        continue
                    }
                    if pendingSpace {
                        out[n] = 0x20
                        n += 1
                    }
                    pendingSpace = false
                    out[n] = byte &- 0x41 < 26 ? byte | 0x20 : byte
                    n += 1
                }
                return n
            }
        }
        return ascii ?? prompt.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
