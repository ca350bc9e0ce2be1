import SentinelCore

/// Recursive-descent parser of rule expressions.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons and predicates (`== != < <= > >= in, not in,
/// contains, icontains, startswith, endswith, matches, exists`), `+ -`, `* / %`, unary `-`, primaries.
public struct Parser {
    /// Deeper nesting than this is rejected, so hostile input cannot overflow the stack.
    public static let maxDepth = 200

    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Parses a whole expression; throws the first syntax error with its position.
    public static func parse(_ text: String) throws(ExpressionError) -> Expr {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        let expression = try parser.parseOr()
        let next = parser.peek
        guard next.kind == .end else {
            throw ExpressionError(
                .expressionSyntax, "unexpected \(next.display) after a complete expression\(joinerHint(next))",
                start: next.start, end: next.end)
        }
        return expression
    }

    private static func joinerHint(_ token: Token) -> String {
        if case .identifier(let word) = token.kind, ["AND", "OR", "NOT", "And", "Or", "Not"].contains(word) {
            return " (operators are lower case: '\(word.lowercased())')"
        }
        if case .identifier = token.kind { return " (missing 'and' or 'or'?)" }
        return ""
    }

    private var peek: Token { tokens[position] }

    private mutating func advance() -> Token {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func accept(_ keyword: Token.Keyword) -> Token? {
        if case .keyword(keyword) = peek.kind { return advance() }
        return nil
    }

    private mutating func accept(_ symbol: Token.Symbol) -> Token? {
        if case .symbol(symbol) = peek.kind { return advance() }
        return nil
    }

    private mutating func expect(_ symbol: Token.Symbol, _ context: String) throws(ExpressionError) -> Token {
        if let token = accept(symbol) { return token }
        throw ExpressionError(
            .expressionSyntax, "expected '\(symbol.rawValue)' \(context), found \(peek.display)",
            start: peek.start, end: peek.end)
    }

    private mutating func nest() throws(ExpressionError) {
        depth += 1
        if depth > Self.maxDepth {
            throw ExpressionError(
                .expressionTooDeep, "expression nests deeper than \(Self.maxDepth) levels", start: peek.start,
                end: peek.end)
        }
    }

    private mutating func parseOr() throws(ExpressionError) -> Expr {
        try nest()
        defer { depth -= 1 }
        var left = try parseAnd()
        while accept(.or) != nil {
            let right = try parseAnd()
            left = Expr(.binary(.or, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expr {
        var left = try parseNot()
        while accept(.and) != nil {
            let right = try parseNot()
            left = Expr(.binary(.and, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> Expr {
        if let not = accept(.not) {
            try nest()
            defer { depth -= 1 }
            let operand = try parseNot()
            return Expr(.unary(.not, operand), start: not.start, end: operand.end)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expr {
        let left = try parseAdditive()
        guard let (op, operatorToken) = comparisonOperator() else { return left }
        if op == nil {
            return Expr(.exists(left), start: left.start, end: operatorToken.end)
        }
        let right = try parseAdditive()
        let result = Expr(.binary(op!, left, right), start: left.start, end: right.end)
        if let (_, chained) = peekComparisonOperator() {
            throw ExpressionError(
                .expressionSyntax, "comparisons cannot be chained; join them with 'and'", start: chained.start,
                end: chained.end)
        }
        return result
    }

    /// The comparison at the cursor, consumed; `nil` operator means postfix `exists`.
    private mutating func comparisonOperator() -> (BinaryOperator?, Token)? {
        guard let (op, token) = peekComparisonOperator() else { return nil }
        _ = advance()
        if op == .notIn { _ = advance() }
        return (op, token)
    }

    private func peekComparisonOperator() -> (BinaryOperator?, Token)? {
        let token = peek
        switch token.kind {
        case .symbol(let s):
            let map: [Token.Symbol: BinaryOperator] = [
                .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual, .greater: .greater,
                .greaterEqual: .greaterEqual,
            ]
            return map[s].map { ($0, token) }
        case .keyword(.in): return (.in, token)
        case .keyword(.contains): return (.contains, token)
        case .keyword(.icontains): return (.icontains, token)
        case .keyword(.startswith): return (.startswith, token)
        case .keyword(.endswith): return (.endswith, token)
        case .keyword(.matches): return (.matches, token)
        case .keyword(.exists): return (nil, token)
        case .keyword(.not):
            if position + 1 < tokens.count, tokens[position + 1].kind == .keyword(.in) {
                return (.notIn, Token(kind: token.kind, start: token.start, end: tokens[position + 1].end))
            }
            return nil
        default: return nil
        }
    }

    private mutating func parseAdditive() throws(ExpressionError) -> Expr {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOperator
            if accept(.plus) != nil { op = .add } else if accept(.minus) != nil { op = .subtract } else { break }
            let right = try parseMultiplicative()
            left = Expr(.binary(op, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOperator
            if accept(.star) != nil {
                op = .multiply
            } else if accept(.slash) != nil {
                op = .divide
            } else if accept(.percent) != nil {
                op = .remainder
            } else {
                break
            }
            let right = try parseUnary()
            left = Expr(.binary(op, left, right), start: left.start, end: right.end)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expr {
        if let minus = accept(.minus) {
            try nest()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return Expr(.unary(.negate, operand), start: minus.start, end: operand.end)
        }
        return try parsePrimary()
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Expr {
        let token = advance()
        switch token.kind {
        case .number(let n): return Expr(.number(n), start: token.start, end: token.end)
        case .duration(let ms): return Expr(.duration(milliseconds: ms), start: token.start, end: token.end)
        case .string(let s): return Expr(.string(s), start: token.start, end: token.end)
        case .keyword(.true): return Expr(.bool(true), start: token.start, end: token.end)
        case .keyword(.false): return Expr(.bool(false), start: token.start, end: token.end)
        case .keyword(.null): return Expr(.null, start: token.start, end: token.end)
        case .symbol(.lparen):
            let inner = try parseOr()
            let close = try expect(.rparen, "to close '(' at offset \(token.start)")
            return Expr(inner.kind, start: token.start, end: close.end)
        case .symbol(.lbracket):
            var items: [Expr] = []
            if accept(.rbracket) == nil {
                repeat {
                    items.append(try parseOr())
                } while accept(.comma) != nil
                _ = try expect(.rbracket, "to close the list")
            }
            return Expr(.list(items), start: token.start, end: tokens[position - 1].end)
        case .identifier(let name):
            if accept(.lparen) != nil {
                var arguments: [Expr] = []
                if accept(.rparen) == nil {
                    repeat {
                        arguments.append(try parseOr())
                    } while accept(.comma) != nil
                    _ = try expect(.rparen, "to close the arguments of '\(name)'")
                }
                return Expr(
                    .call(name: name, arguments: arguments), start: token.start, end: tokens[position - 1].end)
            }
            return try parsePath(first: name, start: token.start, end: token.end)
        default:
            throw ExpressionError(
                .expressionSyntax, "expected a value, field or '(', found \(token.display)", start: token.start,
                end: token.end)
        }
    }

    private mutating func parsePath(first: String, start: Int, end: Int) throws(ExpressionError) -> Expr {
        var segments = [first]
        var end = end
        while true {
            if accept(.dot) != nil {
                let token = advance()
                switch token.kind {
                case .identifier(let name): segments.append(name)
                case .keyword(let keyword): segments.append(keyword.rawValue)
                default:
                    throw ExpressionError(
                        .expressionSyntax, "expected a field name after '.', found \(token.display)",
                        start: token.start, end: token.end)
                }
                end = token.end
            } else if accept(.lbracket) != nil {
                let token = advance()
                guard case .string(let key) = token.kind else {
                    throw ExpressionError(
                        .expressionSyntax, "expected a quoted key inside '[ ]', found \(token.display)",
                        start: token.start, end: token.end)
                }
                segments.append(key)
                end = try expect(.rbracket, "after the key").end
            } else {
                return Expr(.path(segments), start: start, end: end)
            }
        }
    }
}
