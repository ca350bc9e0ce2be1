/// One alert state change as the store keeps it: the history behind `/api/v1/alerts`.
public struct StoredTransition: Sendable, Codable, Equatable {
    /// Assigned by the store; ignored on append.
    public var id: Int64
    /// Event time of the change (epoch ms).
    public var time: Int64
    public var rule: String
    /// The alert's identity (see `NotifiedAlert.fingerprint`).
    public var fingerprint: String
    /// `pending`, `firing` or `resolved`.
    public var state: String
    /// The state before: `inactive`, `pending` or `firing`.
    public var previous: String
    public var severity: String
    public var labels: [String: String]
    public var value: Double?
    public var annotations: [String: String]

    public init(
        id: Int64 = 0, time: Int64, rule: String, fingerprint: String, state: String, previous: String,
        severity: String,
        labels: [String: String] = [:], value: Double? = nil, annotations: [String: String] = [:]
    ) {
        self.id = id
        self.time = time
        self.rule = rule
        self.fingerprint = fingerprint
        self.state = state
        self.previous = previous
        self.severity = severity
        self.labels = labels
        self.value = value
        self.annotations = annotations
    }
}
