public import SentinelCore

/// A rule file as written: lists, macros and rules, each with positions. Nothing is resolved yet.
public struct RuleFileSyntax: Sendable {
    public var file: String
    public var lists: [ListSyntax] = []
    public var macros: [MacroSyntax] = []
    public var rules: [RuleSyntax] = []

    public init(file: String) {
        self.file = file
    }
}

public struct ListSyntax: Sendable {
    /// Equal when written with the same bytes: events compare strings byte by byte, so `café` with a precomposed
    /// `é` and with `e` and a combining accent are two items (Swift's `String ==` would make them one).
    public enum Item: Sendable, Hashable {
        case string(String)
        case number(Double)
        /// A number with more significant digits than a double holds, with its digits (`WideNumber`).
        case wideNumber(Double, digits: String)

        public static func == (a: Item, b: Item) -> Bool {
            switch (a, b) {
            case (.string(let x), .string(let y)): x.utf8.elementsEqual(y.utf8)
            case (.number(let x), .number(let y)): x == y
            case (.wideNumber(let x, let dx), .wideNumber(let y, let dy)): x == y && dx.utf8.elementsEqual(dy.utf8)
            default: false
            }
        }

        public func hash(into hasher: inout Hasher) {
            switch self {
            case .string(let s):
                hasher.combine(0)
                for byte in s.utf8 { hasher.combine(byte) }
            case .number(let n):
                hasher.combine(1)
                hasher.combine(n)
            case .wideNumber(let n, let digits):
                hasher.combine(2)
                hasher.combine(n)
                for byte in digits.utf8 { hasher.combine(byte) }
            }
        }
    }

    public var name: Located<String>
    public var items: [Located<Item>]
}

public struct MacroSyntax: Sendable {
    public var name: Located<String>
    public var condition: ExpressionSource
}

/// One `group_by` entry: the field path read and the alert label it becomes.
public struct GroupKeySyntax: Sendable {
    public var field: Located<String>
    public var label: String
    /// Where the label is named: its `as:`, or the field it is derived from.
    public var labelRange: SourceRange
}

public struct RuleSyntax: Sendable {
    public var name: Located<String>
    public var description: String?
    /// The event kinds the rule reads (`on:`, one or a list), at least one.
    public var on: [Located<String>]
    public var filter: ExpressionSource?
    public var condition: ExpressionSource
    public var value: ExpressionSource?
    /// Which matching events are kept as findings (default: every event at which the rule holds).
    public var evidence: ExpressionSource?
    public var groupBy: [GroupKeySyntax] = []
    public var every: Located<Int64>?
    public var forDuration: Located<Int64>?
    public var keepFiringFor: Located<Int64>?
    public var severity: Located<String>?
    public var labels: [(key: Located<String>, value: Located<String>)] = []
    public var annotations: [(key: Located<String>, value: ExpressionSource)] = []
    public var actions: [Located<String>] = []
    public var enabled = true
    /// The whole rule item, for messages about the rule as a whole.
    public var range: SourceRange
}
