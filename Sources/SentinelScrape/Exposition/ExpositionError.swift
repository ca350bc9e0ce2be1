/// Why an exposition could not be parsed, and where: 1-based line, and 1-based column counted in characters.
///
/// `description` reads `line 12, column 31: expected '=' after label name 'le'`.
public struct ExpositionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int
    /// What is wrong, without the position.
    public var message: String
    /// The limit, when the exposition is not malformed but has more samples than the parse allowed.
    public var sampleLimit: Int?

    /// An error at `line` and `column`.
    public init(line: Int, column: Int, message: String, sampleLimit: Int? = nil) {
        self.line = line
        self.column = column
        self.message = message
        self.sampleLimit = sampleLimit
    }

    /// `line <n>, column <n>: <message>`.
    public var description: String { "line \(line), column \(column): \(message)" }
}
