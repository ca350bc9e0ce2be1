/// Why an exposition could not be parsed, and where: 1-based line, and 1-based column counted in characters.
///
/// `description` reads `line 12, column 31: expected '=' after label name 'le'`.
public struct ExpositionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
