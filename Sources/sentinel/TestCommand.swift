import ArgumentParser
import SentinelCompile
import SentinelCore
import SentinelTesting

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rule unit tests (*.test.yaml): input events, expected alerts at given times.")

    @Argument(help: "Test files or folders (searched recursively for *.test.yaml).")
    var paths: [String]

    func run() throws {
        var diagnostics: [Diagnostic] = []
        let files = Configuration.expand(paths, &diagnostics, tests: true)
        let output = Output.standard
        let renderer = DiagnosticRenderer(format: .text)
        var passed = 0
        var failed = 0
        for file in files {
            let (results, found) = RuleTestRunner.run(path: file)
            // Errors, and warnings about the test file itself (an input field or kind no rule reads explains a
            // failure): a test loads a subset of the rules, so the rule files' "never used" warnings would be noise.
            let shown = found.filter { $0.severity == .error || $0.range?.start.file == file }
            if shown.hasErrors { failed += 1 }
            output.write(renderer.render(shown))
            for result in results {
                if result.passed {
                    passed += 1
                    output.line("PASS \(file): \(result.name.escapingControls())")
                } else {
                    failed += 1
                    output.line("FAIL \(file): \(result.name.escapingControls())")
                    for failure in result.failures { output.line(failure) }
                }
            }
        }
        output.write(renderer.render(diagnostics))
        if files.isEmpty, diagnostics.isEmpty { output.line("no *.test.yaml files found") }
        output.line("\(passed) passed, \(failed) failed")
        output.flush()
        if !diagnostics.isEmpty { throw ExitStatus.usage }
        if failed > 0 || files.isEmpty { throw ExitStatus.findings }
    }
}
