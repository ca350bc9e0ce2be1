import ArgumentParser
import SentinelCompile
import Foundation
import SentinelCore
import SentinelNotify
import SentinelParse
import SentinelTesting

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check rule, policy and rule-test files; report every problem as file:line:col.",
        discussion: """
            Files are told apart by their keys: policy files hold settings/actions/receivers/route, rule test \
            files end in .test.yaml, everything else is a rule file. Rules and policies are compiled together, \
            so pass both to check action references. Exit 0 clean, 1 errors (or warnings with --strict), 2 usage or I/O.
            """)

    @Argument(help: "Files or folders (searched recursively for .yaml/.yml).")
    var paths: [String]

    @Option(help: "Output format: text, json or github.")
    var format: DiagnosticFormat = .text

    @Flag(help: "Treat warnings as errors.")
    var strict = false

    func run() throws {
        var diagnostics: [Diagnostic] = []
        let files = Set(Configuration.expand(paths, &diagnostics, tests: nil)).sorted()
        var ruleFiles: [RuleFileSyntax] = []
        var policyFiles: [PolicyFileSyntax] = []
        for file in files {
            if Configuration.isTest(file) {
                diagnostics += RuleTestRunner.check(path: file)
                continue
            }
            let loaded = YAMLLoader.load(path: file)
            if Self.isPolicy(loaded) {
                let (syntax, found) = PolicyFileReader.read(loaded: loaded, file: file)
                policyFiles.append(syntax)
                diagnostics += found
            } else {
                let (syntax, found) = RuleFileReader.read(loaded: loaded, file: file)
                ruleFiles.append(syntax)
                diagnostics += found
            }
        }
        diagnostics += Compiler.compile(rules: ruleFiles, policies: policyFiles).1
        // Receiver settings (URLs, durations) are checked on the policies alone, so rule errors do not hide them.
        if let policy = Compiler.compile(rules: [], policies: policyFiles).0?.policy {
            diagnostics += PolicyReceivers.make(policy, environment: [:], checkEnvironment: false).diagnostics
        }
        diagnostics = Array(Set(diagnostics)).sortedByLocation()
        let output = Output.standard
        output.write(DiagnosticRenderer(format: format).render(diagnostics))
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if format == .text {
            let rules = ruleFiles.reduce(0) { $0 + $1.rules.count }
            output.line(
                "\(files.count) file(s), \(rules) rule(s): \(errors) error(s), \(warnings) warning(s)")
        }
        output.flush()
        if diagnostics.contains(where: { $0.code == .fileUnreadable }) { throw ExitStatus.usage }
        if errors > 0 || (strict && warnings > 0) { throw ExitStatus.findings }
    }

    private static func isPolicy(_ loaded: YAMLLoader.Result) -> Bool {
        guard case .mapping(let pairs)? = loaded.documents.first?.content else { return false }
        return pairs.contains { pair in
            if case .scalar(let key) = pair.key.content { return PolicyFileReader.topLevelKeys.contains(key.value) }
            return false
        }
    }
}

extension DiagnosticFormat: ExpressibleByArgument {}
