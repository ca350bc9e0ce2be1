public import SentinelCore
public import SentinelParse

/// Engine settings and alert routing, merged from all policy files.
public struct CompiledPolicy: Sendable {
    public var evaluationIntervalMilliseconds: Int64 = 15_000
    public var allowedLatenessMilliseconds: Int64 = 0
    public var maxGroupsPerRule = 100_000
    public var maxWindowSamples = 1_000_000
    public var receivers: [CompiledReceiver] = []
    public var route: CompiledRoute?
    public var inhibitRules: [CompiledInhibitRule] = []

    public init() {}
}

public struct CompiledReceiver: Sendable {
    public var name: String
    public var type: String
    /// The type's own settings as written (URLs, durations), read by the stage that delivers.
    public var settings: [String: String]
    /// Whether resolved alerts are notified (`send_resolved`, default true).
    public var sendResolved: Bool
    /// Where the receiver is declared, and where each setting's value is written, for diagnostics about them.
    public var range: SourceRange?
    public var settingRanges: [String: SourceRange] = [:]
}

/// A node of the route tree (Alertmanager semantics: children in order, first match wins unless `continue`).
public struct CompiledRoute: Sendable {
    public var receiver: String?
    public var matchers: [LabelMatcher]
    /// Nil when inherited from the parent; `[]` groups by no label, `["..."]` by every label.
    public var groupBy: [String]?
    public var groupWaitMilliseconds: Int64?
    public var groupIntervalMilliseconds: Int64?
    public var repeatIntervalMilliseconds: Int64?
    public var `continue`: Bool
    public var routes: [CompiledRoute]
}

public struct CompiledInhibitRule: Sendable {
    public var sourceMatchers: [LabelMatcher]
    public var targetMatchers: [LabelMatcher]
    public var equal: [String]
}
