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
        ("x > 5x", 4, "invalid duration '5x'"),
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

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        #expect(throws: ExpressionError.self) { try Parser.parse(text) }
        let nots = String(repeating: "not ", count: 10_000) + "a"
        #expect(throws: ExpressionError.self) { try Parser.parse(nots) }
    }
}
