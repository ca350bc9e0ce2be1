/// Guard output that is not in its format. The simulator records it as an error with the raw text, never as a
/// safe verdict.
public struct GuardParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What did not fit the format.
    public var reason: String

    /// An error saying `reason`.
    public init(_ reason: String) {
        self.reason = reason
    }

    /// The reason.
    public var description: String { reason }
}
