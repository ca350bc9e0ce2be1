public import AsyncHTTPClient
import SentinelCore

/// Traces against an infini-gram index over HTTP (OLMo's training data: `v4_olmo-2-1124-13b-instruct_llama` and
/// the others the API lists).
///
/// The public API has no `attribute` query, so spans are found with `count` queries on word-aligned pieces of
/// the output, sentence by sentence (sentences in parallel, `maxConcurrentRequests` at a time). The longest
/// match can only grow from one start word to the next, so each start costs one `count` when it cannot reach
/// past the last span, and a found span of w words about 2·log2(w) more (doubling, then bisecting). Then each
/// kept span costs one `find` and one `get_doc_by_rank` per document shown. For a 500-word output that is
/// typically 500–800 requests; `maxRequests` caps it.
///
/// ```swift
/// let client = InfiniGramClient(configuration: .init(index: "v4_olmo-2-1124-13b-instruct_llama"))
/// let result = try await client.trace(answer, options: TraceOptions())
/// ```
public struct InfiniGramClient: TraceBackend {
    public struct Configuration: Sendable, Hashable {
        /// The API endpoint (`https://api.infini-gram.io/`).
        public var url: String
        public var index: String
        /// Per request, until the whole answer has come (10 s).
        public var timeout: Duration
        /// Attempts per request; timeouts, connection errors, 5xx and 429 are retried (3).
        public var maxAttempts: Int
        /// The wait after the first failed attempt, doubling up to `maxBackoff` (0.5 s, 5 s), times a random
        /// factor in [0.5, 1] so parallel requests do not retry together.
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        /// Requests per trace, retries included, before it fails with `.requestBudgetExhausted` (2000).
        public var maxRequests: Int
        /// Requests in flight at once (4).
        public var maxConcurrentRequests: Int
        /// The longest query (1000: the public API refuses longer ones); longer spans are found in pieces.
        public var maxQueryBytes: Int

        public init(
            url: String = "https://api.infini-gram.io/", index: String, timeout: Duration = .seconds(10),
            maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(5),
            maxRequests: Int = 2000, maxConcurrentRequests: Int = 4, maxQueryBytes: Int = 1000
        ) {
            self.url = url
            self.index = index
            self.timeout = timeout
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxRequests = maxRequests
            self.maxConcurrentRequests = maxConcurrentRequests
            self.maxQueryBytes = maxQueryBytes
        }
    }

    public let configuration: Configuration
    let client: HTTPClient

    /// - Parameter client: `HTTPClient.shared` unless given.
    public init(configuration: Configuration, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = client
    }

    public func trace(_ text: String, options: TraceOptions) async throws -> TraceResult {
        let started = ContinuousClock.now
        if let problem = options.problem { throw TraceError.invalidOptions(problem) }
        let output = OutputText(text)
        let budget = RequestBudget(limit: configuration.maxRequests)
        let limit = max(configuration.maxConcurrentRequests, 1)
        let candidates = try await output.sentences.concurrentMap(limit: limit) { sentence in
            try await maximalSpans(in: sentence, of: output, options: options, budget: budget)
        }.flatMap { $0 }
        let kept = candidates.rarest(options.spanBudget(words: output.words.count), in: output)
        let spans = try await kept.concurrentMap(limit: limit) { index in
            let candidate = candidates[index]
            let text = output.text(output.bytes(from: candidate.word, to: candidate.stop))
            return output.traceSpan(
                candidate, documents: try await documents(of: text, options: options, budget: budget))
        }
        return TraceResult(
            backend: "infini-gram", index: configuration.index, spans: spans, candidates: candidates.count,
            outputWords: output.words.count, latencyMilliseconds: (ContinuousClock.now - started).milliseconds,
            requests: budget.used)
    }
}
