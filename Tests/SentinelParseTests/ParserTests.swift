import SentinelCore
import SentinelParse
import Testing

@Suite struct ParserTests {
    /// A compact rendering of the tree, for comparing shapes.
    func shape(_ e: Expr) -> String {
        switch e.kind {
        case .number(let n): return n == n.rounded() ? String(Int(n)) : "\(n)"
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return "\(b)"
        case .null: return "null"
        case .duration(let ms): return "\(ms)ms"
        case .path(let p): return p.joined(separator: ".")
        case .list(let items): return "[" + items.map(shape).joined(separator: ",") + "]"
        case .unary(let op, let x): return "(\(op.rawValue) \(shape(x)))"
        case .binary(let op, let a, let b): return "(\(shape(a)) \(op.rawValue) \(shape(b)))"
        case .exists(let x): return "(\(shape(x)) exists)"
        case .call(let name, let args): return "\(name)(" + args.map(shape).joined(separator: ",") + ")"
        }
    }

    @Test(arguments: [
        ("a or b and not c", "(a or (b and (not c)))"),
        ("1 + 2 * 3 > 4 - -5", "((1 + (2 * 3)) > (4 - (- 5)))"),
        ("ratio(x == \"u\", 5m) > 0.2", "(ratio((x == \"u\"),300000ms) > 0.2)"),
        ("labels[\"le\"] == \"+Inf\"", "(labels.le == \"+Inf\")"),
        ("m not in [\"a\", 'b'] and g exists", "((m not in [\"a\",\"b\"]) and (g exists))"),
        ("p icontains markers or p matches \"(?i)dan\"", "((p icontains markers) or (p matches \"(?i)dan\"))"),
        ("d == 1h30m", "(d == 5400000ms)"),
        ("x.in.contains > 1e3", "(x.in.contains > 1000)"),
    ])
    func precedenceAndForms(text: String, expected: String) throws {
        #expect(shape(try Parser.parse(text)) == expected)
    }

    @Test(arguments: [
        ("a and", 5, "expected a value"),
        ("a = 1", 2, "use '=='"),
        ("count(5m", 8, "expected ')'"),
        ("a b", 2, "missing 'and' or 'or'"),
        ("a AND b", 2, "lower case"),
        ("\"open", 0, "unterminated string"),
        ("x > 5x", 4, "'5x' is not a duration"),
        ("x > 1_000", 4, "'1_000': numbers have no digit separators (write 1000)"),
        ("a < b < c", 6, "cannot be chained"),
        ("s == \"\\q\"", 6, "unknown escape"),
        (
            "rate(vllm:generation_tokens_total, 5m) > 1", 9,
            "where: name == \"vllm:generation_tokens_total\" on a metric rule and read their 'value'"
        ),
        ("a > :b", 4, "unexpected character ':'"),
    ])
    func errorsAreAtTheOffendingToken(text: String, offset: Int, message: String) {
        do {
            _ = try Parser.parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.start == offset, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    /// Levels of the tree, a leaf being 1.
    func height(_ e: Expr) -> Int {
        switch e.kind {
        case .list(let items): return 1 + (items.map(height).max() ?? 0)
        case .call(_, let items): return 1 + (items.map(height).max() ?? 0)
        case .unary(_, let x), .exists(let x): return 1 + height(x)
        case .binary(_, let a, let b): return 1 + max(height(a), height(b))
        default: return 1
        }
    }

    @Test func flatAndOrChainsAreBalancedInReadingOrder() throws {
        #expect(shape(try Parser.parse("a or b or c")) == "((a or b) or c)")
        #expect(shape(try Parser.parse("a and b and c and d")) == "((a and b) and (c and d))")
        #expect(shape(try Parser.parse("a and b or c and d and e")) == "((a and b) or ((c and d) and e))")
        let terms = (0..<1000).map { "x == \($0)" }
        let chain = try Parser.parse(terms.joined(separator: " or "))
        #expect(height(chain) <= 12)
        #expect(chain.start == 0 && chain.end == terms.joined(separator: " or ").unicodeScalars.count)
    }

    @Test func longArithmeticChainsAreTooDeepAtTheOperator() throws {
        let text = Array(repeating: "1", count: 100_000).joined(separator: " + ")
        let error = try #require(throws: ExpressionError.self) { try Parser.parse(text) }
        #expect(error.code == .expressionTooDeep)
        // The 200th '+' makes a tree of 201 levels.
        #expect(error.start == 199 * 4 + 2)
        #expect(error.message == "expression nests deeper than 200 levels")
    }

    @Test func moreTermsThanTheLimitIsOneErrorNotACrash() throws {
        let text = Array(repeating: "a > 1", count: 100_000).joined(separator: " and ")
        let error = try #require(throws: ExpressionError.self) { try Parser.parse(text) }
        #expect(error.code == .expressionTooDeep)
        #expect(error.message.contains("more than \(Parser.maxNodes) terms"))
        #expect(error.start > 0 && error.start < text.unicodeScalars.count)
    }

    @Test func durationsLongerThanTenYearsAreErrorsAtTheLiteral() throws {
        #expect(throws: Never.self) { try Parser.parse("count(3650d) > 1") }
        let error = try #require(throws: ExpressionError.self) { try Parser.parse("psi(model, 5m, 99999999999d) > 1") }
        #expect(error.code == .badDuration)
        #expect(error.start == 15 && error.end == 27)
        #expect(error.message == "'99999999999d' is longer than 3650d (10 years), the longest duration Sentinel accepts")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(throws: ExpressionError.self) { try Parser.parse(text) }
        let nots = String(repeating: "not ", count: 10_000) + "a"
        #expect(throws: ExpressionError.self) { try Parser.parse(nots) }
    }
}
