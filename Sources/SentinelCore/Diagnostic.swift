/// How bad a diagnostic is.
public enum DiagnosticSeverity: String, Sendable, Codable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One finding of any stage (YAML, expression parser, compiler, test runner), rendered in one place.
public struct Diagnostic: Sendable, Hashable, Error {
    /// A secondary location that explains the primary one ("in macro 'x' defined here").
    public struct Note: Sendable, Hashable {
        public var message: String
        public var range: SourceRange?

        public init(_ message: String, at range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    public var code: DiagnosticCode
    public var severity: DiagnosticSeverity
    public var message: String
    public var range: SourceRange?
    public var notes: [Note]

    public init(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange?,
        severity: DiagnosticSeverity? = nil, notes: [Note] = []
    ) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.range = range
        self.notes = notes
    }

    public init(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, notes: [Note] = []) {
        self.init(code, message, at: SourceRange(location), notes: notes)
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Diagnostics in file/line/column order (stable for equal positions).
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.range?.start, b.element.range?.start) {
            case let (l?, r?) where l != r: return l < r
            case (nil, _?): return true
            case (_?, nil): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
