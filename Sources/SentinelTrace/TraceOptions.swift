/// What counts as a span worth showing, and how much of each is shown. Defaults follow OLMoTrace
/// (`allenai/infinigram-api`), with lengths counted in words instead of Llama-2 tokens.
public struct TraceOptions: Sendable, Hashable {
    /// The fewest words a span has (5: shorter runs of common words occur everywhere and explain nothing).
    public var minSpanLength: Int
    /// A span occurring more often than this in the corpus is dropped as common phrasing (10, as OLMoTrace).
    public var maxFrequency: Int
    /// At most ⌈density × words of the output⌉ spans are kept, the rarest first (0.05, as OLMoTrace per token).
    public var maxSpanDensity: Double
    /// A hard cap on kept spans besides the density (none by default).
    public var maxSpanCount: Int?
    /// Documents shown per span; when a span occurs more often, a seeded sample (10, as OLMoTrace).
    public var maxDocumentsPerSpan: Int
    /// Characters (Unicode scalars) of document text shown either side of a match in `context` (250).
    public var contextLength: Int
    /// Characters either side of a match in the short `snippet` (40, as OLMoTrace).
    public var snippetLength: Int
    /// Seed of the document sample, so the same trace shows the same documents.
    public var seed: UInt64
    /// How long a local index may search for one trace before it gives up (`TraceError.timeLimit`); nil: no limit.
    /// The infini-gram backend bounds each request instead (`InfiniGramClient.Configuration.timeout`).
    public var timeLimit: Duration?

    public init(
        minSpanLength: Int = 5, maxFrequency: Int = 10, maxSpanDensity: Double = 0.05, maxSpanCount: Int? = nil,
        maxDocumentsPerSpan: Int = 10, contextLength: Int = 250, snippetLength: Int = 40, seed: UInt64 = 42,
        timeLimit: Duration? = nil
    ) {
        self.minSpanLength = minSpanLength
        self.maxFrequency = maxFrequency
        self.maxSpanDensity = maxSpanDensity
        self.maxSpanCount = maxSpanCount
        self.maxDocumentsPerSpan = maxDocumentsPerSpan
        self.contextLength = contextLength
        self.snippetLength = snippetLength
        self.seed = seed
        self.timeLimit = timeLimit
    }

    /// What is wrong with these options, or nil when they can be used.
    public var problem: String? {
        if minSpanLength < 1 { return "min_span_length must be at least 1" }
        if maxFrequency < 1 { return "max_frequency must be at least 1" }
        if !(maxSpanDensity > 0 && maxSpanDensity.isFinite) { return "max_span_density must be a positive number" }
        if let maxSpanCount, maxSpanCount < 1 { return "max_span_count must be at least 1" }
        if maxDocumentsPerSpan < 0 { return "max_documents_per_span must not be negative" }
        if contextLength < 0 || snippetLength < 0 { return "context lengths must not be negative" }
        if let timeLimit, timeLimit <= .zero { return "timeout must be positive" }
        return nil
    }

    /// How many spans an output of `words` words keeps.
    func spanBudget(words: Int) -> Int {
        let byDensity = (maxSpanDensity * Double(words)).rounded(.up)
        return min(byDensity < Double(Int.max) ? Int(byDensity) : .max, maxSpanCount ?? .max)
    }
}
