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
        (#"prompt_guard.safety in ["safe", "harmful"]"#, "never 'harmful'"),
        (#"prompt_guard.safety not in ["flagged"]"#, "never 'flagged'"),
        (#"prompt_guard.safety in levels"#, "never 'Controversial' (did you mean 'controversial'?)"),
    ])
    func comparisonsWithOtherStringsAreErrors(when: String, message: String) throws {
        let found = Self.errors(when, lists: "lists:\n  levels: [unsafe, Controversial]")
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

    @Test func aMetricsTypeIsLimitedToPrometheusTypes() {
        #expect(Self.errors(#"type == "Counter""#, kind: "metric").first?.message.hasSuffix("never 'Counter' (did you mean 'counter'?)") == true)
        #expect(Self.errors(#"type in ["counter", "gauge"]"#, kind: "metric").isEmpty)
    }

    @Test func freeFormKindsAreNotLimited() {
        #expect(Self.errors(#"response_guard.safety == "Unsafe""#, kind: "review").isEmpty)
    }
}
