/// A prompt file that cannot be read, or one row of it that cannot be used: the file, the 1-based line where the
/// row starts, and the column at fault.
public struct PromptSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `prompts.csv:12: column 'prompt.toxicity': expected a number, found 'high'`.
    public var description: String {
        var out = file
        if let line { out += ":\(line)" }
        out += ": "
        if let column { out += "column '\(column)': " }
        return out + message
    }
}
