/// One exchange that matched a rule, kept with the whole event line it came from and, once reviewed, its review.
public struct Finding: Sendable, Codable, Equatable {
    /// Assigned by the store on insert; 0 before.
    public var id: Int64
    /// Event time of the exchange (epoch ms).
    public var time: Int64
    public var rule: String
    /// The identity of the alert the match belongs to (see `NotifiedAlert.fingerprint`).
    public var fingerprint: String
    public var severity: String
    public var labels: [String: String]
    /// The event's `id`.
    public var eventID: String?
    public var model: String?
    public var prompt: String?
    public var response: String?
    /// The event's `prompt_guard` object as JSON text.
    public var promptGuard: String?
    /// The event's `response_guard` object as JSON text.
    public var responseGuard: String?
    /// The guard called the prompt or the response unsafe.
    public var flagged: Bool
    /// The whole event line, verbatim.
    public var raw: String
    public var review: Review?
    /// Starts at 1 and goes up by one with every review, so two reviewers cannot silently overwrite each other.
    public var version: Int
    /// The DPO pair captured from this exchange, if any.
    public var dpoPairID: Int64?
    /// Results of tracing this exchange, as JSON text.
    public var traceJSON: String?

    public init(
        id: Int64 = 0, time: Int64, rule: String, fingerprint: String, severity: String, labels: [String: String] = [:],
        eventID: String? = nil, model: String? = nil, prompt: String? = nil, response: String? = nil,
        promptGuard: String? = nil, responseGuard: String? = nil, flagged: Bool = false, raw: String,
        review: Review? = nil, version: Int = 1, dpoPairID: Int64? = nil, traceJSON: String? = nil
    ) {
        self.id = id
        self.time = time
        self.rule = rule
        self.fingerprint = fingerprint
        self.severity = severity
        self.labels = labels
        self.eventID = eventID
        self.model = model
        self.prompt = prompt
        self.response = response
        self.promptGuard = promptGuard
        self.responseGuard = responseGuard
        self.flagged = flagged
        self.raw = raw
        self.review = review
        self.version = version
        self.dpoPairID = dpoPairID
        self.traceJSON = traceJSON
    }
}
