/// Which findings to list or delete. Every filter that is set must hold; nil filters select everything.
public struct FindingQuery: Sendable, Codable, Equatable {
    /// The largest page `limit` allows.
    public static let maxLimit = 1000

    /// Event time from (inclusive, epoch ms).
    public var since: Int64?
    /// Event time until (exclusive, epoch ms).
    public var until: Int64?
    public var rule: String?
    public var model: String?
    public var flagged: Bool?
    /// true: reviewed findings only; false: unreviewed ones only.
    public var reviewed: Bool?
    public var fingerprint: String?
    /// Page size, clamped to 1...`maxLimit`.
    public var limit: Int
    /// Lists findings with ids below this one: pass the previous page's `nextCursor`.
    public var cursor: Int64?

    public init(
        since: Int64? = nil, until: Int64? = nil, rule: String? = nil, model: String? = nil, flagged: Bool? = nil,
        reviewed: Bool? = nil, fingerprint: String? = nil, limit: Int = 100, cursor: Int64? = nil
    ) {
        self.since = since
        self.until = until
        self.rule = rule
        self.model = model
        self.flagged = flagged
        self.reviewed = reviewed
        self.fingerprint = fingerprint
        self.limit = limit
        self.cursor = cursor
    }

    /// `limit` within 1...`maxLimit`.
    public var pageSize: Int { min(max(limit, 1), Self.maxLimit) }
}

/// One page of findings, newest (highest id) first.
public struct FindingPage: Sendable, Codable, Equatable {
    public var findings: [Finding]
    /// The cursor for the next page; nil on the last page.
    public var nextCursor: Int64?

    public init(findings: [Finding], nextCursor: Int64?) {
        self.findings = findings
        self.nextCursor = nextCursor
    }
}
