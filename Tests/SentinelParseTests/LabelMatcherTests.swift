import Foundation
import SentinelCore
import SentinelParse
import Testing

@Suite struct LabelMatcherTests {
    @Test func aMatcherIsOneNameOperatorAndQuotedValue() throws {
        let equal = try LabelMatcher(parsing: #" model = "m\"1\\" "#)
        #expect(equal.name == "model")
        #expect(equal.operation == .equal)
        #expect(equal.value == #"m"1\"#)
        let regex = try LabelMatcher(parsing: #"team!~"safe.*""#)
        #expect(regex.operation == .notMatchesRegex)
        #expect(!regex.matches("safety") && regex.matches("serving"))
    }

    /// Two matchers in one string used to become one matcher whose value ran on to the end of the string.
    /// Regexes match the whole value, as RE2's anchoring does in Alertmanager (ICU's `$` also matched before a
    /// trailing newline), and one that can backtrack exponentially is given up, not run for ever, counting as no match.
    @Test func regexMatchersMatchTheWholeValueAndAreBounded() throws {
        let model = try LabelMatcher(parsing: #"model=~"llama.*""#)
        #expect(model.matches("llama-3"))
        #expect(!model.matches("llama-3\n"))
        #expect(!model.matches("big-llama"))
        let bomb = try LabelMatcher(parsing: #"user=~"(a|aa)+""#)
        #expect(bomb.matches("aaaa"))
        #expect(!bomb.matches(String(repeating: "a", count: 60) + "!"))
        let notBomb = try LabelMatcher(parsing: #"user!~"(a|aa)+""#)
        #expect(notBomb.matches(String(repeating: "a", count: 60) + "!"))
    }

    /// A pattern of plain alternatives (`critical|warning`) is compared as strings (see `BoundedRegex`); it must
    /// match exactly what the anchored regex does.
    @Test func literalAlternativesMatchAsTheRegexDoes() throws {
        let values = ["critical", "warning", "info", "", "Critical", "critical\n", "warningx", "a b", "a-b", "x#y"]
        for pattern in ["critical|warning", "critical", "critical||warning", "|info", "a b|a-b", "x#y|"] {
            let fast = try LabelMatcher(parsing: "severity=~\"\(pattern)\"")
            let slow = try #require(try? NSRegularExpression(pattern: "^(?:\(pattern))$"))
            for value in values {
                let range = NSRange(value.startIndex..., in: value)
                let expected = slow.firstMatch(in: value, range: range).map { $0.range == range } ?? false
                #expect(fast.matches(value) == expected, "\(pattern) on \(value.debugDescription)")
            }
        }
        #expect(try LabelMatcher(parsing: #"severity!~"critical|warning""#).matches("info"))
    }

    /// A policy matcher pattern that can backtrack exponentially is the same warning as in a rule (W0109).
    @Test func aBacktrackingMatcherPatternIsAWarningWhereItIs() {
        let (_, diagnostics) = PolicyFileReader.read(
            text: "route:\n  receiver: r\n  routes:\n    - {receiver: r, matchers: ['user=~\"(a|aa)+\"', 'model=~\"m.*\"']}\n",
            file: "p.yaml")
        let warnings = diagnostics.filter { $0.code == .backtrackingRegex }
        #expect(warnings.count == 1, "\(diagnostics)")
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.range?.start.line == 4)
    }

    @Test func textAfterTheClosingQuoteIsAnErrorAtItsColumn() {
        #expect(throws: LabelMatcher.SyntaxError.self) { try LabelMatcher(parsing: #"model="x", severity="y""#) }
        do {
            _ = try LabelMatcher(parsing: #"model="x", severity="y""#)
        } catch {
            #expect(error.offset == 9)
            #expect(error.message.hasPrefix(#"unexpected ', severity="y"' at column 10, after the value"#))
        }
    }

    /// Why `text` is not a matcher; nil when it parses.
    static func syntaxError(_ text: String) -> LabelMatcher.SyntaxError? {
        do throws(LabelMatcher.SyntaxError) {
            _ = try LabelMatcher(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    /// An unquoted value is one word, as in Alertmanager: what follows it is not part of it.
    @Test func anUnquotedValueEndsAtABlankOrComma() throws {
        let matcher = try LabelMatcher(parsing: "team = safety ")
        #expect(matcher.value == "safety")
        for (text, offset) in [("model=x, severity=y", 7), ("model=x severity=y", 8), (#"model=x"y""#, 7)] {
            let error = Self.syntaxError(text)
            #expect(error?.offset == offset, "\(text): \(error?.message ?? "parsed")")
        }
    }

    @Test func unclosedQuotesMissingOperatorsAndBadNamesAreErrors() {
        let cases: [(String, Int)] = [
            (#"model="x"#, 6), (#"1model="x""#, 0), (#"mödel="x""#, 1), (#"model=="x""#, 6), (#"model"#, 5),
        ]
        for (text, offset) in cases {
            let error = Self.syntaxError(text)
            #expect(error?.offset == offset, "\(text): \(error?.message ?? "parsed")")
        }
    }

    @Test func policyMatcherMistakesArePositionedWhereTheyAreInTheFile() {
        let (_, diagnostics) = PolicyFileReader.read(
            text: """
                route:
                  receiver: log
                  routes:
                    - {matchers: ['model="x", severity="y"'], receiver: log}
                inhibit_rules:
                  - {source_matchers: ['a="b" c="d"'], target_matchers: ['e="f"']}
                """,
            file: "p.yaml")
        #expect(diagnostics.map(\.code) == [.invalidValue, .invalidValue])
        #expect(diagnostics.map { $0.range?.start.line } == [4, 6])
        #expect(diagnostics.map { $0.range?.start.column } == [29, 31])
        #expect(diagnostics.first?.message.hasPrefix(#"invalid matcher 'model="x", severity="y"': unexpected"#) == true)
    }
}
