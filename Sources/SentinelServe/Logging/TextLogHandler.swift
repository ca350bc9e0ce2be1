import Foundation
import Logging
import SentinelCore
import SentinelEvaluate

/// A swift-log handler writing one line per entry to standard error, as swift-log's `StreamLogHandler` lays it
/// out: `2026-05-01T12:00:00Z notice sentinel: key=value … [SentinelServe] message`.
///
/// Messages and metadata carry text from outside (label values, event fields, request paths), so control
/// characters and line separators in them are escaped (`\n`, `\r`, `\t`, `\u{1B}`, `\u{2028}`, and `\\` for a
/// backslash): an entry is always one line, and no value can forge another.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(line(event, at: Int64(Date().timeIntervalSince1970 * 1000)).utf8))
    }

    /// The entry's line (with its newline) for a time in epoch milliseconds.
    func line(_ event: LogEvent, at time: Int64) -> String {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var text = "\(Timestamp.format(time)) \(event.level) \(Self.escaped(label)):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(Self.escaped(key))=\(Self.escaped("\(value)"))" }
        text += " [\(Self.escaped(event.source))] \(Self.escaped(event.message.description))\n"
        return text
    }

    /// Log text on one line, every escape unambiguous.
    static func escaped(_ text: String) -> String { text.escapingControls(backslashes: true) }
}
