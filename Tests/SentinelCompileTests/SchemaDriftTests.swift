import Foundation
import SentinelParse
import Testing

/// The JSON Schemas in `schemas/` and the readers must accept the same keys, so editors and `lint` agree.
@Suite struct SchemaDriftTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas")

    func properties(_ file: String, _ path: [String]) throws -> Set<String> {
        var node = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemas.appendingPathComponent(file))) as? [String: Any]
        for key in path { node = node?[key] as? [String: Any] }
        return Set((node?["properties"] as? [String: Any] ?? [:]).keys)
    }

    @Test func ruleFileKeys() throws {
        #expect(try properties("rules.schema.json", []) == Set(RuleFileReader.topLevelKeys))
        #expect(try properties("rules.schema.json", ["definitions", "rule"]) == Set(RuleFileReader.ruleKeys))
    }

    @Test func policyFileKeys() throws {
        #expect(try properties("policy.schema.json", []) == Set(PolicyFileReader.topLevelKeys))
        #expect(try properties("policy.schema.json", ["properties", "settings"]) == Set(PolicyFileReader.settingsKeys))
        #expect(try properties("policy.schema.json", ["definitions", "route"]) == Set(PolicyFileReader.routeKeys))
    }
}
