import SentinelAct

/// Delivers notifications to one receiver. One attempt per call: retrying is the outbox worker's job.
///
/// Implementations are `WebhookSender` and `AlertmanagerSender`; tests supply their own.
public protocol NotificationSender: Sendable {
    /// Sends `notification` once; returns when the receiver accepted it.
    func send(_ notification: AlertNotification) async throws(DeliveryFailure)
}
