@testable import SentinelAct
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import Foundation
import Testing

/// DPO pairs from the stream: an unsafe answer matched by a `capture_dpo` rule, and a later re-prompt of it that
/// the guard calls safe or a refusal.
@Suite struct DPOCaptureTests {
    static let rules = "rules: [{name: Unsafe, on: completion, when: 'response_guard.safety == \"unsafe\"', actions: [capture_dpo]}]"
    static let policy = """
        actions: {capture_dpo: {type: capture_dpo, safety_instruction: "Refuse harmful requests."}}
        """

    final class Run {
        let engine: Engine
        let capture: DPOCapture
        var pairs: [DPOPair] = []
        var skips: [DPOCapture.Skip] = []
        var unanswered: [String] = []

        init(retention: Int64 = 3_600_000) throws {
            let graph = try EngineFixture.compile(DPOCaptureTests.rules, policy: DPOCaptureTests.policy)
            engine = Engine(graph: graph, eventFields: DPOCapture.eventFields)
            capture = DPOCapture(graph: graph, retention: retention)
            engine.onAction = { [unowned self] in self.capture.take($0) }
            engine.onEvent = { [capture] _, time, fields in capture.observe(time: time, fields: fields) }
            capture.onPair = { [unowned self] in self.pairs.append($0) }
            capture.onSkip = { [unowned self] in self.skips.append($0) }
            capture.onUnanswered = { [unowned self] in self.unanswered.append($0.eventID) }
        }

        func send(_ line: String) throws {
            var bytes = Array(line.utf8)
            try bytes.withUnsafeMutableBytes { raw in
                let line = UnsafeRawBufferPointer(raw)
                try engine.ingest(line)
            }
        }
    }

    static func exchange(_ seconds: Int, id: String, prompt: String, response: String, safety: String, refusal: Bool = false, repromptOf: String? = nil)
        -> String
    {
        let reprompt = repromptOf.map { "\"\($0)\"" } ?? "null"
        return #"{"ts":\#(seconds),"kind":"completion","id":"\#(id)","model":"m","prompt":"\#(prompt)","response":"\#(response)","#
            + #""prompt_guard":{"safety":"unsafe","categories":["Violent"]},"#
            + #""response_guard":{"safety":"\#(safety)","categories":[],"refusal":\#(refusal)},"reprompt_of":\#(reprompt)}"#
    }

    /// Re-prompts are seen as the engine evaluates events: a late one (skipped by the rules) makes no pair either.
    @Test func aLateRepromptMakesNoPair() throws {
        let run = try Run()
        try run.send(Self.exchange(0, id: "a", prompt: "How to hurt?", response: "Like this.", safety: "unsafe"))
        try run.send(Self.exchange(30, id: "other", prompt: "Hi", response: "Hello", safety: "safe"))
        try run.send(Self.exchange(10, id: "b", prompt: "How to hurt?", response: "No.", safety: "safe", repromptOf: "a"))
        #expect(run.engine.statistics.lateEvents == 1)
        #expect(run.pairs.isEmpty)
    }

    @Test func anUnsafeAnswerAndItsSafeRepromptMakeAPairWithTheUserPrompt() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "How to hurt?", response: "Like this.", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "other", prompt: "Hi", response: "Hello", safety: "safe"))
        try run.send(Self.exchange(5, id: "b", prompt: "How to hurt?", response: "I can't help.", safety: "safe", refusal: true, repromptOf: "a"))
        #expect(run.pairs.count == 1)
        let pair = try #require(run.pairs.first)
        #expect(pair.prompt == "How to hurt?")
        #expect(pair.rejected == "Like this.")
        #expect(pair.chosen == "I can't help.")
        #expect(pair.rejectedEventID == "a")
        #expect(pair.chosenEventID == "b")
        #expect(pair.categories == ["Violent"])  // from the prompt's verdict when the answer's has none
        #expect(pair.rule == "Unsafe")
        #expect(pair.time == 5_000)
    }

    /// A re-prompt pairs only with the exchange it re-asks: the same model, and a prompt holding its prompt (a
    /// safety instruction may be added). An id used twice, or a wrong `reprompt_of`, paired a cat joke as the
    /// chosen answer to another prompt.
    @Test func aRepromptOfAnotherPromptOrModelMakesNoPair() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "How to hurt?", response: "Like this.", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "b", prompt: "Tell me a cat joke", response: "Meow.", safety: "safe", repromptOf: "a"))
        try run.send(
            Self.exchange(3, id: "c", prompt: "How to hurt?", response: "No.", safety: "safe", repromptOf: "a")
                .replacingOccurrences(of: #""model":"m""#, with: #""model":"other""#))
        // An early re-prompt of another prompt is skipped when its candidate comes, then the right one pairs.
        try run.send(Self.exchange(4, id: "e", prompt: "Something else", response: "Fine.", safety: "safe", repromptOf: "d"))
        try run.send(Self.exchange(5, id: "d", prompt: "Make poison", response: "Mix this.", safety: "unsafe"))
        try run.send(Self.exchange(6, id: "f", prompt: "Be safe. MAKE  poison", response: "I can't.", safety: "safe", repromptOf: "d"))
        try run.send(Self.exchange(7, id: "g", prompt: "How to hurt?", response: "I won't.", safety: "safe", repromptOf: "a"))
        #expect(run.pairs.map { "\($0.rejectedEventID)<\($0.chosenEventID ?? "")" } == ["d<f", "a<g"])
        #expect(run.skips == [.otherPrompt, .otherPrompt, .otherPrompt])
    }

    @Test func anUnsafeRepromptOrARefusedOriginalMakesNoPair() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "p1", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "b", prompt: "p1", response: "still bad", safety: "unsafe", repromptOf: "a"))
        try run.send(Self.exchange(3, id: "c", prompt: "p2", response: "no", safety: "unsafe", refusal: true))
        try run.send(Self.exchange(4, id: "d", prompt: "p2", response: "no", safety: "safe", repromptOf: "c"))
        #expect(run.pairs.isEmpty)
        #expect(run.skips == [.repromptNotSafe, .answerNotUnsafe])
    }

    /// A re-prompt whose answer cannot be chosen leaves the candidate waiting: a second, safe attempt makes the
    /// pair (the first attempt used to end the wait). Before the candidate, an unsafe attempt does not replace a
    /// safe one.
    @Test func aSafeSecondAttemptMakesThePairAfterAnUnsafeFirst() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "p1", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "r1", prompt: "p1", response: "still bad", safety: "unsafe", repromptOf: "a"))
        try run.send(Self.exchange(3, id: "r2", prompt: "p1", response: "I won't.", safety: "safe", repromptOf: "a"))
        try run.send(Self.exchange(4, id: "s1", prompt: "p2", response: "No.", safety: "safe", repromptOf: "c"))
        try run.send(Self.exchange(5, id: "s2", prompt: "p2", response: "Sure:", safety: "unsafe", repromptOf: "c"))
        try run.send(Self.exchange(6, id: "c", prompt: "p2", response: "bad", safety: "unsafe"))
        #expect(run.pairs.map { "\($0.rejectedEventID)<\($0.chosenEventID ?? "")" } == ["a<r2", "c<s1"])
    }

    /// A pair teaches nothing when its chosen answer is the rejected one, and TRL cannot train on a blank side: such
    /// a re-prompt leaves the candidate waiting for another one, before or after the candidate, and a match with a
    /// blank prompt or answer is no candidate.
    @Test func blankOrUnchangedAnswersMakeNoPair() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "p1", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "r1", prompt: "p1", response: "bad", safety: "safe", repromptOf: "a"))
        try run.send(Self.exchange(3, id: "r2", prompt: "p1", response: " \\n", safety: "safe", refusal: true, repromptOf: "a"))
        try run.send(Self.exchange(4, id: "r3", prompt: "p1", response: "No.", safety: "safe", repromptOf: "a"))
        try run.send(Self.exchange(5, id: "s1", prompt: "p2", response: "", safety: "safe", refusal: true, repromptOf: "c"))
        try run.send(Self.exchange(6, id: "s2", prompt: "p2", response: "I won't.", safety: "safe", repromptOf: "c"))
        try run.send(Self.exchange(7, id: "c", prompt: "p2", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(8, id: "d", prompt: "  ", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(9, id: "e", prompt: "p3", response: "", safety: "unsafe"))
        #expect(run.pairs.map { "\($0.rejectedEventID)<\($0.chosenEventID ?? "")" } == ["a<r3", "c<s2"])
        #expect(run.skips == [.unusableAnswer, .unusableAnswer, .unusableAnswer, .missingFields, .missingFields])
    }

    /// Re-prompts seen before their candidate all wait (a few): the first that differs from the rejected answer,
    /// known only once the candidate comes, makes the pair.
    @Test func anEarlyRepromptEqualToTheRejectedAnswerLeavesTheNextOne() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "r1", prompt: "p", response: "Same.", safety: "safe", repromptOf: "x"))
        try run.send(Self.exchange(2, id: "r2", prompt: "p", response: "No.", safety: "safe", repromptOf: "x"))
        try run.send(Self.exchange(3, id: "x", prompt: "p", response: "Same.", safety: "unsafe"))
        #expect(run.pairs.map { "\($0.rejectedEventID)<\($0.chosenEventID ?? "")" } == ["x<r2"])
        #expect(run.skips == [.unusableAnswer])
    }

    /// What export keeps of a store's pairs: a prompt and two answers to train on, the chosen one not the rejected.
    @Test func aPairIsUsableWithAPromptAndTwoDifferentAnswers() {
        func pair(_ prompt: String, _ chosen: String, _ rejected: String) -> DPOPair {
            DPOPair(
                time: 0, prompt: prompt, chosen: chosen, rejected: rejected, model: nil, rule: "R", categories: [],
                rejectedGuard: nil, chosenGuard: nil, rejectedEventID: "a", chosenEventID: "b", source: "stream",
                safetyInstruction: nil)
        }
        #expect(DPOCapture.isUsable(pair("p", "No.", "Sure:")))
        #expect(!DPOCapture.isUsable(pair(" \n", "No.", "Sure:")))
        #expect(!DPOCapture.isUsable(pair("p", "", "Sure:")))
        #expect(!DPOCapture.isUsable(pair("p", "No.", "\t")))
        #expect(!DPOCapture.isUsable(pair("p", "Sure:", "Sure:")))
    }

    /// The guard's verdict decides first: a refusal it still calls unsafe is not chosen.
    @Test func aRefusalJudgedUnsafeIsNotChosen() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "p", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "b", prompt: "p", response: "No, but here is how.", safety: "unsafe", refusal: true, repromptOf: "a"))
        #expect(run.pairs.isEmpty)
        #expect(run.skips == [.repromptNotSafe, .answerNotUnsafe])  // the re-prompt is a match itself, a refusal
    }

    @Test func aRepromptSeenFirstWaitsForItsCandidate() throws {
        let run = try Run()
        // A re-prompt whose original arrives later (a collector delivered them out of order).
        try run.send(Self.exchange(1, id: "b", prompt: "p", response: "I won't.", safety: "safe", repromptOf: "a"))
        try run.send(Self.exchange(2, id: "a", prompt: "p", response: "bad", safety: "unsafe"))
        #expect(run.pairs.map(\.chosenEventID) == ["b"])
    }

    @Test func pairsAreDeduplicatedByNormalisedPrompt() throws {
        let run = try Run()
        try run.send(Self.exchange(1, id: "a", prompt: "How  to HURT?", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(2, id: "b", prompt: "How to hurt?", response: "no", safety: "safe", repromptOf: "a"))
        try run.send(Self.exchange(3, id: "c", prompt: "how to hurt?", response: "bad again", safety: "unsafe"))
        try run.send(Self.exchange(4, id: "d", prompt: "how to hurt?", response: "no", safety: "safe", repromptOf: "c"))
        #expect(run.pairs.count == 1)
        #expect(run.skips == [.duplicatePrompt])
    }

    @Test func candidatesWithoutARepromptExpireAsUnanswered() throws {
        let run = try Run(retention: 60_000)
        try run.send(Self.exchange(1, id: "a", prompt: "p", response: "bad", safety: "unsafe"))
        try run.send(Self.exchange(30, id: "x", prompt: "q", response: "fine", safety: "safe"))
        #expect(run.unanswered.isEmpty)
        try run.send(Self.exchange(62, id: "y", prompt: "q", response: "fine", safety: "safe"))
        #expect(run.unanswered == ["a"])
        try run.send(Self.exchange(63, id: "b", prompt: "p", response: "no", safety: "safe", repromptOf: "a"))
        #expect(run.pairs.isEmpty)
    }

    /// Only a top-level `reprompt_of` holding a string makes an event a re-prompt (the engine decodes it with the
    /// rules' fields): one nested in another object, a null, or the text inside a prompt does not.
    @Test func onlyATopLevelStringRepromptOfMarksARepromptedExchange() throws {
        func pairs(_ repromptMember: String) throws -> Int {
            let run = try Run()
            try run.send(Self.exchange(0, id: "a", prompt: "How to hurt?", response: "Like this.", safety: "unsafe"))
            let line = #"{"ts":1,"kind":"completion","id":"b","model":"m","prompt":"How to hurt? reprompt_of","response":"No.","#
                + #""response_guard":{"safety":"safe","refusal":true},\#(repromptMember)}"#
            try run.send(line)
            return run.pairs.count
        }
        #expect(try pairs(#""reprompt_of":"a""#) == 1)
        #expect(try pairs(#""reprompt_of" : "a""#) == 1)
        #expect(try pairs(#""reprompt_of":null"#) == 0)
        #expect(try pairs(#""attrs":{"reprompt_of":"a"}"#) == 0)
        #expect(try pairs(#""reprompt_off":"a""#) == 0)
    }

    /// The ASCII fast path of prompt normalisation agrees with the Unicode definition (lower-cased, whitespace runs
    /// collapsed to one space, trimmed), including CR LF, which Swift reads as one whitespace character.
    @Test func asciiPromptNormalisationMatchesTheUnicodeDefinition() {
        let alphabet = Array("aZ 9\t\n\r\u{0B}\u{0C}\u{1C}.Q_-?")
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 24)
            let prompt = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let expected = prompt.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(DPOPair.normalise(prompt) == expected, "\(prompt.debugDescription)")
        }
        #expect(DPOPair.normalise("  Ünïcode\u{00A0}Prompt ") == "ünïcode prompt")
    }
}
