public import SentinelCore

/// A value read from a file, with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var range: SourceRange

    public init(_ value: Value, at range: SourceRange) {
        self.value = value
        self.range = range
    }
}

/// Text parsed further (an expression, a template) as written in a YAML scalar; maps offsets inside the text
/// back to file positions.
public struct ExpressionSource: Sendable {
    public var text: String
    public var range: SourceRange
    private var scalar: YAMLScalar?

    public init(text: String, range: SourceRange, scalar: YAMLScalar?) {
        self.text = text
        self.range = range
        self.scalar = scalar
    }

    /// File location of Unicode-scalar offset `offset` of `text`.
    public func location(at offset: Int) -> SourceLocation {
        scalar?.location(ofValueOffset: offset) ?? range.start
    }

    /// File range of the text between two offsets.
    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(start: location(at: start), end: location(at: max(start, end)))
    }

    /// Turns an error inside the expression into a positioned diagnostic.
    public func diagnostic(_ error: ExpressionError, notes: [Diagnostic.Note] = []) -> Diagnostic {
        let related = error.related.map { Diagnostic.Note($0.message, at: range(from: $0.start, to: $0.end)) }
        var message = error.message
        if error.end >= text.unicodeScalars.count, scalar?.isFollowedByComment == true {
            message += " (YAML read the ' #' after it and the rest of the line as a comment: quote the whole value, or write it as a block with >-)"
        } else if error.end >= text.unicodeScalars.count, scalar?.isCutByComma == true {
            message += " (inside { } a ',' ends an unquoted value: quote the whole value)"
        }
        return Diagnostic(error.code, message, at: range(from: error.start, to: error.end), notes: (related.map { [$0] } ?? []) + notes)
    }
}
