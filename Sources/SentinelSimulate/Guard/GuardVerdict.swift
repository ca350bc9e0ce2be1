import SentinelCore

/// A guard's judgement of a prompt or an answer, normalised across guard formats: the `prompt_guard` and
/// `response_guard` objects of a completion event.
public struct GuardVerdict: Sendable, Equatable {
    /// Qwen3Guard's three severity levels; binary guards use `safe` and `unsafe` only.
    public enum Safety: String, Sendable {
        case safe, unsafe, controversial
    }

    /// How harmful the guard judged the text.
    public var safety: Safety
    /// Category names in the guard's own vocabulary (Qwen3Guard tokens, Llama Guard hazard names, OpenAI
    /// moderation categories); empty when none.
    public var categories: [String]
    /// Whether the answer refuses; nil when the guard does not say (prompt moderation, Llama Guard, OpenAI).
    public var refusal: Bool?
    /// The guard's output as received (its text, or the moderation response body).
    public var raw: String

    /// A verdict with the given parts.
    public init(safety: Safety, categories: [String] = [], refusal: Bool? = nil, raw: String = "") {
        self.safety = safety
        self.categories = categories
        self.refusal = refusal
        self.raw = raw
    }

    /// The verdict as a JSON object: `{"safety":…,"categories":[…],"refusal":…,"raw":…}`.
    public var json: String {
        var out = JSONText()
        out.add("safety", safety.rawValue)
        out.add("categories", strings: categories)
        if let refusal { out.add("refusal", refusal) }
        out.add("raw", raw)
        return out.result
    }
}
