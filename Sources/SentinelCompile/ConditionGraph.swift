public import SentinelCore
public import SentinelParse

/// All rules of a configuration compiled into one graph.
///
/// Expr nodes are hash-consed: an expression written twice (in two rules, or through one macro used by
/// many) is one node. Rules reading the same event kinds with the same `where` and `group_by` share a partition,
/// and identical windows in a partition are one window node, updated once per event.
public struct ConditionGraph: Sendable {
    /// Field paths the graph reads; slot `i` of a decoded event holds `fields[i]`.
    public var fields: [[String]]
    public var nodes: [Node]
    public var lists: [CompiledList]
    /// Regex patterns, by index; the evaluator compiles each once.
    public var regexes: [String]
    public var partitions: [Partition]
    public var windows: [WindowNode]
    public var rules: [CompiledRule]
    public var actions: [CompiledAction]
    public var policy: CompiledPolicy
    /// Slot of the event `id` field, decoded when a rule has per-match actions.
    public var idSlot: Int?
    /// Names of the rules written with `enabled: false` (not in `rules`).
    public var disabledRules: [String] = []

    /// The event kinds some partition reads, in the order partitions first name them.
    public var kinds: [String] {
        var kinds: [String] = []
        for partition in partitions {
            for kind in partition.kinds where !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds
    }
}

/// One step of an expression. Children are indices into `ConditionGraph.nodes`.
public enum Node: Sendable, Hashable {
    case constant(Constant)
    case field(slot: Int)
    case not(Int)
    case negate(Int)
    case and(Int, Int)
    case or(Int, Int)
    case arithmetic(ArithmeticOperator, Int, Int)
    case compare(ComparisonOperator, Int, Int)
    /// Left value in a declared list (or, negated, not in it).
    case inList(Int, list: Int, negated: Bool)
    /// Left value among the elements of an array-valued right side (a field or a list literal).
    case inArray(Int, Int, negated: Bool)
    case stringTest(StringTest, Int, Int)
    /// The string test holds for any item of a list.
    case stringTestAny(StringTest, Int, list: Int)
    case matches(Int, regex: Int)
    case exists(Int)
    case call(ScalarFunction, [Int])
    case window(Int, WindowReadout)

    /// The nodes this one reads (a window's own source expression is the window node's, not an operand).
    public var operands: [Int] {
        switch self {
        case .constant, .field: []
        case .window(_, let readout): if case .zscore(let x) = readout { [x] } else { [] }
        case .not(let a), .negate(let a), .exists(let a), .matches(let a, _), .inList(let a, _, _),
            .stringTestAny(_, let a, _):
            [a]
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b),
            .inArray(let a, let b, _), .stringTest(_, let a, let b):
            [a, b]
        case .call(_, let arguments): arguments
        }
    }
}

extension ConditionGraph {
    /// The window nodes `root` reads, directly or through its operands.
    public func windows(readBy root: Int) -> Set<Int> {
        var windows = Set<Int>()
        var seen = Set<Int>()
        var stack = [root]
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            if case .window(let w, _) = nodes[node] { windows.insert(w) }
            stack += nodes[node].operands
        }
        return windows
    }
}

public enum Constant: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    /// A number literal written with more significant digits than a double holds (a 64-bit ID), with its digits:
    /// it compares with event numbers by its exact value, as they compare with each other.
    case wideNumber(Double, digits: String)
    case string(String)
    case list([Constant])

    /// The string, if the constant is one.
    var string: String? { if case .string(let s) = self { s } else { nil } }

    /// Equal when written with the same bytes, as events compare strings: hash-consing by Swift's `String ==`
    /// (canonical equivalence) made a rule's `"café"` (precomposed) the `"café"` (combining accent) of another
    /// rule, which then matched only the other form.
    public static func == (a: Constant, b: Constant) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.wideNumber(let x, let dx), .wideNumber(let y, let dy)): x == y && dx.utf8.elementsEqual(dy.utf8)
        case (.string(let x), .string(let y)): x.utf8.elementsEqual(y.utf8)
        case (.list(let x), .list(let y)): x == y
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b):
            hasher.combine(1)
            hasher.combine(b)
        case .number(let n):
            hasher.combine(2)
            hasher.combine(n)
        case .wideNumber(let n, let digits):
            hasher.combine(3)
            hasher.combine(n)
            for byte in digits.utf8 { hasher.combine(byte) }
        case .string(let s):
            hasher.combine(4)
            for byte in s.utf8 { hasher.combine(byte) }
        case .list(let items):
            hasher.combine(5)
            hasher.combine(items)
        }
    }
}

extension ListSyntax.Item {
    /// The string, if the item is one.
    var string: String? { if case .string(let s) = self { s } else { nil } }
}

extension Constant {
    /// A declared list's item as a literal.
    init(_ item: ListSyntax.Item) {
        switch item {
        case .string(let s): self = .string(s)
        case .number(let n): self = .number(n)
        case .wideNumber(let n, let digits): self = .wideNumber(n, digits: digits)
        }
    }
}

public enum ArithmeticOperator: String, Sendable, Hashable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
}

public enum ComparisonOperator: String, Sendable, Hashable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

public enum StringTest: String, Sendable, Hashable {
    case contains, icontains, startswith, endswith
}

public struct CompiledList: Sendable {
    public var name: String
    public var items: [ListSyntax.Item]
}

/// Events of some kinds, passing one `where`, grouped by one key: the unit that owns groups and their windows.
public struct Partition: Sendable, Hashable {
    /// The kinds read, sorted, without repeats.
    public var kinds: [String]
    public var filter: Int?
    public var groupBy: [Int]
    /// Windows and rules of this partition, by index.
    public var windows: [Int] = []
    public var rules: [Int] = []
    /// Longest window span (ms) of the partition, for evicting idle groups.
    public var retentionMilliseconds: Int64 = 0
    /// The definition (kinds, `where`, `group_by`) as text, independent of node numbering: equal identities in two
    /// compilations mean the partition's groups can carry over a reload.
    public var identity = ""

    public static func == (a: Partition, b: Partition) -> Bool {
        a.kinds == b.kinds && a.filter == b.filter && a.groupBy == b.groupBy
    }

    /// `kinds` as text for identities and fingerprints: each quoted, since a kind may itself hold a comma.
    static func text(of kinds: [String]) -> String {
        kinds.map(\.debugDescription).joined(separator: ",")
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kinds)
        hasher.combine(filter)
        hasher.combine(groupBy)
    }
}

/// What a window keeps per group.
public enum WindowSource: Sendable, Hashable {
    /// Event timestamps only.
    case events
    /// Numeric samples of a per-event expression; events where it is not a number are left out.
    case samples(Int)
    /// A per-event condition: every event counts, as 1 when it holds and 0 otherwise.
    case condition(Int)
    /// Values of a per-event expression, for distinct counting; with a `condition`, only at events where it holds.
    case values(Int, condition: Int?)
    /// Counter samples per series (metric name + labels), for `rate`/`increase`.
    case counter(Int)
    /// `_bucket` counter series by `le`, for `histogram_quantile`.
    case histogram(le: Int, value: Int)
    /// Category counts of a per-event expression over the current window and the baseline before it.
    case categories(Int, baselineMilliseconds: Int64)
}

public struct WindowNode: Sendable, Hashable {
    public var partition: Int
    public var source: WindowSource
    public var milliseconds: Int64
    /// Which aggregates the readouts need beyond the count: min/max, order statistics, sums (sum, mean, standard
    /// deviation, z-score).
    public var needsExtremes = false
    public var needsOrder = false
    public var needsMoments = false
    /// Slots that identify a counter series (metric name and labels object).
    public var seriesSlots: [Int] = []
    /// The definition (partition, source, span) as text, independent of node numbering: equal identities in two
    /// compilations mean the window's samples can carry over a reload.
    public var identity = ""

    public static func == (a: WindowNode, b: WindowNode) -> Bool {
        a.partition == b.partition && a.source == b.source && a.milliseconds == b.milliseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(partition)
        hasher.combine(source)
        hasher.combine(milliseconds)
    }
}

/// What a window function reads from its window node.
public enum WindowReadout: Sendable, Hashable {
    case count, sum, average, minimum, maximum, stddev, distinct, eventRate
    case quantile(Double)
    /// `zscore`: the current event's value (node) against the window.
    case zscore(Int)
    case counterRate, counterIncrease
    case histogramQuantile(Double)
    /// `histogram_count`: observations in the window, the increase of the `+Inf` buckets.
    case histogramCount
    case psi
}

public enum Severity: String, Sendable, CaseIterable {
    case info, warning, critical
}

/// A template string (`"{{ model }}: {{ value }}"`) split into literal text and placeholders.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case placeholder(String)
    }

    public var parts: [Part]
}

public struct CompiledRule: Sendable {
    public var name: String
    public var description: String
    public var partition: Int
    public var condition: Int
    public var value: Int?
    /// Node of the `evidence` condition: which matching events become findings (nil: all of them).
    public var evidence: Int?
    /// Alert label names of the partition's group key, in `group_by` order.
    public var groupLabels: [String]
    public var everyMilliseconds: Int64?
    public var forMilliseconds: Int64
    public var keepFiringForMilliseconds: Int64
    public var severity: Severity
    public var labels: [(String, String)]
    public var annotations: [(String, Template)]
    public var actions: [Int]
    /// Identity of the rule's definition; equal fingerprints mean state can carry over a reload.
    public var fingerprint: String
    public var range: SourceRange
}

public enum ActionType: String, Sendable {
    case notify, captureDPO = "capture_dpo", trace

    /// Whether the action runs on every match (else on alert transitions).
    public var runsOnMatch: Bool { self != .notify }
}

public struct CompiledAction: Sendable {
    public var name: String
    public var type: ActionType
    /// Type-specific settings as written, for the stage that runs the action.
    public var settings: [String: String]
}
