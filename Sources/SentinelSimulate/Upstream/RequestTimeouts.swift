/// How long a request may take, each limit measured from when it was sent.
public struct RequestTimeouts: Sendable, Equatable {
    /// Until the response head arrives.
    public var connect: Duration
    /// Until the first token of a stream (content, reasoning or a tool call); nil for no separate limit.
    public var firstToken: Duration?
    /// Until the response is complete.
    public var total: Duration

    /// Limits with defaults of 10 s to the head, 30 s to the first token, 2 minutes in all.
    public init(connect: Duration = .seconds(10), firstToken: Duration? = .seconds(30), total: Duration = .seconds(120))
    {
        self.connect = connect
        self.firstToken = firstToken
        self.total = total
    }
}
