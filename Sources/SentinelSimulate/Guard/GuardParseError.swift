/// Guard output that is not in its format. The simulator records it as an error with the raw text, never as a
/// safe verdict.
public struct GuardParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
