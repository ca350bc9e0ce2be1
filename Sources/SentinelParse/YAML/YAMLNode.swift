public import SentinelCore

/// A YAML node with the source range it came from. Produced by `YAMLLoader`; aliases are already expanded.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content

    /// A plain null scalar (`~`, `null`, or nothing): a key written with no value.
    public var isNull: Bool {
        if case .scalar(let s) = content { s.isNull } else { false }
    }

    /// A scalar's text as written (unquoted); nil for a sequence or a mapping.
    public var scalarText: String? {
        if case .scalar(let s) = content { s.value } else { nil }
    }

    /// From the first character of the node (indicator or quote included) to just past its last character.
    public var range: SourceRange
    /// Explicit tag (`!!str`, `!custom`), if any.
    public var tag: String?
    /// Where the alias that brought this node in is written, for the root of an alias's copy (nil for a node
    /// written where it stands): a use of the node (a rule repeated by `- *rule`) is reported there.
    public var aliasRange: SourceRange?

    public init(content: Content, range: SourceRange, tag: String? = nil) {
        self.content = content
        self.range = range
        self.tag = tag
    }
}

/// A key/value entry of a mapping, in source order.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A scalar with its presentation style and a map from offsets in its value back to the file.
public struct YAMLScalar: Sendable {
    public enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var value: String
    public var style: Style
    /// Whether the value is read as typed YAML (null, a boolean, a number): written plain, or tagged `!!int`,
    /// `!!float`, `!!bool` or `!!null`; false for a quoted scalar and for one tagged `!!str` (see `YAMLTag`).
    public internal(set) var isPlain: Bool
    private var locations: Locations

    /// Where the value's scalars are in the file: given, or worked out from the source when asked (only
    /// diagnostics and macro notes ask, so loading a file does not pay for it).
    private enum Locations: Sendable {
        case given([SourceLocation])
        /// The file's bytes (shared, not copied), and where the scalar's source starts and ends.
        case source(bytes: [UInt8], file: String, start: YAMLSourceCursor, end: Int)
    }

    public init(value: String, style: Style, valueLocations: [SourceLocation]) {
        self.value = value
        self.style = style
        isPlain = style == .plain
        locations = .given(valueLocations)
    }

    init(value: String, style: Style, bytes: [UInt8], file: String, start: YAMLSourceCursor, end: Int) {
        self.value = value
        self.style = style
        isPlain = style == .plain
        locations = .source(bytes: bytes, file: file, start: start, end: end)
    }

    /// Whether a plain scalar is followed by a comment on its last line (`when: prompt contains "step #1"` is
    /// read as `prompt contains "step`): the likely cause of an expression that ends too soon.
    public var isFollowedByComment: Bool { nextByteAfterPlainValue == 0x23 }

    /// Whether a plain scalar is ended by a `,` (inside `{ }` or `[ ]`): `{when: rate(value, 5m) > 1}` is read as
    /// `rate(value` and a key `5m) > 1`.
    public var isCutByComma: Bool { nextByteAfterPlainValue == 0x2C }

    /// The first byte after a plain scalar on its line, spaces aside.
    private var nextByteAfterPlainValue: UInt8? {
        guard style == .plain, case .source(let bytes, _, _, let end) = locations else { return nil }
        var i = end
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i < bytes.count ? bytes[i] : nil
    }

    /// Source location of every Unicode scalar of `value`, plus one past the end (count = value scalars + 1).
    /// Lets an expression parser report `file:line:col` for a position inside a (block) scalar.
    public var valueLocations: [SourceLocation] {
        switch locations {
        case .given(let given): given
        case .source(let bytes, let file, let start, let end):
            bytes.withUnsafeBufferPointer { buffer in
                YAMLScalarLocator(bytes: buffer, file: file).valueLocations(of: value, style: style, start: start, end: end)
            }
        }
    }

    /// File location of the Unicode scalar at `offset` in `value` (clamped to the scalar's extent).
    public func location(ofValueOffset offset: Int) -> SourceLocation? {
        let all = valueLocations
        guard !all.isEmpty else { return nil }
        return all[min(max(0, offset), all.count - 1)]
    }

    /// `~`, `null`, `Null`, `NULL` or empty, read as plain.
    public var isNull: Bool { isPlain && Self.nullWords.contains(value) }

    /// The words YAML's core schema reads as null.
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// The boolean YAML's core schema reads `text` as (`true`, `True`, `TRUE`, and the same for false), nil for any
    /// other text.
    public static func boolean(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// The number a plain scalar `text` is: one written as JSON writes numbers (as `!!int`, `!!float` and rule test
    /// events read them), finite; nil for any other text.
    public static func number(_ text: String) -> Double? {
        guard isJSONNumber(text), let n = Double(text), n.isFinite else { return nil }
        return n
    }

    /// Whether `text` is not a number by `number` but would be one in other YAML readers or Swift (`.5`, `+1`,
    /// `0x1F`, `1.`): such plain text is refused where a number or text could be meant, so neither is taken silently.
    public static func looksLikeNumber(_ text: String) -> Bool {
        number(text) == nil && (Double(text)?.isFinite ?? false)
    }

    /// Whether `text` is a number as JSON writes it (the forms Sentinel reads; rule test files turn numbers into
    /// JSON), and with `wholeOnly` without a fraction or exponent.
    public static func isJSONNumber(_ text: String, wholeOnly: Bool = false) -> Bool {
        var bytes = text.utf8[...]
        func digits() -> Int {
            let run = bytes.prefix { $0 >= 0x30 && $0 <= 0x39 }.count
            bytes = bytes.dropFirst(run)
            return run
        }
        if bytes.first == 0x2D { bytes = bytes.dropFirst() }
        let first = bytes.first
        let integerDigits = digits()
        guard integerDigits > 0, first != 0x30 || integerDigits == 1 else { return false }
        if wholeOnly { return bytes.isEmpty }
        if bytes.first == 0x2E {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if let e = bytes.first, e == 0x65 || e == 0x45 {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == 0x2B || sign == 0x2D { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
