import Foundation
import SentinelCore

/// A `webhook` or `alertmanager` receiver's settings, read from its policy entry and checked once, at load time.
///
/// | key | receivers | meaning (default) |
/// |---|---|---|
/// | `url` | both | webhook: where to POST; alertmanager: the base URL (`http://127.0.0.1:9093`); credentials in it (`http://user:password@…`) are sent as `Authorization: Basic`, as Go's client (Alertmanager's) sends them |
/// | `timeout` | both | connecting and the response head, per attempt (`10s`) |
/// | `max_attempts` | both | attempts before a notification is abandoned; `0` retries forever (`10`) |
/// | `max_retries` | both | the same as `max_attempts` of one more (the key older policies use) |
/// | `backoff`, `max_backoff` | both | first retry delay, doubling up to the second (`1s`, `5m`) |
/// | `bearer_token_env` | both | environment variable holding a token sent as `Authorization: Bearer` |
/// | `resolve_after` | alertmanager | a firing alert's `endsAt` is three times this after sending (`5m`) |
///
/// ```swift
/// let settings = try ReceiverSettings(
///     receiver: "safety-webhook", type: "webhook", settings: ["url": "http://127.0.0.1:9000/hook", "timeout": "5s"])
/// ```
public struct ReceiverSettings: Sendable, Hashable {
    /// The receiver types delivered over HTTP.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case webhook, alertmanager
    }

    /// The receiver's name in the policy.
    public var receiver: String
    /// Which sender delivers to it.
    public var kind: Kind
    /// An `http` or `https` URL with a host, without the credentials the policy's had (they are in `authorization`,
    /// and the URL may be logged).
    public var url: String
    /// Time limit for connecting and receiving the response head of one attempt.
    public var timeout: Duration
    /// From `max_attempts` (or `max_retries`), `backoff` and `max_backoff`.
    public var retry: RetryPolicy
    /// The `Authorization` header's value: `Bearer <token>` with the token read from `bearer_token_env`, or `Basic
    /// <base64 of user:password>` from credentials in the URL.
    public var authorization: String?
    /// Alertmanager resolves a firing alert by itself `3 × resolveAfter` after Sentinel last sent it.
    public var resolveAfter: Duration

    /// Reads the settings as the policy wrote them (scalars as text; keys the policy reader already checked);
    /// throws the first problem `check` finds.
    /// - Parameter environment: where `bearer_token_env` is looked up; the process's environment by default.
    public init(
        receiver: String, type: String, settings: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ReceiverSettingsError) {
        let (read, problems) = Self.check(receiver: receiver, type: type, settings: settings, environment: environment)
        guard let read else { throw problems[0] }
        self = read
    }

    /// The settings, or nil and every problem with them (each key on its own, so one bad value hides no other).
    public static func check(
        receiver: String, type: String, settings: [String: String], environment: [String: String]
    ) -> (settings: ReceiverSettings?, problems: [ReceiverSettingsError]) {
        var problems: [ReceiverSettingsError] = []
        func invalid(_ key: String?, _ message: String) {
            problems.append(ReceiverSettingsError(receiver: receiver, key: key, message: message))
        }
        func duration(_ key: String, default fallback: Duration) -> Duration {
            guard let text = settings[key] else { return fallback }
            switch DurationLiteral.checked(text, "") {
            case .success(let ms): return .milliseconds(ms)
            case .failure(let error):
                invalid(key, error.message)
                return fallback
            }
        }
        func count(_ key: String) -> Int? {
            guard let text = settings[key] else { return nil }
            guard let n = Int(text), n >= 0 else {
                invalid(key, "'\(text)' is not a whole number of 0 or more")
                return nil
            }
            return n
        }

        guard let kind = Kind(rawValue: type) else {
            let kinds = Kind.allCases.map(\.rawValue).joined(separator: " and ")
            invalid(nil, "type '\(type)' is not delivered over HTTP (only \(kinds) are)")
            return (nil, problems)
        }
        var url = settings["url"] ?? ""
        var basicAuthorization: String?
        if settings["url"] == nil {
            invalid("url", "missing: \(type.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(type) receiver needs a URL")
        } else if let parsed = HTTPURL(url) {
            if parsed.url.user != nil || parsed.url.password != nil {
                if let (withoutCredentials, credentials) = Self.splitCredentials(parsed.url) {
                    url = withoutCredentials
                    basicAuthorization = "Basic " + Data(credentials.utf8).base64EncodedString()
                } else {
                    invalid("url", "'\(Self.redacted(url))': its credentials could not be taken out of it")
                }
            }
        } else {
            invalid("url", "'\(Self.redacted(url))' is not \(HTTPURL.requirement)")
        }

        var maxAttempts = count("max_attempts")
        if let retries = count("max_retries") {
            if maxAttempts != nil {
                invalid("max_retries", "give either 'max_attempts' or 'max_retries', not both")
            } else {
                maxAttempts = retries + 1
            }
        }
        let backoff = duration("backoff", default: .seconds(1))
        let maxBackoff = duration("max_backoff", default: .seconds(300))
        if maxBackoff < backoff {
            invalid(
                "max_backoff",
                "must be at least 'backoff' (\(DurationLiteral.format(milliseconds: Int64(backoff.milliseconds))))")
        }

        var authorization = basicAuthorization
        if let variable = settings["bearer_token_env"] {
            if basicAuthorization != nil {
                invalid("bearer_token_env", "the URL has credentials ('user:password@') too: give one way to authenticate")
            } else if let token = environment[variable], !token.isEmpty {
                authorization = "Bearer \(token)"
            } else {
                invalid("bearer_token_env", "the environment variable '\(variable)' is not set or empty")
            }
        }
        let timeout = duration("timeout", default: .seconds(10))
        let resolveAfter = duration("resolve_after", default: .seconds(300))
        guard problems.isEmpty else { return (nil, problems) }
        let read = ReceiverSettings(
            receiver: receiver, kind: kind, url: url, timeout: timeout,
            retry: RetryPolicy(maxAttempts: maxAttempts ?? 10, initialBackoff: backoff, maxBackoff: maxBackoff),
            authorization: authorization, resolveAfter: resolveAfter)
        return (read, [])
    }

    /// `url` without its user and password, and `user:password` (percent-decoded).
    private static func splitCredentials(_ url: URL) -> (url: String, credentials: String)? {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        let credentials = (components.user ?? "") + ":" + (components.password ?? "")
        components.user = nil
        components.password = nil
        guard let stripped = components.string else { return nil }
        return (stripped, credentials)
    }

    /// `text` with what stands before an `@` in its authority shown as `***`: a message must not repeat a password.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authorityEnd = text[scheme.upperBound...].firstIndex { "/?#".contains($0) } ?? text.endIndex
        guard let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(text[at...])
    }

    private init(
        receiver: String, kind: Kind, url: String, timeout: Duration, retry: RetryPolicy, authorization: String?,
        resolveAfter: Duration
    ) {
        self.receiver = receiver
        self.kind = kind
        self.url = url
        self.timeout = timeout
        self.retry = retry
        self.authorization = authorization
        self.resolveAfter = resolveAfter
    }
}
