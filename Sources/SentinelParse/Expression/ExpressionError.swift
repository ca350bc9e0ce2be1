public import SentinelCore

/// A positioned error inside one expression; offsets count Unicode scalars of the expression text.
public struct ExpressionError: Error, Sendable, Equatable {
    public var code: DiagnosticCode
    public var message: String
    public var start: Int
    public var end: Int
    /// A second place in the expression that explains the error ("the '(' opened here"), as a note.
    public var related: Related?

    /// The note's text and the offsets it points at.
    public struct Related: Sendable, Equatable {
        public var message: String
        public var start: Int
        public var end: Int
    }

    public init(_ code: DiagnosticCode, _ message: String, start: Int, end: Int, related: Related? = nil) {
        self.code = code
        self.message = message
        self.start = start
        self.end = end
        self.related = related
    }
}
