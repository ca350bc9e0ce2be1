import Foundation
import SentinelCompile
import SentinelCore
import SentinelEvaluate
import SentinelParse

/// Runs events through an engine compiled from rule text, recording transitions and actions.
final class EngineFixture {
    private(set) var engine: Engine
    private(set) var transitions: [AlertTransition] = []
    private(set) var actions: [ActionRequest] = []

    init(_ rules: String, policy: String = "settings: {evaluation_interval: 15s}\n") throws {
        engine = Engine(graph: try Self.compile(rules, policy: policy))
        wire()
    }

    /// Swaps in an engine for new rule text that continues from the current one, as a live reload does.
    func reload(_ rules: String, policy: String = "settings: {evaluation_interval: 15s}\n") throws {
        engine = Engine(graph: try Self.compile(rules, policy: policy), continuing: engine)
        wire()
    }

    private func wire() {
        engine.onTransition = { [unowned self] in self.transitions.append($0) }
        engine.onAction = { [unowned self] in self.actions.append($0) }
    }

    static func compile(_ rules: String, policy: String) throws -> ConditionGraph {
        let (ruleSyntax, d1) = RuleFileReader.read(text: rules, file: "rules.yaml")
        let (policySyntax, d2) = PolicyFileReader.read(text: policy, file: "policy.yaml")
        let (graph, d3) = Compiler.compile(rules: [ruleSyntax], policies: [policySyntax])
        let errors = (d1 + d2 + d3).filter { $0.severity == .error }
        guard let graph, errors.isEmpty else { throw FixtureError(diagnostics: errors) }
        return graph
    }

    struct FixtureError: Error { var diagnostics: [Diagnostic] }

    /// Feeds one event given as a JSON object without `ts` at `seconds` since the epoch.
    func send(at seconds: Double, _ json: String) throws {
        let body = json.trimmingCharacters(in: .whitespaces)
        let line = "{\"ts\":\(seconds)," + body.dropFirst()
        var bytes = Array(line.utf8)
        try bytes.withUnsafeMutableBytes { try engine.ingest(UnsafeRawBufferPointer($0)) }
    }

    /// Ingests one event line as written; the error that refused it, or nil.
    func ingestError(_ line: String) -> EventDecodeError? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { raw -> EventDecodeError? in
            do throws(EventDecodeError) {
                try engine.ingest(UnsafeRawBufferPointer(raw))
                return nil
            } catch { return error }
        }
    }

    func states(_ rule: String) -> [String] {
        transitions.filter { $0.rule == rule }.map { "\($0.state.rawValue)@\($0.time / 1000)" }
    }

    func matches(_ rule: String) -> Int {
        engine.ruleStatistics[engine.graph.rules.firstIndex { $0.name == rule }!].matches
    }
}
