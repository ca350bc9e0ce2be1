import Foundation
import AsyncHTTPClient
import SentinelAct
import SentinelCore

/// Posts each notification's alerts to an Alertmanager: `POST <url>/api/v2/alerts` with an `AlertmanagerPayload`.
///
/// Alertmanager groups, dedupes, silences and routes them itself; Sentinel's own grouping only decides when they are
/// (re-)sent. Any 2xx answer is a delivery; see `DeliveryFailure` for what is retried.
public struct AlertmanagerSender: NotificationSender {
    /// The receiver's URL, timeout and token.
    public let settings: ReceiverSettings
    let client: HTTPClient
    let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - client: shared by every sender; `HTTPClient.delivery` (redirects not followed) by default.
    ///   - now: the wall clock (epoch ms) that firing alerts' `endsAt` counts from.
    public init(
        settings: ReceiverSettings, client: HTTPClient = .delivery, now: @escaping @Sendable () -> Int64 = WallClock.now
    ) {
        self.settings = settings
        self.client = client
        self.now = now
    }

    /// `<url>/api/v2/alerts`, whether or not the base URL's path ends in `/`, its query kept (a proxy's
    /// `?tenant=a`).
    public var alertsURL: String {
        guard var components = URLComponents(string: settings.url) else { return settings.url + "/api/v2/alerts" }
        let path = components.percentEncodedPath
        components.percentEncodedPath = (path.hasSuffix("/") ? String(path.dropLast()) : path) + "/api/v2/alerts"
        return components.string ?? settings.url + "/api/v2/alerts"
    }

    /// One POST; throws why it failed.
    public func send(_ notification: AlertNotification) async throws(DeliveryFailure) {
        let payload = AlertmanagerPayload(notification, now: now(), resolveAfter: settings.resolveAfter)
        try await client.postJSON(
            payload.encoded(), to: alertsURL, headers: settings.authorizationHeader, timeout: settings.timeout)
    }
}
