import Dispatch

/// Validated event lines on their way to the evaluation loop: one buffer, the byte range of each line, when the
/// batch was accepted (for the acceptance-to-evaluation latency), and what the overview's charts need.
public struct EventBatch: Sendable {
    /// Where the events came from, for Sentinel's own metrics.
    public enum Source: String, Sendable, CaseIterable {
        case http, scrape, simulator, replay
    }

    public var bytes: [UInt8]
    public var lines: [Range<Int>]
    public var source: Source
    /// `DispatchTime.now().uptimeNanoseconds` at acceptance.
    public var acceptedAt: UInt64
    /// The earliest and the latest `ts` among the events (epoch ms); `.max` and `.min` when empty (see `include`).
    public internal(set) var minTimestamp = Int64.max
    public internal(set) var maxTimestamp = Int64.min
    /// The completions among the events, as the overview's charts count them.
    public var answers: [AnswerObservation] = []

    public init(bytes: [UInt8], lines: [Range<Int>], source: Source, acceptedAt: UInt64 = DispatchTime.now().uptimeNanoseconds) {
        self.bytes = bytes
        self.lines = lines
        self.source = source
        self.acceptedAt = acceptedAt
    }

    public var count: Int { lines.count }

    /// Takes an event's `ts` into `minTimestamp` and `maxTimestamp`.
    public mutating func include(timestamp: Int64) {
        minTimestamp = min(minTimestamp, timestamp)
        maxTimestamp = max(maxTimestamp, timestamp)
    }
}
