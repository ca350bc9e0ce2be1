public import SentinelCore

/// Reads one YAML mapping with a fixed set of keys, reporting unknown keys and wrong value types.
public struct MappingReader {
    public let node: YAMLNode
    private var entries: [String: YAMLPair] = [:]
    private var order: [String] = []
    /// What the mapping is, for messages ("rule 'UnsafeAnswerRate'").
    public var context: String
    /// Keys other tools use in this kind of mapping (`ForeignKeys`): reported with what Sentinel writes, and read in
    /// place of the key they stand for when that one is absent.
    public var foreign: (String) -> ForeignKey? = { _ in nil }

    /// Nil (with a diagnostic) when `node` is not a mapping.
    public init?(_ node: YAMLNode, context: String, diagnostics: inout [Diagnostic]) {
        guard case .mapping(let pairs) = node.content else {
            diagnostics.append(Diagnostic(.wrongType, "\(context) must be a mapping", at: node.range))
            return nil
        }
        self.node = node
        self.context = context
        for pair in pairs {
            guard case .scalar(let key) = pair.key.content else {
                diagnostics.append(Diagnostic(.wrongType, "keys in \(context) must be plain strings", at: pair.key.range))
                continue
            }
            entries[key.value] = pair
            order.append(key.value)
        }
    }

    /// Reports every key not in `known`, with another tool's translation or a suggestion for near misses.
    public func rejectUnknownKeys(_ known: [String], diagnostics: inout [Diagnostic]) {
        for key in order where !known.contains(key) {
            let hint = foreign(key)?.hint(for: key) ?? Suggestion.didYouMean(key, in: known)
            diagnostics.append(Diagnostic(.unknownKey, "unknown key '\(key)' in \(context)\(hint)", at: entries[key]!.key.range))
        }
    }

    /// The value of `key`, or of a foreign key standing for it (already reported as unknown).
    public subscript(key: String) -> YAMLNode? {
        if let pair = entries[key] { return pair.value }
        return order.first { foreign($0)?.standsFor == key }.flatMap { entries[$0]?.value }
    }

    /// The key node, for positioning messages about the entry as a whole.
    public func keyRange(_ key: String) -> SourceRange? { entries[key]?.key.range }

    /// The key node of `key`, for messages about the key itself.
    public func keyNode(_ key: String) -> YAMLNode? { entries[key]?.key }

    public var keys: [String] { order }

    /// The value of `key`; when it is missing, nil and a diagnostic, ending in `hint` ("(the kind of event ...)").
    public func required(_ key: String, hint: String = "", diagnostics: inout [Diagnostic]) -> YAMLNode? {
        if let value = self[key] { return value }
        diagnostics.append(Diagnostic(.missingKey, "\(context) has no '\(key)'\(hint)", at: node.range))
        return nil
    }
}

/// Typed reads of YAML nodes; each reports a positioned `wrongType` diagnostic and returns nil on mismatch.
public enum NodeValue {
    public static func string(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> Located<String>? {
        if case .scalar(let s) = node.content, !s.isNull || !s.isPlain {
            return Located(s.value, at: node.range)
        }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be a string", at: node.range))
        return nil
    }

    public static func expression(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> ExpressionSource?
    {
        if case .scalar(let s) = node.content, !s.isNull {
            return ExpressionSource(text: s.value, range: node.range, scalar: s)
        }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be an expression (a string)", at: node.range))
        return nil
    }

    public static func bool(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> Located<Bool>? {
        if case .scalar(let s) = node.content, s.isPlain, let value = YAMLScalar.boolean(s.value) {
            return Located(value, at: node.range)
        }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be true or false", at: node.range))
        return nil
    }

    public static func integer(_ node: YAMLNode, _ what: String, min: Int, _ diagnostics: inout [Diagnostic])
        -> Located<Int>?
    {
        if case .scalar(let s) = node.content, s.isPlain, YAMLScalar.isJSONNumber(s.value, wholeOnly: true), let n = Int(s.value) {
            if n >= min { return Located(n, at: node.range) }
            diagnostics.append(Diagnostic(.invalidValue, "\(what) must be at least \(min)", at: node.range))
            return nil
        }
        // `1e12` or `1000.0` has a whole value but is written as a float; a number past Int's range is whole too.
        var written = ""
        if case .scalar(let s) = node.content, s.isPlain, let value = YAMLScalar.number(s.value), value == value.rounded() {
            written = value.magnitude < 9.2e18
                ? " written in digits (\(Int(value)), not '\(s.value)')" : " within ±9223372036854775807, not '\(s.value)'"
        } else if case .scalar(let s) = node.content, s.isPlain, let n = Int(s.value) {
            written = " written as JSON writes numbers (\(n), not '\(s.value)')"
        }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be a whole number\(written)", at: node.range))
        return nil
    }

    public static func number(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> Located<Double>? {
        if case .scalar(let s) = node.content, s.isPlain, let n = YAMLScalar.number(s.value) {
            return Located(n, at: node.range)
        }
        var hint = ""
        if case .scalar(let s) = node.content, s.isPlain, YAMLScalar.looksLikeNumber(s.value) {
            hint = " written as JSON writes numbers (0.5, 31, 1e3), not '\(s.value)'"
        }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be a number\(hint)", at: node.range))
        return nil
    }

    /// A duration such as `5m`, in milliseconds, at most `DurationLimit.maxMilliseconds`.
    public static func duration(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> Located<Int64>?
    {
        guard let text = string(node, what, &diagnostics) else { return nil }
        switch DurationLiteral.checked(text.value, what, allowZero: true) {
        case .success(let ms): return Located(ms, at: node.range)
        case .failure(let error):
            diagnostics.append(Diagnostic(.badDuration, error.message, at: node.range))
            return nil
        }
    }

    /// A duration over zero: a timer that repeats (zero would fire again and again at the same instant) or a limit
    /// on waiting.
    public static func positiveDuration(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> Located<Int64>?
    {
        guard let duration = duration(node, what, &diagnostics) else { return nil }
        guard duration.value > 0 else {
            diagnostics.append(Diagnostic(.invalidValue, "\(what) must be longer than 0s", at: duration.range))
            return nil
        }
        return duration
    }

    public static func sequence(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> [YAMLNode]? {
        if case .sequence(let items) = node.content { return items }
        if node.isNull { return [] }
        diagnostics.append(Diagnostic(.wrongType, "\(what) must be a list", at: node.range))
        return nil
    }

    public static func stringList(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> [Located<String>]?
    {
        guard let items = sequence(node, what, &diagnostics) else { return nil }
        return items.compactMap { string($0, "each item of \(what)", &diagnostics) }
    }

    /// A string whose offsets map back to the file, for text that is parsed further (a template).
    public static func text(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic]) -> ExpressionSource? {
        guard let string = string(node, what, &diagnostics), case .scalar(let scalar) = node.content else { return nil }
        return ExpressionSource(text: string.value, range: string.range, scalar: scalar)
    }

    /// A mapping of strings to strings, in source order.
    public static func stringMap(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> [(key: Located<String>, value: Located<String>)]?
    {
        map(node, what, &diagnostics) { string($0, $1, &$2) }
    }

    /// A mapping of strings to text whose offsets map back to the file (templates), in source order.
    public static func textMap(_ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic])
        -> [(key: Located<String>, value: ExpressionSource)]?
    {
        map(node, what, &diagnostics) { text($0, $1, &$2) }
    }

    private static func map<Value>(
        _ node: YAMLNode, _ what: String, _ diagnostics: inout [Diagnostic],
        value read: (YAMLNode, String, inout [Diagnostic]) -> Value?
    ) -> [(key: Located<String>, value: Value)]? {
        if node.isNull { return [] }
        guard case .mapping(let pairs) = node.content else {
            diagnostics.append(Diagnostic(.wrongType, "\(what) must be a mapping of strings", at: node.range))
            return nil
        }
        return pairs.compactMap { pair in
            guard let key = string(pair.key, "a key of \(what)", &diagnostics),
                let value = read(pair.value, "'\(key.value)' in \(what)", &diagnostics)
            else { return nil }
            return (key, value)
        }
    }
}
