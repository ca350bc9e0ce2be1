import ArgumentParser
import Foundation

@main
struct Sentinel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel",
        abstract: "A rule engine for LLM deployments: lint rules, replay recorded traffic, run rule tests, run live.",
        version: "0.2.0",
        subcommands: [
            LintCommand.self, DryRunCommand.self, TestCommand.self, RunCommand.self, SimulateCommand.self, ExportCommand.self,
            IndexCommand.self, TraceCommand.self,
        ]
    )

    /// Runs a command; usage errors exit 2 like I/O errors (ArgumentParser's default is 64), so every command
    /// keeps one contract: 0 clean, 1 findings, 2 usage or I/O.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var live = command as? any AsyncParsableCommand {
                try await live.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                Output.error.line(fullMessage(for: error))
                Output.error.flush()
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
