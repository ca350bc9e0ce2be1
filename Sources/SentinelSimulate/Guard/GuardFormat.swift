/// How a guard is asked and how its answer reads.
public enum GuardFormat: String, Sendable, CaseIterable {
    /// Qwen3Guard-Gen through `/v1/chat/completions`: `Safety: …`, `Categories: …`, `Refusal: …` lines.
    case qwen3guard
    /// Llama Guard 3 through `/v1/chat/completions`: `safe`, or `unsafe` and a line of `S1,S10` codes.
    case llamaguard
    /// OpenAI-style `POST /v1/moderations`: `flagged` and boolean `categories`.
    case openai
}
