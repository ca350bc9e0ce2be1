public import SentinelAct

/// A DPO pair as kept in the store, with its human review.
public struct StoredPair: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable, CaseIterable {
        /// A reviewer confirmed the pair: it is kept by `--reviewed-only` exports.
        case accepted
        /// A reviewer rejected it: it is never exported.
        case rejected
    }

    public var id: Int64
    public var pair: DPOPair
    public var verdict: Verdict?
    public var reviewer: String?
    public var reviewedAt: Int64?
    /// When it was stored (wall clock, epoch ms).
    public var createdAt: Int64
    /// Whether a reviewer marked its rejected answer unsafe on its finding, which confirms the pair as `accepted`
    /// does (nil where not read).
    public var answerMarkedUnsafe: Bool?

    /// Whether a reviewer confirmed it: accepted it, or marked its rejected answer unsafe.
    public var isReviewed: Bool { verdict == .accepted || answerMarkedUnsafe == true }

    public init(id: Int64, pair: DPOPair, verdict: Verdict?, reviewer: String?, reviewedAt: Int64?, createdAt: Int64) {
        self.id = id
        self.pair = pair
        self.verdict = verdict
        self.reviewer = reviewer
        self.reviewedAt = reviewedAt
        self.createdAt = createdAt
    }
}

/// Which pairs to read. Pairs a reviewer rejected, and pairs whose rejected answer a reviewer marked safe on its
/// finding, are left out unless `includeDropped`.
public struct PairQuery: Sendable, Equatable {
    /// Event time of the chosen answer, half-open `[since, until)`.
    public var since: Int64?
    public var until: Int64?
    public var model: String?
    /// Only pairs a reviewer accepted, or whose finding a reviewer marked unsafe in its output.
    public var reviewedOnly = false
    public var includeDropped = false
    /// Newest first, ids below `cursor`, at most `limit` (nil: all, oldest first, for exports).
    public var limit: Int?
    public var cursor: Int64?

    public init(
        since: Int64? = nil, until: Int64? = nil, model: String? = nil, reviewedOnly: Bool = false, includeDropped: Bool = false,
        limit: Int? = nil, cursor: Int64? = nil
    ) {
        self.since = since
        self.until = until
        self.model = model
        self.reviewedOnly = reviewedOnly
        self.includeDropped = includeDropped
        self.limit = limit
        self.cursor = cursor
    }
}
