import SentinelAct

/// One notification waiting for (or done with) delivery to its receiver: the durable queue the sender drains.
public struct OutboxEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var notification: AlertNotification
    /// The receiver's name (the same as `notification.receiver`).
    public var receiver: String
    /// When it was queued (wall clock, epoch ms).
    public var createdAt: Int64
    /// Failed delivery attempts so far.
    public var attempts: Int
    /// Not to be tried before this time (wall clock, epoch ms).
    public var nextAttemptAt: Int64
    public var deliveredAt: Int64?
    public var lastError: String?
    /// Given up on: never tried again.
    public var abandoned: Bool

    public init(
        id: Int64, notification: AlertNotification, receiver: String, createdAt: Int64, attempts: Int,
        nextAttemptAt: Int64,
        deliveredAt: Int64?, lastError: String?, abandoned: Bool
    ) {
        self.id = id
        self.notification = notification
        self.receiver = receiver
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.lastError = lastError
        self.abandoned = abandoned
    }
}
