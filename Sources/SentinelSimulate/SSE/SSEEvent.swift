/// One Server-Sent Event, dispatched at the blank line that ends it.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field; `message` when the event named none.
    public var type: String
    /// The `data:` lines joined with `\n`.
    public var data: String
    /// The last `id:` seen in the stream so far (it carries over to later events, as the SSE spec says).
    public var lastEventID: String?
    /// The `retry:` field of this event, in milliseconds.
    public var retry: Int?
    /// 1-based line of the stream on which the event's first field stands.
    public var line: Int
    /// 0-based byte offset in the stream of that line.
    public var byteOffset: Int

    /// An event with the given fields.
    public init(
        type: String = "message", data: String, lastEventID: String? = nil, retry: Int? = nil, line: Int,
        byteOffset: Int
    ) {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
        self.retry = retry
        self.line = line
        self.byteOffset = byteOffset
    }

    /// Whether this is the OpenAI stream terminator `data: [DONE]`.
    public var isDone: Bool { data == "[DONE]" }
}
