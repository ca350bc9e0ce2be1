import Foundation
import Testing

/// The README's rule file and rule-test examples are what a newcomer copies first: they run as written.
@Suite struct ReadmeExampleTests {
    /// The fenced `yaml` blocks of the README section that starts with `heading`, in order.
    static func yamlBlocks(under heading: String) throws -> [String] {
        let readme = try String(contentsOfFile: "README.md", encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n\(heading)\n").dropFirst().first)
            .components(separatedBy: "\n## ").first!
        return section.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] + "\n" }
    }

    @Test func theRuleFileAndItsTestPassAsWritten() throws {
        let dir = try SentinelProcess.temporaryDirectory()
        let rules = dir.appendingPathComponent("rules")
        let policies = dir.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "policies/default.yaml", toPath: policies.appendingPathComponent("default.yaml").path)
        let ruleFile = try #require(try Self.yamlBlocks(under: "## Rule files").first)
        // `events_file` names recorded traffic the example has none of.
        let testFile = try #require(try Self.yamlBlocks(under: "## Rule tests").first)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("events_file:") }.joined(separator: "\n")
        try ruleFile.write(to: rules.appendingPathComponent("example.yaml"), atomically: true, encoding: .utf8)
        try testFile.write(to: rules.appendingPathComponent("example.test.yaml"), atomically: true, encoding: .utf8)

        let lint = try SentinelProcess.run(["lint", rules.path, policies.path])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        let result = try SentinelProcess.run(["test", rules.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.hasSuffix("1 passed, 0 failed\n"), "\(result.stdout)")
    }

    /// The routing example is quoted from the shipped routing tests, which `shippedRuleTestsPass` runs.
    @Test func theRoutingExampleIsAShippedTest() throws {
        let blocks = try Self.yamlBlocks(under: "## Rule tests")
        #expect(blocks.count == 2)
        let shipped = try String(contentsOfFile: "rules/routing.test.yaml", encoding: .utf8)
        #expect(shipped.contains(try #require(blocks.last)))
    }
}
