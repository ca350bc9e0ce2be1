import SentinelCore
import SentinelParse
import Testing

@Suite struct ParserTests {
    /// A compact rendering of the tree, for comparing shapes.
    func shape(_ e: Expr) -> String {
        switch e.kind {
        case .number(let n, _): return n == n.rounded() ? String(Int(n)) : "\(n)"
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
        ("s matches \"\\d{3}\"", 11, "a pattern's \\d is \\\\d"),
        (
            "rate(vllm:generation_tokens_total, 5m) > 1", 9,
            "where: name == \"vllm:generation_tokens_total\" on a metric rule and read their 'value'"
        ),
        ("a > :b", 4, "unexpected character ':'"),
        ("a > 1 2", 6, "unexpected number 2 after a complete expression"),
        ("{{ $labels.model }} == \"m\"", 0, "belongs in annotations, as '{{ model }}'; a condition reads the field itself: model, or labels.model_name on metrics"),
        ("value | humanize", 6, "a template pipe such as '| humanize' belongs in annotations"),
        ("a | b and c", 2, "unexpected character '|' (use 'or')"),
        ("a > 1 2.50", 6, "unexpected number 2.5 after a complete expression"),
        // Other languages' forms, with what Sentinel writes.
        ("rate(value[5m]) > 10", 5, "'value[5m]' is PromQL's range selector; write rate(value, 5m)"),
        ("quantile_over_time(0.99, ttft_ms[10m]) > 3", 25, "write quantile(0.99, ttft_ms, 10m)"),
        ("count_over_time(x[1h]) > 3", 16, "write count(1h)"),
        ("latency_ms[5m] > 3", 0, "a window is the last argument of a window function: avg(latency_ms, 5m)"),
        ("quantile(0.9, latency_ms[5m]) > 3", 14, "write quantile(0.9, latency_ms, 5m)"),
        ("quantile(q, latency_ms[5m]) > 3", 12, "write quantile(q, latency_ms, 5m)"),
        ("psi(x[5m], 1h) > 3", 4, "a window is the last argument of a window function: avg(x, 5m)"),
        ("avg(attrs[\"a b\"][5m]) > 3", 4, "write avg(attrs[\"a b\"], 5m)"),
        ("avg(attrs[\"x.y\"][5m]) > 3", 4, "write avg(attrs[\"x.y\"], 5m)"),
        ("prompt =~ \"x\"", 7, "write x matches \"^(pattern)$\""),
        ("prompt !~ \"x\"", 7, "write not (x matches \"^(pattern)$\")"),
        ("x in (\"a\", \"b\")", 5, "a list is written in brackets: x in [\"a\", \"b\"]"),
        ("latency_ms > 3 regex \"x\"", 15, "Falco's 'regex' is 'matches' here"),
        ("x pmatch (a)", 2, "'startswith' here, with a list"),
        ("sum by (model) (x) > 1", 4, "the rule's group_by"),
        ("a unless b", 2, "'and not'"),
        ("avg(latency_ms, 5 min) > 3", 18, "a window is written without a space or a word: 5m"),
        ("count(1 hours) > 3", 8, "a window is written without a space or a word: 1h"),
        ("count(x > (1), 10 mins) > 3", 18, "a window is written without a space or a word: 10m"),
        ("x not in (\"a\", \"b\")", 9, "a list is written in brackets: x not in [\"a\", \"b\"]"),
        ("delta(value[1h]) > 0", 6, "a window is the last argument of a window function"),
        ("exists(response_guard)", 0, "'exists' follows the field: x exists"),
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

    /// A unit after a compared number gets no duration advice: `ttft_ms > 500ms` would compare with 0.5 (a
    /// duration is seconds), nor does a fraction (`1.5h` is no duration).
    @Test(arguments: [
        "ttft_ms > 500 ms", "count(1.5 hours) > 1", "count(latency_ms > 500 ms, 5m) > 1", "count(latency_ms > (500 ms), 5m) > 1",
        "count(abs(500 ms) < latency_ms, 5m) > 1", "count(x in [1, 5 min], 5m) > 1", "abs(5 min) > 1",
    ])
    func unitsAfterComparedNumbersGetNoDurationAdvice(text: String) {
        do {
            _ = try Parser.parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(!error.message.contains("written without a space"), "\(error.message)")
        }
    }

    /// A missing closing bracket names the one it would close in a note (the message alone gave its offset in the
    /// expression, which no one can find in a file).
    @Test(arguments: [("(a > 1 and (b > 2)", 0, "'('"), ("count(5m", 5, "'('"), ("x in [1, 2", 5, "'['")])
    func aMissingCloseBracketPointsAtTheOpeningOne(text: String, opened: Int, bracket: String) throws {
        do {
            _ = try Parser.parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            let related = try #require(error.related, "\(error)")
            #expect(related.start == opened && related.message == "the \(bracket) it closes", "\(related)")
            #expect(!error.message.contains("offset"), "\(error.message)")
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
