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
        case outputWords = "output_words", latencyMilliseconds = "latency_ms"
    }
}

/// One verbatim span of the output and where it occurs.
public struct TraceSpan: Sendable, Hashable, Codable {
    public var text: String
    /// UTF-8 byte offsets in the output, end exclusive.
    public var start: Int
    public var end: Int
    /// Unicode scalar offsets in the output, end exclusive (as Python indexes strings).
    public var characterStart: Int
    public var characterEnd: Int
    /// Length in words.
    public var words: Int
    /// Occurrences in the corpus.
    public var count: Int
    public var documents: [TraceDocument]

    public init(
        text: String, start: Int, end: Int, characterStart: Int, characterEnd: Int, words: Int, count: Int,
        documents: [TraceDocument]
    ) {
        self.text = text
        self.start = start
        self.end = end
        self.characterStart = characterStart
        self.characterEnd = characterEnd
        self.words = words
        self.count = count
        self.documents = documents
    }

    /// Length in UTF-8 bytes.
    public var bytes: Int { end - start }

    private enum CodingKeys: String, CodingKey {
        case text, start, end, words, count, documents
        case characterStart = "character_start", characterEnd = "character_end"
    }
}

/// A corpus document a span occurs in, with text around the occurrence.
public struct TraceDocument: Sendable, Hashable, Codable {
    /// The document's position in the corpus (its line among the corpus' documents, from 0; infini-gram's
    /// `doc_ix` within its shard).
    public var index: Int
    /// The infini-gram shard, nil for a local index.
    public var shard: Int?
    /// The document's metadata as a JSON object text: the corpus line's fields other than `text`, or
    /// infini-gram's `metadata` string.
    public var metadata: String
    /// Up to `context_length` characters either side of the occurrence.
    public var context: TraceExcerpt
    /// Up to `snippet_length` characters either side of the occurrence.
    public var snippet: TraceExcerpt

    public init(index: Int, shard: Int? = nil, metadata: String, context: TraceExcerpt, snippet: TraceExcerpt) {
        self.index = index
        self.shard = shard
        self.metadata = metadata
        self.context = context
        self.snippet = snippet
    }
}

/// Document text with the occurrence inside it.
public struct TraceExcerpt: Sendable, Hashable, Codable {
    public var text: String
    /// Unicode scalar offsets of the occurrence in `text`, end exclusive; equal when the occurrence is not in
    /// the text (infini-gram cut it off).
    public var matchStart: Int
    public var matchEnd: Int

    public init(text: String, matchStart: Int, matchEnd: Int) {
        self.text = text
        self.matchStart = matchStart
        self.matchEnd = matchEnd
    }

    private enum CodingKeys: String, CodingKey {
        case text
        case matchStart = "match_start", matchEnd = "match_end"
    }
}
