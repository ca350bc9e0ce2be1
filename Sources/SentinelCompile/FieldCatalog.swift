/// Static types the compiler checks expressions with. `any` is a field whose type only the event knows.
public enum ValueType: String, Sendable, Hashable {
    case bool, number, string, array, object, any, null

    /// Whether a value of this type may stand where `expected` is required.
    func fits(_ expected: ValueType) -> Bool {
        self == expected || self == .any || expected == .any || self == .null
    }

    /// The type's name with its article, for messages (`a string`, `an object`).
    var withArticle: String {
        switch self {
        case .array, .object, .any: "an \(rawValue)"
        case .null: "null"
        default: "a \(rawValue)"
        }
    }
}

/// The fields of the event kinds Sentinel knows; rules over other kinds may read any field.
public enum FieldCatalog {
    /// Fields of every event. `ts` reads as the event's time in epoch seconds, whichever form the line wrote it in.
    public static let common: [String: ValueType] = ["ts": .number, "kind": .string]

    /// Known kinds and their fields. A prefix ending in `.*` is free-form below it.
    public static let kinds: [String: [String: ValueType]] = [
        "completion": [
            "id": .string, "model": .string, "prompt": .string, "response": .string, "latency_ms": .number,
            "ttft_ms": .number, "prompt_tokens": .number, "completion_tokens": .number, "finish_reason": .string,
            "prompt_guard": .object, "prompt_guard.safety": .string, "prompt_guard.categories": .array,
            "prompt_guard.raw": .string, "response_guard": .object, "response_guard.safety": .string,
            "response_guard.categories": .array, "response_guard.refusal": .bool, "response_guard.raw": .string,
            "reprompt_of": .string, "attrs": .object, "attrs.*": .any, "guard_model": .string,
        ],
        "metric": [
            "name": .string, "labels": .object, "labels.*": .string, "value": .number, "type": .string,
            "renamed_from": .string,
        ],
    ]

    /// Sets of strings the traffic schema limits fields to (`limitedStrings` indexes them).
    public static let stringSets: [[String]] = [
        ["safe", "unsafe", "controversial"], ["counter", "gauge", "histogram", "summary", "untyped"],
    ]

    /// By kind: the fields whose string values the schema limits, each to one of `stringSets`.
    public static let limitedStrings: [String: [String: Int]] = [
        "completion": ["prompt_guard.safety": 0, "response_guard.safety": 0],
        "metric": ["type": 1],
    ]

    /// By kind: the numeric fields the schema gives a minimum of 0 (durations and token counts). A negative one
    /// (`-1` for "unknown") read as a sample pulls medians and means below every real value.
    public static let nonNegativeNumbers: [String: Set<String>] = [
        "completion": ["latency_ms", "ttft_ms", "prompt_tokens", "completion_tokens"]
    ]

    /// What has a top-level field named `name`: "every event" (`ts`, `kind`) or a known kind (the first in name
    /// order); nil when nothing does.
    public static func ownerOfTopLevelField(_ name: String) -> String? {
        if common[name] != nil { return "every event" }
        return kinds.keys.sorted().first { kind in kinds[kind]!.keys.contains { $0 == name || $0.hasPrefix(name + ".") } }
    }

    /// Whether some known kind types `path` as an object.
    static func isObject(_ path: [String]) -> Bool {
        let dotted = path.joined(separator: ".")
        return kinds.values.contains { $0[dotted] == .object }
    }

    public enum Lookup: Equatable {
        case known(ValueType)
        case unknown(suggestion: String?)
    }

    /// The type of `path` on events of any of `kinds`: unknown only where no kind has it, the type the kinds that
    /// have it agree on, else `any`.
    public static func lookup(_ path: [String], kinds: [String]) -> Lookup {
        let found = kinds.map { lookup(path, kind: $0) }
        let types = found.compactMap { if case .known(let type) = $0 { type } else { nil } }
        guard let first = types.first else { return found.first ?? .known(.any) }
        return .known(types.allSatisfy { $0 == first } ? first : .any)
    }

    /// By kind: the element type of array fields whose elements the schema types.
    static let arrayElements: [String: [String: ValueType]] = [
        "completion": ["prompt_guard.categories": .string, "response_guard.categories": .string]
    ]

    /// The element type of the array field `path` on every one of `kinds`, `any` unless all type it alike.
    static func elementType(_ path: [String], kinds: [String]) -> ValueType {
        let dotted = path.joined(separator: ".")
        let types = kinds.map { arrayElements[$0]?[dotted] }
        guard let first = types.first ?? nil, types.allSatisfy({ $0 == first }) else { return .any }
        return first
    }

    /// The set of strings `path` is limited to on every one of `kinds` (`limitedStrings`), if it is on all.
    static func limitedSet(_ path: [String], kinds: [String]) -> Int? {
        let dotted = path.joined(separator: ".")
        let sets = kinds.map { limitedStrings[$0]?[dotted] }
        guard let first = sets.first ?? nil, sets.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// `'completion'`, `'completion' or 'error'`: the kinds a rule reads, for messages.
    static func describe(_ kinds: [String]) -> String {
        kinds.map { "'\($0)'" }.joined(separator: kinds.count == 2 ? " or " : ", ")
    }

    /// `a free-form field is read as labels.model_name` for a bare `name`; nil when no kind has a free-form object.
    static func freeFormReading(_ name: String, kinds: [String]) -> String? {
        let fields = freeFormFields(name, kinds: kinds)
        return fields.isEmpty ? nil : "a free-form field is read as \(fields.joined(separator: " or "))"
    }

    /// `name` under the free-form object of each of `kinds` that has one (`attrs.user`, `labels.model_name`).
    public static func freeFormFields(_ name: String, kinds: [String]) -> [String] {
        var seen: Set<String> = []
        return kinds.compactMap { kind in
            guard let prefix = Self.kinds[kind]?.keys.sorted().first(where: { $0.hasSuffix(".*") }) else { return nil }
            let field = prefix.dropLast(2) + "." + name
            return seen.insert(field).inserted ? field : nil
        }
    }

    /// The type of `path` on events of `kind`.
    public static func lookup(_ path: [String], kind: String) -> Lookup {
        let dotted = path.joined(separator: ".")
        if let type = common[dotted] { return .known(type) }
        guard let fields = kinds[kind] else { return .known(.any) }
        if let type = fields[dotted] { return .known(type) }
        for (name, type) in fields where name.hasSuffix(".*") {
            let prefix = String(name.dropLast(2))
            if path.count >= 2, path[0] == prefix { return .known(path.count == 2 ? type : .any) }
        }
        let candidates = fields.keys.filter { !$0.hasSuffix("*") } + Array(common.keys)
        if let close = Suggestion.closest(to: dotted, in: candidates) { return .unknown(suggestion: close) }
        // A duration's unit left off (`latency` for `latency_ms`): too many letters away for a typo.
        if candidates.contains(dotted + "_ms") { return .unknown(suggestion: dotted + "_ms") }
        // Prometheus' name for a sample's name.
        if dotted == "__name__", fields["name"] != nil { return .unknown(suggestion: "name") }
        return .unknown(suggestion: nil)
    }
}

import SentinelCore
