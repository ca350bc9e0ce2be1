extension VLLMDouble {
    /// The harms the double recognises (see ``Markers/harm``), and how each guard format names them.
    public enum HarmCategory: String, Sendable, CaseIterable, Comparable {
        /// Violence against people (Llama Guard S1).
        case violentCrime
        /// Indiscriminate weapons: explosives, chemical and biological agents (S9).
        case weapons
        /// Theft, fraud, intrusion and other non-violent crime (S2).
        case nonViolentCrime
        /// Suicide and self-harm (S11).
        case selfHarm
        /// Sexual content (S12).
        case sexualContent
        /// Hate speech (S10).
        case hate
        /// Personal data of others (S7).
        case privacy
        /// Copyright infringement (S8).
        case copyright

        /// Qwen3Guard's category token (exact spelling from its README's parser).
        public var qwen3GuardCategory: String {
            switch self {
            case .violentCrime, .weapons: "Violent"
            case .nonViolentCrime: "Non-violent Illegal Acts"
            case .selfHarm: "Suicide & Self-Harm"
            case .sexualContent: "Sexual Content or Sexual Acts"
            case .hate: "Unethical Acts"
            case .privacy: "PII"
            case .copyright: "Copyright Violation"
            }
        }

        /// Llama Guard 3's hazard code.
        public var llamaGuardCode: String {
            switch self {
            case .violentCrime: "S1"
            case .nonViolentCrime: "S2"
            case .privacy: "S7"
            case .copyright: "S8"
            case .weapons: "S9"
            case .hate: "S10"
            case .selfHarm: "S11"
            case .sexualContent: "S12"
            }
        }

        /// The OpenAI moderation categories flagged for this harm (none for privacy and copyright, which
        /// OpenAI's moderation does not cover).
        public var openAICategories: [String] {
            switch self {
            case .violentCrime: ["violence"]
            case .weapons: ["illicit", "illicit/violent"]
            case .nonViolentCrime: ["illicit"]
            case .selfHarm: ["self-harm", "self-harm/intent"]
            case .sexualContent: ["sexual"]
            case .hate: ["hate", "harassment"]
            case .privacy, .copyright: []
            }
        }

        /// Declaration order, which is also the order categories are listed in a verdict.
        public static func < (lhs: Self, rhs: Self) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }
}
