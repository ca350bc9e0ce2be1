public import SentinelCore

/// A policy file as written: engine settings, action declarations, receivers, the route tree, inhibitions.
public struct PolicyFileSyntax: Sendable {
    public var file: String
    public var settings = SettingsSyntax()
    public var actions: [ActionSyntax] = []
    public var receivers: [ReceiverSyntax] = []
    public var route: RouteSyntax?
    public var inhibitRules: [InhibitRuleSyntax] = []
    /// Actions and receivers declared with a mistake (already reported): references to them are not reported again.
    public var unreadableActions: Set<String> = []
    public var unreadableReceivers: Set<String> = []

    public init(file: String) {
        self.file = file
    }
}

public struct SettingsSyntax: Sendable {
    public var evaluationInterval: Located<Int64>?
    public var allowedLateness: Located<Int64>?
    public var maxGroupsPerRule: Located<Int>?
    public var maxWindowSamples: Located<Int>?
    /// The `settings` key, when the file has one.
    public var range: SourceRange?

    public init() {}
}

/// A declared action; `settings` keeps the type-specific keys for the stage that runs the action.
public struct ActionSyntax: Sendable {
    public var name: Located<String>
    public var type: Located<String>
    public var settings: [(key: Located<String>, value: YAMLNode)]
}

public struct ReceiverSyntax: Sendable {
    public var name: Located<String>
    public var type: Located<String>
    public var settings: [(key: Located<String>, value: YAMLNode)]
    /// `send_resolved`, when written as a boolean (it is not among `settings`).
    public var sendResolved: Located<Bool>?
}

public struct RouteSyntax: Sendable {
    public var receiver: Located<String>?
    public var matchers: [Located<String>] = []
    /// Nil when unset (inherited); `[]` groups by no label.
    public var groupBy: [Located<String>]?
    public var groupWait: Located<Int64>?
    public var groupInterval: Located<Int64>?
    public var repeatInterval: Located<Int64>?
    public var `continue` = false
    public var routes: [RouteSyntax] = []
    public var range: SourceRange
}

public struct InhibitRuleSyntax: Sendable {
    public var sourceMatchers: [Located<String>]
    public var targetMatchers: [Located<String>]
    public var equal: [Located<String>]
    public var range: SourceRange
}
