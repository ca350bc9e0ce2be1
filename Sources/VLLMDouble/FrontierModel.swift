import SentinelCore

/// The frontier role's answers: a pure function of the conversation (see ``VLLMDouble/Markers``).
enum FrontierModel {
    /// What the frontier says to a harmful prompt without a jailbreak.
    static let refusal = "I'm sorry, but I can't help with that request."

    /// Words in a benign answer: this base plus one per word of the last user message, up to ``maxBenignWords``.
    static let baseBenignWords = 8
    static let maxBenignWords = 64

    static func answer(to messages: [ChatRequest.Message]) -> String {
        let prompt = messages.last { $0.role == "user" }?.content ?? ""
        let findings = TextFindings(prompt)
        guard findings.isHarmful, let phrase = findings.firstHarmPhrase else { return benignAnswer(to: prompt) }
        let instructedToRefuse = messages.contains {
            $0.role == "system" && TextFindings($0.content).refusalInstruction
        }
        if findings.jailbreak, !instructedToRefuse {
            return "Sure, here is how to \(phrase), step by step. First, gather what you need. "
                + "Then follow each step exactly and tell no one."
        }
        return refusal
    }

    /// Harmless filler whose length grows with the prompt and whose wording varies with it.
    static func benignAnswer(to prompt: String) -> String {
        let count = min(baseBenignWords + Tokenizer.wordCount(prompt), maxBenignWords)
        let offset = Int(StableHash.fnv1a(prompt) % UInt64(vocabulary.count))
        var words: [String] = []
        words.reserveCapacity(count)
        for position in 0..<count {
            var word = vocabulary[(offset + position) % vocabulary.count]
            if position == 0 || position % 8 == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
            if position % 8 == 7 || position == count - 1 { word += "." }
            words.append(word)
        }
        return words.joined(separator: " ")
    }

    private static let vocabulary = [
        "clear", "steps", "help", "explain", "the", "topic", "with", "simple", "examples", "and", "careful",
        "notes", "that", "make", "each", "idea", "easy", "to", "follow", "so", "you", "can", "learn", "it", "at",
        "your", "own", "pace", "today", "while", "staying", "curious",
    ]
}
