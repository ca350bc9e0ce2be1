import SentinelCompile
import SentinelCore
import SentinelParse
import Testing

/// Inputs that once crashed or hung lint, dry-run or test: each is now a positioned error where it is written.
@Suite struct CompileLimitsTests {
    @Test func durationsLongerThanTenYearsAreErrorsAtTheLiteral() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule(
                "count(5m) > 0",
                extra: "    for: 99999999999d\n    keep_firing_for: 3651d\n    every: 3651d\n    actions: [notify]"),
            policy: """
                settings: {allowed_lateness: 9223372036854775807ms}
                actions: {notify: {type: notify}}
                receivers: [{name: log, type: log}]
                route: {receiver: log, group_wait: 3651d, routes: [{receiver: log, repeat_interval: 99999999999d}]}
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.allSatisfy { $0.code == .badDuration }, "\(errors)")
        #expect(
            errors.map { "\($0.range!.start.file):\($0.range!.start.line):\($0.range!.start.column)" }.sorted() == [
                "policy.yaml:1:30", "policy.yaml:4:36", "policy.yaml:4:85", "rules.yaml:6:10", "rules.yaml:7:22",
                "rules.yaml:8:12",
            ])
        #expect(errors.contains { $0.message == "'for' '99999999999d' is longer than 3650d (10 years), the longest duration Sentinel accepts" })

        // Ten years is accepted everywhere.
        let (graph, accepted) = CompileFixture.compile(
            CompileFixture.rule(
                "psi(model, 3650d, 3650d) > 1 and count(3650d) > 0",
                extra: "    for: 3650d\n    keep_firing_for: 3650d\n    every: 3650d"),
            policy: "settings: {allowed_lateness: 3650d, evaluation_interval: 3650d}\n")
        #expect(CompileFixture.errors(accepted).isEmpty, "\(accepted)")
        #expect(graph != nil)
    }

    @Test func windowsLongerThanTenYearsAreErrorsInTheExpression() {
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule("psi(model, 99999999999d, 99999999999d) > 1"))
        #expect(graph == nil)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.count == 1)
        #expect(errors.first?.code == .badDuration)
        #expect(errors.first?.range?.start.line == 5)
        #expect(errors.first?.range?.start.column == 22)
    }

    @Test func zeroGroupAndRepeatIntervalsAreErrorsAtEveryRouteLevel() {
        let (_, diagnostics) = CompileFixture.compile(
            CompileFixture.rule("latency_ms > 1", extra: "    actions: [notify]"),
            policy: """
                actions: {notify: {type: notify}}
                receivers: [{name: log, type: log}]
                route:
                  receiver: log
                  group_wait: 0s
                  group_interval: 0s
                  routes:
                    - {receiver: log, repeat_interval: 0ms}
                """)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.invalidValue, .invalidValue])
        #expect(errors.map { $0.range?.start.line } == [6, 8])
        #expect(errors.map(\.message) == ["'group_interval' must be longer than 0s", "'repeat_interval' must be longer than 0s"])
    }

    /// Expansion stops at the limit, before the macros deep down the chain: they are used all the same.
    @Test func macrosNestingTooDeepAreOneErrorAndNoUnusedMacros() {
        let macros = (1...1200).map { "  m\($0): not m\($0 - 1)" }
        let (graph, diagnostics) = CompileFixture.compile(
            "macros:\n  m0: latency_ms > 1\n" + macros.joined(separator: "\n")
                + "\nrules:\n  - {name: R, on: completion, when: m1200}\n")
        #expect(graph == nil)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.expressionTooDeep])
        #expect(errors.first?.message == "expression nests deeper than 1000 levels once macros are expanded")
        #expect(!diagnostics.contains { $0.code == .unusedMacro }, "\(diagnostics.filter { $0.code == .unusedMacro }.count) unused")
    }

    /// A macro whose expansion fails at an error stops before the rest of its body, whose macros are still used.
    @Test func macrosAfterAnErrorInAMacroAreNotUnused() {
        let (_, diagnostics) = CompileFixture.compile(
            """
            macros:
              a: latency_ms > "slow" and b
              b: c or true
              c: latency_ms > 1
            rules:
              - {name: R, on: completion, when: a}
            """)
        #expect(CompileFixture.errors(diagnostics).map(\.code) == [.typeMismatch])
        #expect(!diagnostics.contains { $0.code == .unusedMacro })
    }

    @Test func exponentialMacroExpansionIsOneErrorAtTheMacroUse() {
        let macros = (1...30).map { "  m\($0): m\($0 - 1) and m\($0 - 1)" }
        let (graph, diagnostics) = CompileFixture.compile(
            "macros:\n  m0: latency_ms > 1\n" + macros.joined(separator: "\n")
                + "\nrules:\n  - {name: R, on: completion, when: 'true and m30'}\n")
        #expect(graph == nil)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.code == .expressionTooDeep)
        #expect(errors.first?.message.hasPrefix("macro 'm30' expands to more than 100000 terms") == true)
        #expect(errors.first?.range?.start.line == 34)
        #expect(errors.first?.range?.start.column == 47)
        #expect(!diagnostics.contains { $0.code == .unusedMacro })
    }

    @Test func aFlatChainOfAThousandTermsCompiles() {
        let terms = (0..<1000).map { "latency_ms == \($0)" }
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule(terms.joined(separator: " or ")))
        #expect(CompileFixture.errors(diagnostics).isEmpty, "\(diagnostics.prefix(2))")
        #expect(graph != nil)
    }

    @Test func aHundredThousandTermConditionIsOneError() {
        let terms = (0..<100_000).map { "latency_ms > \($0)" }
        let (graph, diagnostics) = CompileFixture.compile(CompileFixture.rule(terms.joined(separator: " and ")))
        #expect(graph == nil)
        let errors = CompileFixture.errors(diagnostics)
        #expect(errors.map(\.code) == [.expressionTooDeep])
        #expect(errors.first?.message.contains("more than 100000 terms") == true)
    }

    @Test func nestingTooDeepWithoutMacrosDoesNotBlameMacros() {
        let text = Array(repeating: "latency_ms", count: 300).joined(separator: " + ") + " > 1"
        let errors = CompileFixture.errors(CompileFixture.compile(CompileFixture.rule(text)).1)
        #expect(errors.map(\.code) == [.expressionTooDeep])
        #expect(errors.first?.message == "expression nests deeper than 200 levels")
    }
}
