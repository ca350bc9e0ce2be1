/// A parsed rule expression. Offsets (`start`, `end`) count Unicode scalars of the expression text.
public indirect enum ExpressionKind: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case duration(milliseconds: Int64)
    /// A field path (`response_guard.safety`, `labels["le"]`) or, when it has one segment, maybe a macro or list.
    case path([String])
    case list([Expression])
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case exists(Expression)
    case call(name: String, arguments: [Expression])
}

public enum UnaryOperator: String, Sendable {
    case not, negate = "-"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
    case and, or
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in`, notIn = "not in", contains, icontains, startswith, endswith, matches

    /// Comparisons and string/list predicates: the operators whose left operand is a rule's default value.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
}

/// An expression node with its position in the expression text.
public struct Expression: Sendable, Equatable {
    public var kind: ExpressionKind
    public var start: Int
    public var end: Int

    public init(_ kind: ExpressionKind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}
