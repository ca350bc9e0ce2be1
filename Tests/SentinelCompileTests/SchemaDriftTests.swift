import Foundation
import SentinelCompile
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

    /// The values the engine allows a field (`FieldCatalog.limitedStrings`) are the traffic schema's `enum`.
    @Test func limitedTrafficStrings() throws {
        let schema = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.schemas.appendingPathComponent("traffic.schema.json"))) as? [String: Any]
        let definitions = schema?["definitions"] as? [String: Any] ?? [:]
        var found: [String: [String: [String]]] = [:]
        func walk(_ node: [String: Any], kind: String, path: [String]) {
            if let values = node["enum"] as? [String], node["type"] as? String == "string" {
                found[kind, default: [:]][path.joined(separator: ".")] = values
            }
            for (name, child) in node["properties"] as? [String: Any] ?? [:] {
                if let child = child as? [String: Any] { walk(child, kind: kind, path: path + [name]) }
            }
        }
        for kind in FieldCatalog.kinds.keys {
            walk(definitions[kind] as? [String: Any] ?? [:], kind: kind, path: [])
        }
        let catalog = FieldCatalog.limitedStrings.mapValues { $0.mapValues { FieldCatalog.stringSets[$0] } }
        #expect(found == catalog)
    }

    @Test func policyFileKeys() throws {
        #expect(try properties("policy.schema.json", []) == Set(PolicyFileReader.topLevelKeys))
        #expect(try properties("policy.schema.json", ["properties", "settings"]) == Set(PolicyFileReader.settingsKeys))
        #expect(try properties("policy.schema.json", ["definitions", "route"]) == Set(PolicyFileReader.routeKeys))
    }
}
