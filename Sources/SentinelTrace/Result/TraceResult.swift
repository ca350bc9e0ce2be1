/// What a trace found: the kept spans of the output in order, each with documents it occurs in. Encodes to JSON
/// with snake_case keys (stored with findings, printed by `sentinel trace --json`).
public struct TraceResult: Sendable, Hashable, Codable {
    /// `local` or `infini-gram`.
    public var backend: String
    /// The index folder or the infini-gram index name.
    public var index: String
    /// Kept spans, by position in the output.
    public var spans: [TraceSpan]
    /// Maximal spans found before the density budget chose among them.
    public var candidates: Int
    /// Words in the output (what the density budget is relative to).
    public var outputWords: Int
    /// Wall time of the whole trace, documents included.
    public var latencyMilliseconds: Double
    /// HTTP requests made (infini-gram only).
    public var requests: Int?

    public init(
        backend: String, index: String, spans: [TraceSpan], candidates: Int, outputWords: Int,
        latencyMilliseconds: Double, requests: Int? = nil
    ) {
        self.backend = backend
        self.index = index
        self.spans = spans
        self.candidates = candidates
        self.outputWords = outputWords
        self.latencyMilliseconds = latencyMilliseconds
        self.requests = requests
    }

    private enum CodingKeys: String, CodingKey {
        case backend, index, spans, candidates, requests
        case outputWords = "output_words"
        case latencyMilliseconds = "latency_ms"
    }
}
