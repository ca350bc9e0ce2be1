/// A prompt file that cannot be read, or one row of it that cannot be used: the file, the 1-based line where the
/// row starts, and the column at fault.
public struct PromptSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The prompt file.
    public var file: String
    /// The 1-based line the row starts on; nil for a problem with the whole file.
    public var line: Int?
    /// The column at fault, when one is.
    public var column: String?
    /// What is wrong.
    public var message: String

    /// An error at `file`, and at `line` and `column` when given.
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
