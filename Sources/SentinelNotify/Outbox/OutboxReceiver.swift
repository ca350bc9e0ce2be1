import AsyncHTTPClient

/// One receiver the outbox worker delivers to: how to send, and how to retry.
public struct OutboxReceiver: Sendable {
    /// The receiver's name in the policy: outbox entries are matched to it by `OutboxEntry.receiver`.
    public var name: String
    /// Makes one attempt per call.
    public var sender: any NotificationSender
    /// When to try again after a failed attempt, and when to give up.
    public var retry: RetryPolicy

    /// A receiver with its own sender (tests, or a sender of a kind `ReceiverSettings` does not know).
    public init(name: String, sender: any NotificationSender, retry: RetryPolicy = RetryPolicy()) {
        self.name = name
        self.sender = sender
        self.retry = retry
    }

    /// A `WebhookSender` or an `AlertmanagerSender`, by the settings' kind, on `client`.
    public init(settings: ReceiverSettings, client: HTTPClient = .shared) {
        let sender: any NotificationSender =
            switch settings.kind {
            case .webhook: WebhookSender(settings: settings, client: client)
            case .alertmanager: AlertmanagerSender(settings: settings, client: client)
            }
        self.init(name: settings.receiver, sender: sender, retry: settings.retry)
    }
}
