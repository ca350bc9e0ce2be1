/// Incremental Server-Sent-Events framing (WHATWG HTML §9.2.6): feed it the body as it arrives, in chunks cut
/// anywhere, and it hands back each event once its terminating blank line has arrived.
///
/// Lines end at `\n`, `\r\n` or `\r` (also when the `\r` and the `\n` arrive in different chunks); lines starting
/// with `:` are comments; `data:` lines accumulate, joined with `\n`; one space after the colon is dropped; a
/// byte-order mark at the start of the stream is skipped. A blank line with no `data:` before it dispatches nothing.
/// Line numbers and byte offsets are kept so that a caller can say where a bad event stood. An event (or a line) that
/// grows past `maximumEventBytes` stops the parse with `SSEEventTooLarge`, so a stream cannot fill memory.
///
/// ```swift
/// var parser = SSEParser()
/// for try await buffer in response.body {
///     try buffer.withUnsafeReadableBytes { bytes in
///         try parser.feed(bytes) { event in try handle(event) }
///     }
/// }
/// ```
public struct SSEParser: Sendable {
    /// The default bound on one event's bytes: 1 MiB, far beyond any chat completion chunk.
    public static let defaultMaximumEventBytes = 1 << 20

    /// The most bytes one event's `data:` lines, or one line, may hold.
    public let maximumEventBytes: Int
    private var pending: [UInt8] = []
    private var data: [UInt8] = []
    private var eventType: String?
    private var retry: Int?
    private var lastEventID: String?
    private var eventLine = 0
    private var eventOffset = 0
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one belongs to that line end.
    private var skipLineFeed = false
    /// 1-based number of the line being read.
    public private(set) var lineNumber = 1
    /// Bytes fed so far.
    public private(set) var byteCount = 0
    private var lineStart = 0

    /// A parser at the start of a stream, holding events of at most `maximumEventBytes`.
    public init(maximumEventBytes: Int = Self.defaultMaximumEventBytes) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// Whether bytes of an event that has not been terminated by a blank line are buffered (the stream was cut
    /// inside an event).
    public var hasPartialEvent: Bool { !pending.isEmpty || !data.isEmpty || eventLine != 0 }

    /// Consumes `bytes` and calls `onEvent` for every event they complete, in order; throws what `onEvent` throws,
    /// or `SSEEventTooLarge`.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ onEvent: (SSEEvent) throws -> Void) throws {
        let n = bytes.count
        let base = byteCount
        byteCount += n
        var i = 0
        if skipLineFeed, n > 0 {
            skipLineFeed = false
            if bytes[0] == 0x0A {
                i = 1
                lineStart = base + 1
            }
        }
        while i < n {
            var j = i
            while j < n, bytes[j] != 0x0A, bytes[j] != 0x0D { j += 1 }
            if j == n {
                try checkSize(pending.count + n - i)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<n]))
                return
            }
            let event: SSEEvent?
            if pending.isEmpty {
                event = try line(UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
            } else {
                try checkSize(pending.count + j - i)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<j]))
                event = try pending.withUnsafeBytes { try line($0) }
                pending.removeAll(keepingCapacity: true)
            }
            if bytes[j] == 0x0D {
                if j + 1 < n {
                    if bytes[j + 1] == 0x0A { j += 1 }
                } else {
                    skipLineFeed = true
                }
            }
            i = j + 1
            lineNumber += 1
            lineStart = base + i
            if let event { try onEvent(event) }
        }
    }

    /// Consumes `bytes` (a convenience for tests and small inputs).
    public mutating func feed(_ bytes: [UInt8], _ onEvent: (SSEEvent) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, onEvent) }
    }

    /// Throws when an event or line of `size` bytes, starting on the event's (or else this) line, is over the limit.
    private func checkSize(_ size: Int) throws(SSEEventTooLarge) {
        guard size > maximumEventBytes else { return }
        throw SSEEventTooLarge(
            limit: maximumEventBytes, line: eventLine == 0 ? lineNumber : eventLine,
            byteOffset: eventLine == 0 ? lineStart : eventOffset)
    }

    /// Handles one complete line; returns the event a blank line dispatches.
    private mutating func line(_ raw: UnsafeRawBufferPointer) throws(SSEEventTooLarge) -> SSEEvent? {
        var bytes = raw
        if lineNumber == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
        }
        if bytes.isEmpty { return dispatch() }
        if bytes[0] == 0x3A { return nil }
        if eventLine == 0 {
            eventLine = lineNumber
            eventOffset = lineStart
        }
        let colon = bytes.firstIndex(of: 0x3A) ?? bytes.count
        let name = UnsafeRawBufferPointer(rebasing: bytes[0..<colon])
        var valueStart = min(colon + 1, bytes.count)
        if valueStart < bytes.count, bytes[valueStart] == 0x20 { valueStart += 1 }
        let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart...])
        switch String(decoding: name, as: UTF8.self) {
        case "data":
            try checkSize(data.count + value.count + 1)
            data.append(contentsOf: value)
            data.append(0x0A)
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                retry = Int(String(decoding: value, as: UTF8.self))
            }
        default:
            break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            eventType = nil
            retry = nil
            eventLine = 0
        }
        guard !data.isEmpty else { return nil }
        return SSEEvent(
            type: eventType.flatMap { $0.isEmpty ? nil : $0 } ?? "message",
            data: String(decoding: data.dropLast(), as: UTF8.self), lastEventID: lastEventID, retry: retry,
            line: eventLine, byteOffset: eventOffset)
    }
}
