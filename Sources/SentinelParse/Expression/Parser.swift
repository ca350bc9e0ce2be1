import SentinelCore

/// Recursive-descent parser of rule expressions.
///
/// Precedence, loosest first: `or`, `and`, `not`, comparisons and predicates (`== != < <= > >= in, not in,
/// contains, icontains, startswith, endswith, matches, exists`), `+ -`, `* / %`, unary `-`, primaries.
///
/// A chain of `and` (or of `or`) becomes a balanced tree: the operators are associative, evaluation still goes
/// left to right, and a long flat chain costs no depth. Arithmetic chains stay left-deep, so each link is a level.
public struct Parser {
    /// Deeper nesting than this, in the parser's recursion or in the tree it builds, is rejected, so hostile input
    /// overflows no stack: not the parser's, nor the compiler's, nor the one that frees the tree.
    public static let maxDepth = 200
    /// More nodes than this in one expression are rejected; the compiler bounds macro expansion the same way.
    public static let maxNodes = 100_000

    /// An expression with the height of its tree (a leaf is 1).
    private struct Tree {
        var expr: Expr
        var height: Int
    }

    private let tokens: [Token]
    private var position = 0
    /// The brackets being parsed, innermost last: a call's (with its name and the arguments read so far, for
    /// PromQL's `f(x[5m])` rewritten in a message), a list's or a grouping parenthesis (no name).
    private var brackets: [(call: String?, arguments: [Expr])] = []
    /// The innermost call being parsed, inside any lists and parentheses of its arguments.
    private var innermostCall: (call: String?, arguments: [Expr])? { brackets.last { $0.call != nil } }
    private var depth = 0
    private var nodeCount = 0

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
        return expression.expr
    }

    private static func joinerHint(_ token: Token) -> String {
        guard case .identifier(let word) = token.kind else { return "" }
        if ["AND", "OR", "NOT", "And", "Or", "Not"].contains(word) { return " (operators are lower case: '\(word.lowercased())')" }
        if let advice = foreignOperators[word.lowercased()] { return " (\(advice))" }
        return " (missing 'and' or 'or'?)"
    }

    /// Operators of other rule languages (Falco, PromQL, SQL) that read as a word after a complete expression.
    private static let foreignOperators: [String: String] = [
        "regex": "Falco's 'regex' is 'matches' here: x matches \"pattern\"",
        "glob": "write contains, startswith or endswith, or 'matches' with a regular expression",
        "pmatch": "Falco's 'pmatch' is 'startswith' here, with a list: x startswith list_name",
        "like": "write contains, startswith or endswith, or 'matches' with a regular expression",
        "ilike": "write icontains, or 'matches' with (?i) in the pattern",
        "by": "PromQL's aggregation labels are the rule's group_by: [label]",
        "without": "PromQL's aggregation labels are the rule's group_by: [label]",
        "unless": "PromQL's 'unless' is 'and not' here",
        "offset": "no 'offset': compare a short window with a long one (avg(x, 5m) > 2 * avg(x, 1h)), or psi(x, current, baseline)",
        "is": "write x == null for no value, x exists for a value",
    ]

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

    /// The `symbol` at the cursor, consumed; `opened` is the bracket it closes, shown in a note when it is missing.
    private mutating func expect(_ symbol: Token.Symbol, _ context: String, opened: Token? = nil) throws(ExpressionError) -> Token {
        if let token = accept(symbol) { return token }
        throw ExpressionError(
            .expressionSyntax, "expected '\(symbol.rawValue)' \(context), found \(peek.display)\(spacedUnitHint)",
            start: peek.start, end: peek.end,
            related: opened.map { .init(message: "the '\(Self.text(of: $0))' it closes", start: $0.start, end: $0.end) })
    }

    /// For `avg(x, 5 min)`, a whole number then a unit word (at the cursor) as the last argument of a window
    /// function: how a window is written. Anywhere else (`ttft_ms > 500 ms`, `(500 ms)`) a duration would be read
    /// as seconds, so no advice.
    private var spacedUnitHint: String {
        guard position > 1, let call = brackets.last?.call, ForeignFunctions.windowFunctions.contains(call),
            case .number(let n, _) = tokens[position - 1].kind, n == n.rounded(), n >= 0, n < 1e9,
            case .identifier(let word) = peek.kind, let unit = Self.unitWords[word.lowercased()],
            position + 1 < tokens.count, tokens[position + 1].kind == .symbol(.rparen)
        else { return "" }
        // Right after the call's own '(' or after a ',' of its arguments: the call is the innermost bracket.
        let before = tokens[position - 2].kind
        guard before == .symbol(.lparen) || before == .symbol(.comma) else { return "" }
        return " (a window is written without a space or a word: \(Int64(n))\(unit))"
    }

    private static let unitWords: [String: String] = [
        "ms": "ms", "millisecond": "ms", "milliseconds": "ms", "s": "s", "sec": "s", "secs": "s", "second": "s",
        "seconds": "s", "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m", "h": "h", "hr": "h",
        "hrs": "h", "hour": "h", "hours": "h", "d": "d", "day": "d", "days": "d", "w": "w", "week": "w", "weeks": "w",
    ]

    /// A field path as written: `attrs.user`, `labels["le"]`, `attrs["a b"]`.
    static func written(path segments: [String]) -> String {
        var text = ""
        for (i, segment) in segments.enumerated() {
            if Lexer.isIdentifier(segment) {
                text += i == 0 ? segment : "." + segment
            } else {
                var quoted = "\""
                for c in segment.unicodeScalars {
                    if c == "\"" || c == "\\" { quoted.unicodeScalars.append("\\") }
                    quoted.unicodeScalars.append(c)
                }
                text += "[" + quoted + "\"]"
            }
        }
        return text
    }

    private static func text(of bracket: Token) -> String {
        if case .symbol(let s) = bracket.kind { return s.rawValue }
        return bracket.display
    }

    private func tooDeep(at token: Token) -> ExpressionError {
        ExpressionError(
            .expressionTooDeep, "expression nests deeper than \(Self.maxDepth) levels", start: token.start, end: token.end)
    }

    private mutating func nest() throws(ExpressionError) {
        depth += 1
        if depth > Self.maxDepth { throw tooDeep(at: peek) }
    }

    /// A node over children at most `childHeight` high, counted against the limits; an error at `token` once the
    /// tree would be too deep or too large.
    private mutating func node(
        _ kind: ExprKind, start: Int, end: Int, childHeight: Int = 0, at token: Token
    ) throws(ExpressionError) -> Tree {
        nodeCount += 1
        if nodeCount > Self.maxNodes {
            throw ExpressionError(
                .expressionTooDeep, "expression has more than \(Self.maxNodes) terms; split the rule or use a list",
                start: token.start, end: token.end)
        }
        if childHeight >= Self.maxDepth { throw tooDeep(at: token) }
        return Tree(expr: Expr(kind, start: start, end: end), height: childHeight + 1)
    }

    private mutating func binary(_ op: BinaryOperator, _ left: Tree, _ right: Tree, at token: Token) throws(ExpressionError) -> Tree {
        try node(
            .binary(op, left.expr, right.expr), start: left.expr.start, end: right.expr.end,
            childHeight: max(left.height, right.height), at: token)
    }

    private mutating func parseOr() throws(ExpressionError) -> Tree {
        try nest()
        defer { depth -= 1 }
        return try parseChain(.or)
    }

    private mutating func parseAnd() throws(ExpressionError) -> Tree {
        try parseChain(.and)
    }

    /// `term (op term)*` for `or` (terms are `and` chains) and `and` (terms are `not` expressions), balanced.
    private mutating func parseChain(_ op: Token.Keyword) throws(ExpressionError) -> Tree {
        var terms = [try parseChainTerm(of: op)]
        var operators: [Token] = []
        while let token = accept(op) {
            operators.append(token)
            terms.append(try parseChainTerm(of: op))
        }
        return try balanced(op == .and ? .and : .or, terms[...], operators[...])
    }

    private mutating func parseChainTerm(of op: Token.Keyword) throws(ExpressionError) -> Tree {
        op == .or ? try parseAnd() : try parseNot()
    }

    /// Joins `terms` (with the operator tokens between them) into a tree whose left half is never smaller than the
    /// right, so two and three terms keep the left-leaning shape they are read in.
    private mutating func balanced(
        _ op: BinaryOperator, _ terms: ArraySlice<Tree>, _ operators: ArraySlice<Token>
    ) throws(ExpressionError) -> Tree {
        if terms.count == 1 { return terms[terms.startIndex] }
        let split = terms.startIndex + (terms.count + 1) / 2
        let left = try balanced(op, terms[..<split], operators[operators.startIndex..<(split - 1)])
        let right = try balanced(op, terms[split...], operators[split...])
        return try binary(op, left, right, at: operators[split - 1])
    }

    private mutating func parseNot() throws(ExpressionError) -> Tree {
        if let not = accept(.not) {
            try nest()
            defer { depth -= 1 }
            let operand = try parseNot()
            return try node(.unary(.not, operand.expr), start: not.start, end: operand.expr.end, childHeight: operand.height, at: not)
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionError) -> Tree {
        let left = try parseAdditive()
        guard let (op, operatorToken) = comparisonOperator() else { return left }
        guard let op else {
            return try node(
                .exists(left.expr), start: left.expr.start, end: operatorToken.end, childHeight: left.height,
                at: operatorToken)
        }
        if op == .in || op == .notIn, let list = parenthesisedList(negated: op == .notIn) { throw list }
        let right = try parseAdditive()
        let result = try binary(op, left, right, at: operatorToken)
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

    private mutating func parseAdditive() throws(ExpressionError) -> Tree {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOperator
            guard let token = accept(.plus) ?? accept(.minus) else { break }
            op = token.kind == .symbol(.plus) ? .add : .subtract
            let right = try parseMultiplicative()
            left = try binary(op, left, right, at: token)
        }
        return left
    }

    private mutating func parseMultiplicative() throws(ExpressionError) -> Tree {
        var left = try parseUnary()
        while let token = accept(.star) ?? accept(.slash) ?? accept(.percent) {
            let op: BinaryOperator =
                switch token.kind {
                case .symbol(.star): .multiply
                case .symbol(.slash): .divide
                default: .remainder
                }
            let right = try parseUnary()
            left = try binary(op, left, right, at: token)
        }
        return left
    }

    private mutating func parseUnary() throws(ExpressionError) -> Tree {
        if let minus = accept(.minus) {
            try nest()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return try node(
                .unary(.negate, operand.expr), start: minus.start, end: operand.expr.end, childHeight: operand.height,
                at: minus)
        }
        return try parsePrimary()
    }

    /// The error for SQL's and Falco's `x in (a, b)` at the cursor: a parenthesis holding a comma at its own level.
    private func parenthesisedList(negated: Bool) -> ExpressionError? {
        guard peek.kind == .symbol(.lparen) else { return nil }
        var level = 0
        var hasComma = false
        for token in tokens[position...] {
            switch token.kind {
            case .symbol(.lparen), .symbol(.lbracket): level += 1
            case .symbol(.rparen), .symbol(.rbracket):
                level -= 1
                if level == 0 {
                    guard hasComma else { return nil }
                    return ExpressionError(
                        .expressionSyntax,
                        "a list is written in brackets: x \(negated ? "not in" : "in") [\"a\", \"b\"] (or x \(negated ? "not in" : "in") list_name)",
                        start: peek.start, end: token.end)
                }
            case .symbol(.comma) where level == 1: hasComma = true
            case .end: return nil
            default: break
            }
        }
        return nil
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Tree {
        let token = advance()
        switch token.kind {
        case .number(let n, let digits): return try node(.number(n, digits: digits), start: token.start, end: token.end, at: token)
        case .duration(let ms): return try node(.duration(milliseconds: ms), start: token.start, end: token.end, at: token)
        case .string(let s): return try node(.string(s), start: token.start, end: token.end, at: token)
        case .keyword(.true): return try node(.bool(true), start: token.start, end: token.end, at: token)
        case .keyword(.false): return try node(.bool(false), start: token.start, end: token.end, at: token)
        case .keyword(.null): return try node(.null, start: token.start, end: token.end, at: token)
        case .symbol(.lparen):
            brackets.append((nil, []))
            let inner = try parseOr()
            let close = try expect(.rparen, "to close '('", opened: token)
            brackets.removeLast()
            return Tree(expr: Expr(inner.expr.kind, start: token.start, end: close.end), height: inner.height)
        case .symbol(.lbracket):
            brackets.append((nil, []))
            let (items, height) = try parseItems(closing: .rbracket, "to close the list", opened: token)
            brackets.removeLast()
            return try node(.list(items), start: token.start, end: tokens[position - 1].end, childHeight: height, at: token)
        case .identifier(let name):
            if let open = accept(.lparen) {
                brackets.append((name, []))
                let (arguments, height) = try parseItems(closing: .rparen, "to close the arguments of '\(name)'", opened: open)
                brackets.removeLast()
                return try node(
                    .call(name: name, arguments: arguments), start: token.start, end: tokens[position - 1].end,
                    childHeight: height, at: token)
            }
            return try parsePath(first: name, at: token)
        default:
            let hint = token.kind == .keyword(.exists) ? " ('exists' follows the field: x exists)" : ""
            throw ExpressionError(
                .expressionSyntax, "expected a value, field or '(', found \(token.display)\(hint)", start: token.start,
                end: token.end)
        }
    }

    /// Comma-separated expressions up to `closing` (already past the opening bracket), with their greatest height.
    private mutating func parseItems(closing: Token.Symbol, _ context: String, opened: Token) throws(ExpressionError) -> ([Expr], Int) {
        var items: [Expr] = []
        var height = 0
        if accept(closing) == nil {
            repeat {
                let item = try parseOr()
                items.append(item.expr)
                brackets[brackets.count - 1].arguments.append(item.expr)
                height = max(height, item.height)
            } while accept(.comma) != nil
            _ = try expect(closing, context, opened: opened)
        }
        return (items, height)
    }

    private mutating func parsePath(first: String, at head: Token) throws(ExpressionError) -> Tree {
        var segments = [first]
        var end = head.end
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
                if case .duration(let ms) = token.kind {
                    let field = Self.written(path: segments)
                    let window = DurationLiteral.format(milliseconds: ms)
                    var quantile: String?
                    if case .number(let q, _) = innermostCall?.arguments.first?.kind { quantile = "\(q)" }
                    let advice = ForeignFunctions.rangeSelectorAdvice(
                        function: innermostCall?.call, field: field, window: window, quantile: quantile)
                    throw ExpressionError(
                        .expressionSyntax, "'\(field)[\(window)]' is PromQL's range selector; \(advice)",
                        start: head.start, end: tokens[position].kind == .symbol(.rbracket) ? tokens[position].end : token.end)
                }
                guard case .string(let key) = token.kind else {
                    throw ExpressionError(
                        .expressionSyntax, "expected a quoted key inside '[ ]', found \(token.display)",
                        start: token.start, end: token.end)
                }
                segments.append(key)
                end = try expect(.rbracket, "after the key").end
            } else {
                return try node(.path(segments), start: head.start, end: end, at: head)
            }
        }
    }
}
