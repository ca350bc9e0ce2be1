import AsyncHTTPClient
import SentinelAct

/// POSTs each notification as a `WebhookPayload` to a `webhook` receiver's URL, with the headers
/// `Idempotency-Key: <notification id>` (the same on every retry, so the receiver can drop repeats),
/// `Content-Type: application/json` and, with `bearer_token_env`, `Authorization: Bearer <token>`.
///
/// Any 2xx answer is a delivery, whatever its body; see `DeliveryFailure` for what is retried.
public struct WebhookSender: NotificationSender {
    /// The receiver's URL, timeout and token.
    public let settings: ReceiverSettings
    let client: HTTPClient

    /// - Parameter client: shared by every sender; `HTTPClient.delivery` (redirects not followed) by default.
    public init(settings: ReceiverSettings, client: HTTPClient = .delivery) {
        self.settings = settings
        self.client = client
    }

    /// One POST; throws why it failed.
    public func send(_ notification: AlertNotification) async throws(DeliveryFailure) {
        try await client.postJSON(
            WebhookPayload(notification).encoded(), to: settings.url,
            headers: [("Idempotency-Key", notification.id)] + settings.authorizationHeader, timeout: settings.timeout)
    }
}
