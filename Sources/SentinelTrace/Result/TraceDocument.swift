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
