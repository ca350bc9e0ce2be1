import SentinelCore

/// Deals prompts in a seeded shuffled order (reshuffled after each pass) and draws a user for each.
struct PromptDeck {
    private let prompts: [Prompt]
    private var order: [Int]
    private var position = 0
    private var generator: SplitMix64
    private let users: Int
    private let userDigits: Int

    init(_ prompts: [Prompt], users: Int, seed: UInt64) {
        precondition(!prompts.isEmpty, "a simulation needs at least one prompt")
        self.prompts = prompts
        self.users = max(1, users)
        userDigits = max(3, String(self.users).count)
        // A stream of its own, so that the arrival times do not depend on how many prompts there are.
        generator = SplitMix64(seed: seed ^ 0xD1B5_4A32_D192_ED03)
        order = Array(prompts.indices).shuffled(using: &generator)
    }

    /// The next prompt and the user who sends it (`u-042`).
    mutating func next() -> (prompt: Prompt, user: String) {
        if position == order.count {
            order.shuffle(using: &generator)
            position = 0
        }
        let prompt = prompts[order[position]]
        position += 1
        let number = String(Int.random(in: 1...users, using: &generator))
        return (prompt, "u-" + String(repeating: "0", count: max(0, userDigits - number.count)) + number)
    }
}
