/// Where a trace looks for verbatim spans of a model output: a corpus that can count substrings and show the
/// documents they occur in.
///
/// ```swift
/// let index = try LocalIndex(path: "corpus.index")
/// let result = try await index.trace(answer, options: TraceOptions())
/// for span in result.spans { print(span.text, span.count) }
/// ```
///
/// Two implementations: ``LocalIndex`` (a suffix array on disk, memory-mapped) and ``InfiniGramClient`` (the
/// infini-gram HTTP API over OLMo's training data). Both find the same spans, by the rules in ``TraceOptions``.
public protocol TraceBackend: Sendable {
    /// The maximal verbatim spans of `text` in the corpus, the rarest kept, each with documents it occurs in.
    func trace(_ text: String, options: TraceOptions) async throws -> TraceResult
}
