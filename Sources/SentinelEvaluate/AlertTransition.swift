public import SentinelCompile

/// The state of one rule's alert for one group.
public enum AlertState: String, Sendable, Codable {
    case inactive, pending, firing, resolved
}

/// One change of an alert's state, as `dry-run` prints it and receivers get it.
public struct AlertTransition: Sendable {
    public var time: Int64
    public var rule: String
    public var state: AlertState
    /// The state before: `pending` or `firing` for a `resolved` transition.
    public var previous: AlertState
    public var severity: Severity
    /// Rule labels, group labels and `severity`, sorted by name.
    public var labels: [(String, String)]
    public var value: Double?
    public var annotations: [(String, String)]
    /// Names of the rule's actions that run on transitions.
    public var actions: [String]
    /// When the condition started holding.
    public var activeSince: Int64
}

/// A per-match action the engine asks for (DPO capture, trace).
public struct ActionRequest {
    public var time: Int64
    public var rule: String
    public var action: String
    public var type: ActionType
    public var eventID: String?
    public var labels: [(String, String)]
    /// The matching event's JSON line, valid only during the `onAction` call.
    public var line: UnsafeRawBufferPointer
    /// The matching event's values at the engine's `eventFields`, valid only during the `onAction` call.
    public var fields: UnsafeBufferPointer<Value>
}

/// An event at which an observed rule held: the evidence behind its alert.
public struct RuleMatch {
    public var time: Int64
    public var rule: String
    /// The alert's labels (rule labels, group labels, severity), sorted by name.
    public var labels: [(String, String)]
    /// The event's JSON line, valid only during the `onMatch` call.
    public var line: UnsafeRawBufferPointer
    /// The event's string `id`, when the graph decodes it (it does when a rule has per-match actions); nil
    /// otherwise, and then only the line can tell.
    public var eventID: String?
}

/// An alert that is pending or firing now.
public struct ActiveAlert: Sendable {
    public var rule: String
    public var state: AlertState
    public var labels: [(String, String)]
    public var value: Double?
    public var annotations: [(String, String)]
    public var activeSince: Int64
}
