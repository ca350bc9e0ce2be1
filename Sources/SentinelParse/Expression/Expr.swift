/// A parsed rule expression. Offsets (`start`, `end`) count Unicode scalars of the expression text.
public indirect enum ExprKind: Sendable, Equatable {
    /// `digits`: the literal as written (JSON number text) when it has more significant digits than a double holds
    /// (`WideNumber`), so it compares with event numbers by its exact value.
    case number(Double, digits: String? = nil)
    case string(String)
    case bool(Bool)
    case null
    case duration(milliseconds: Int64)
    /// A field path (`response_guard.safety`, `labels["le"]`) or, when it has one segment, maybe a macro or list.
    case path([String])
    case list([Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case exists(Expr)
    case call(name: String, arguments: [Expr])
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
public struct Expr: Sendable, Equatable {
    public var kind: ExprKind
    public var start: Int
    public var end: Int

    public init(_ kind: ExprKind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}
