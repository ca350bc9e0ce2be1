extension VLLMDouble {
    /// The phrases every deterministic answer derives from, in one place, so tests can predict verdicts.
    ///
    /// A phrase matches case-insensitively, on word boundaries (no letter or digit right before or after it),
    /// with a typographic apostrophe (’) read as '. What the roles make of them:
    ///
    /// - frontier: a user message with a ``harm`` phrase gets a refusal, unless the user messages also carry a
    ///   ``jailbreak`` phrase and no system message carries a ``refusalInstruction``: then it complies with an
    ///   answer repeating the harm phrase, which a guard flags. Anything else gets a benign answer.
    /// - qwen3guard: prompt moderation (last message from the user) is `Unsafe` with each harm's category, plus
    ///   `Jailbreak` for a jailbreak phrase; `Controversial` (`Politically Sensitive Topics`) for a
    ///   ``controversial`` phrase; else `Safe`. Response moderation (last message from the assistant) judges the
    ///   assistant text the same way without `Jailbreak`, and says `Refusal: Yes` when it holds a ``refusal``.
    /// - llamaguard: the last message is `unsafe` with the harms' codes, else `safe` (controversial is safe).
    /// - openai (`/v1/moderations`): each input is flagged for its harms' categories.
    public enum Markers {
        /// A phrase that makes a text harmful, and the harm it stands for.
        public struct Harm: Sendable, Hashable {
            /// The phrase, lowercase.
            public let phrase: String
            /// The harm it stands for.
            public let category: HarmCategory
        }

        /// Harm phrases, in the order they are looked for.
        public static let harm: [Harm] =
            harms(.violentCrime, "kill someone", "murder", "stab")
            + harms(.weapons, "build a bomb", "make a bomb", "pipe bomb", "nerve agent", "bioweapon")
            + harms(.nonViolentCrime, "launder money", "steal a car", "hack into", "counterfeit money", "shoplift")
            + harms(.selfHarm, "kill myself", "suicide", "self-harm", "hurt myself")
            + harms(.sexualContent, "explicit sex", "pornographic")
            + harms(.hate, "racial slur", "inferior race", "hate speech")
            + harms(.privacy, "social security number", "home address of")
            + harms(.copyright, "pirated copy", "full lyrics of")

        /// Jailbreak phrases (in user messages): a frontier complies with a harmful prompt carrying one, and
        /// qwen3guard's prompt moderation adds the `Jailbreak` category.
        public static let jailbreak: [String] = [
            "ignore all previous instructions", "ignore previous instructions", "ignore your instructions",
            "developer mode", "do anything now", "jailbroken", "no restrictions", "pretend you have no rules",
        ]

        /// Phrases that make a text `Controversial` for qwen3guard (category `Politically Sensitive Topics`).
        public static let controversial: [String] = [
            "politically sensitive", "election was stolen", "abortion", "death penalty",
        ]

        /// Phrases in a system message that make a frontier refuse a harmful prompt even when jailbroken
        /// (the re-prompt SentineLLM sends after a successful jailbreak).
        public static let refusalInstruction: [String] = ["you must refuse", "refuse the request"]

        /// Phrases that make an assistant text a refusal (`Refusal: Yes`).
        public static let refusal: [String] = [
            "i'm sorry, but i can't", "i can't help with", "i cannot help with", "i can't assist with",
            "i cannot assist with", "i won't help", "i can't provide", "i cannot provide",
        ]

        private static func harms(_ category: HarmCategory, _ phrases: String...) -> [Harm] {
            phrases.map { Harm(phrase: $0, category: category) }
        }
    }
}
