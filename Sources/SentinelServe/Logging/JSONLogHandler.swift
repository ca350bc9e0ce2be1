import Foundation
import Logging
import SentinelCore
import SentinelEvaluate

/// A swift-log handler writing one JSON object per line to standard error:
/// `{"ts":"…","level":"notice","logger":"sentinel","message":"…", <metadata>…}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONText()
        json.add("ts", Timestamp.format(Int64(Date().timeIntervalSince1970 * 1000)))
        json.add("level", event.level.rawValue)
        json.add("logger", label)
        json.add("message", event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { json.add(key, value.description) }
        FileHandle.standardError.write(Data((json.result + "\n").utf8))
    }
}
