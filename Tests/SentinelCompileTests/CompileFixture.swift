import SentinelCompile
import SentinelCore
import SentinelParse

/// Compiles rule and policy text the way `sentinel lint` does, for tests.
enum CompileFixture {
    static let defaultPolicy = """
        actions:
          notify: {type: notify}
          capture_dpo: {type: capture_dpo}
        receivers:
          - {name: log, type: log}
        route:
          receiver: log
        """

    static func compile(_ rules: String, policy: String = defaultPolicy) -> (ConditionGraph?, [Diagnostic]) {
        let (ruleSyntax, ruleDiagnostics) = RuleFileReader.read(text: rules, file: "rules.yaml")
        let (policySyntax, policyDiagnostics) = PolicyFileReader.read(text: policy, file: "policy.yaml")
        let (graph, diagnostics) = Compiler.compile(rules: [ruleSyntax], policies: [policySyntax])
        return (graph, ruleDiagnostics + policyDiagnostics + diagnostics)
    }

    /// A rule file with one rule on completions.
    static func rule(_ when: String, extra: String = "") -> String {
        """
        rules:
          - name: R
            on: completion
            group_by: [model]
            when: \(when)
        \(extra)
        """
    }

    static func errors(_ diagnostics: [Diagnostic]) -> [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}
