import ArgumentParser

@main
struct Sentinel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentinel",
        abstract: "A rule engine for LLM deployments: lint rules, replay recorded traffic, run rule tests.",
        version: "0.1.0",
        subcommands: [LintCommand.self, DryRunCommand.self, TestCommand.self]
    )
}
