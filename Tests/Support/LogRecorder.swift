import Logging
import Synchronization

/// Keeps every line its `logger` logs at `info` and above, as `level message key=value …`.
public final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// The lines so far.
    public var recorded: [String] { lines.withLock { $0 } }

    public var logger: Logger {
        Logger(label: "test") { _ in Handler(recorder: self) }
    }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel = Logger.Level.info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            recorder.lines.withLock {
                $0.append(([event.level.rawValue, event.message.description] + fields).joined(separator: " "))
            }
        }
    }
}
