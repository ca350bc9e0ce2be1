/// A Server-Sent Event, or a line of one, longer than the parser takes: where it started and the limit.
public struct SSEEventTooLarge: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parser's `maximumEventBytes`.
    public var limit: Int
    /// 1-based line on which the event (or the line) starts.
    public var line: Int
    /// 0-based byte offset in the stream of that line.
    public var byteOffset: Int

    /// An event over `limit` starting at `line`, `byteOffset`.
    public init(limit: Int, line: Int, byteOffset: Int) {
        self.limit = limit
        self.line = line
        self.byteOffset = byteOffset
    }

    /// `stream event at line 3 (byte 120) is over the limit of 1048576 bytes`.
    public var description: String {
        "stream event at line \(line) (byte \(byteOffset)) is over the limit of \(limit) bytes"
    }
}
