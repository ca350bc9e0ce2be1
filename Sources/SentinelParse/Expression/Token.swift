/// A lexical token of the rule expression language. Offsets count Unicode scalars of the expression text.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `digits` as in `ExprKind.number`.
        case number(Double, digits: String? = nil)
        case duration(milliseconds: Int64)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    public enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, contains, icontains, startswith, endswith, matches, exists, `true`, `false`, null
    }

    public enum Symbol: String, Sendable, CaseIterable {
        case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", comma = ",", dot = "."
        case plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    }

    public var kind: Kind
    public var start: Int
    public var end: Int

    /// How the token reads in an error message.
    public var display: String {
        switch kind {
        case .number(let n, let digits):
            // As written where the digits are kept; whole numbers without Swift's `.0`.
            if let digits { return "number \(digits)" }
            return "number \(n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)")"
        case .duration: return "duration"
        case .string(let s): return "string \"\(s)\""
        case .identifier(let s): return "'\(s)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .end: return "end of expression"
        }
    }
}
