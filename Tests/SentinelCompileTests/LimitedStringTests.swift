import SentinelCompile
import SentinelCore
import Testing

/// A guard's `safety` is one of safe, unsafe, controversial (the traffic schema's enum, enforced on events), so a
/// rule comparing it with anything else never holds and is a compile error at the comparison.
struct LimitedStringTests {
    static func errors(_ when: String, kind: String = "completion", lists: String = "") -> [Diagnostic] {
        let rules = """
            \(lists)
            rules:
              - name: R
                on: \(kind)
                when: '\(when)'
            """
        let (_, diagnostics) = CompileFixture.compile(rules)
        return CompileFixture.errors(diagnostics)
    }

    @Test(arguments: [
        (#"response_guard.safety == "Unsafe""#, "never 'Unsafe' (did you mean 'unsafe'?)"),
        (#""unsafe " != response_guard.safety"#, "never 'unsafe ' (did you mean 'unsafe'?)"),
        (#"prompt_guard.safety in ["harmful", "flagged"]"#, "never 'harmful'"),
        (#"prompt_guard.safety not in ["flagged"]"#, "never 'flagged'"),
        (#"prompt_guard.safety in levels"#, "never 'Unsafe' (did you mean 'unsafe'?)"),
    ])
    func comparisonsWithOtherStringsAreErrors(when: String, message: String) throws {
        let found = Self.errors(when, lists: "lists:\n  levels: [Unsafe, Controversial]")
        let error = try #require(found.first)
        #expect(found.count == 1)
        #expect(error.code == .impossibleValue)
        #expect(error.message.hasSuffix(message), "\(error.message)")
        #expect(error.range?.start.line == 6)
        #expect(error.range?.start.column == 12)
    }

    @Test(arguments: [
        #"response_guard.safety == "unsafe" and prompt_guard.safety != "safe""#,
        #"prompt_guard.safety in ["unsafe", "controversial"]"#,
        #"response_guard.safety startswith "Un""#,
        #"prompt == "Unsafe" and model != "controversial!""#,
    ])
    func theSchemasValuesAndOtherFieldsAreFine(when: String) {
        #expect(Self.errors(when).isEmpty)
    }

    /// A list that can match is not refused: its dead entries are warnings, the rule loads.
    @Test func aListWithSomeValuesTheFieldHasWarnsAtItsDeadEntries() {
        let rules = """
            lists:
              levels: [unsafe, Unsafe]
            rules:
              - {name: R, on: completion, when: 'prompt_guard.safety in levels or response_guard.safety in ["unsafe", "UNSAFE"]'}
            """
        let (graph, diagnostics) = CompileFixture.compile(rules)
        #expect(graph != nil)
        #expect(CompileFixture.errors(diagnostics).isEmpty)
        let warnings = diagnostics.filter { $0.code == .deadListEntry }
        #expect(warnings.count == 2)
        #expect(warnings.first?.message.hasSuffix("never 'Unsafe' (did you mean 'unsafe'?)") == true)
        #expect(warnings.last?.message.hasSuffix("never 'UNSAFE' (did you mean 'unsafe'?)") == true)
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    @Test func aMetricsTypeIsLimitedToPrometheusTypes() {
        #expect(Self.errors(#"type == "Counter""#, kind: "metric").first?.message.hasSuffix("never 'Counter' (did you mean 'counter'?)") == true)
        #expect(Self.errors(#"type in ["counter", "gauge"]"#, kind: "metric").isEmpty)
    }

    /// `kind` is one of the kinds the rule reads: a typo in a rule over several kinds never holds.
    @Test func kindIsOneOfTheKindsTheRuleReads() {
        let rules = """
            rules:
              - {name: A, on: [completion, error], when: 'ratio(kind == "eror", 10m) > 0.1'}
              - {name: B, on: completion, when: 'kind == "error"'}
              - {name: C, on: [completion, error], when: 'ratio(kind == "error", 10m) > 0.1 and kind in ["completion", "metric"]'}
            """
        let (_, diagnostics) = CompileFixture.compile(rules)
        let found = diagnostics.filter { [.impossibleValue, .deadListEntry].contains($0.code) }
        #expect(found.map(\.code) == [.impossibleValue, .impossibleValue, .deadListEntry])
        #expect(found.first?.message == "'kind' of 'completion' or 'error' events is one of completion, error, never 'eror' (did you mean 'error'?)")
        #expect(found.map { $0.range?.start.line } == [2, 3, 4])
    }

    @Test func freeFormKindsAreNotLimited() {
        #expect(Self.errors(#"response_guard.safety == "Unsafe""#, kind: "review").isEmpty)
    }
}
