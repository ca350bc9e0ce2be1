import Foundation
@testable import SentinelNotify
import Testing

@Suite struct ReceiverSettingsTests {
    @Test func webhookDefaults() throws {
        let settings = try ReceiverSettings(
            receiver: "hook", type: "webhook", settings: ["url": "http://127.0.0.1:9000/hook"], environment: [:])
        #expect(settings.kind == .webhook)
        #expect(settings.url == "http://127.0.0.1:9000/hook")
        #expect(settings.timeout == .seconds(10))
        #expect(settings.retry == RetryPolicy(maxAttempts: 10, initialBackoff: .seconds(1), maxBackoff: .seconds(300)))
        #expect(settings.authorization == nil)
    }

    @Test func readsEveryKey() throws {
        let settings = try ReceiverSettings(
            receiver: "am", type: "alertmanager",
            settings: [
                "url": "https://am.example:9093", "timeout": "2s500ms", "max_attempts": "0", "backoff": "250ms",
                "max_backoff": "1m", "bearer_token_env": "AM_TOKEN", "resolve_after": "2m",
            ], environment: ["AM_TOKEN": "s3cret"])
        #expect(settings.kind == .alertmanager)
        #expect(settings.timeout == .milliseconds(2500))
        #expect(
            settings.retry == RetryPolicy(maxAttempts: 0, initialBackoff: .milliseconds(250), maxBackoff: .seconds(60)))
        #expect(settings.authorization == "Bearer s3cret")
        #expect(settings.resolveAfter == .seconds(120))
    }

    /// Credentials in the URL are sent as Basic authentication, as Go's HTTP client (Alertmanager's) sends them,
    /// and kept out of the URL, which may be logged. They were dropped: a receiver behind basic auth answered 401.
    @Test func credentialsInTheURLAreSentAsBasicAuthentication() throws {
        let settings = try ReceiverSettings(
            receiver: "hook", type: "webhook", settings: ["url": "https://admin:s3%3Acret@hooks.example:8443/in?x=1"],
            environment: [:])
        #expect(settings.url == "https://hooks.example:8443/in?x=1")
        #expect(settings.authorization == "Basic " + Data("admin:s3:cret".utf8).base64EncodedString())
        #expect(throws: ReceiverSettingsError.self) {
            try ReceiverSettings(
                receiver: "hook", type: "webhook", settings: ["url": "http://a:b@h/x", "bearer_token_env": "T"],
                environment: ["T": "t"])
        }
        // A URL refused for another reason is quoted without its password.
        let refused = #expect(throws: ReceiverSettingsError.self) {
            try ReceiverSettings(receiver: "hook", type: "webhook", settings: ["url": "ftp://admin:s3cret@h/x"], environment: [:])
        }
        #expect(refused.map { "\($0)" }?.contains("s3cret") == false)
        #expect(ReceiverSettings.redacted("http://u:p@h:80/a@b?c@d") == "http://***@h:80/a@b?c@d")
        #expect(ReceiverSettings.redacted("http://h/a@b") == "http://h/a@b")
    }

    @Test func maxRetriesCountsTheAttemptsAfterTheFirst() throws {
        let settings = try ReceiverSettings(
            receiver: "hook", type: "webhook", settings: ["url": "http://h/x", "max_retries": "3"], environment: [:])
        #expect(settings.retry.maxAttempts == 4)
    }

    @Test(arguments: [
        (["url": "ftp://h/x"], "receiver 'hook': 'url': 'ftp://h/x' is not an http or https URL with a host (and a port from 1 to 65535)"),
        (["url": "http:///x"], "receiver 'hook': 'url': 'http:///x' is not an http or https URL with a host (and a port from 1 to 65535)"),
        (["url": "http://h:99999/"], "receiver 'hook': 'url': 'http://h:99999/' is not an http or https URL with a host (and a port from 1 to 65535)"),
        (["url": "http://h:0/"], "receiver 'hook': 'url': 'http://h:0/' is not an http or https URL with a host (and a port from 1 to 65535)"),
        ([:], "receiver 'hook': 'url': missing: a webhook receiver needs a URL"),
        (
            ["url": "http://h/x", "timeout": "10 s"],
            "receiver 'hook': 'timeout': '10 s' is not a duration: use a whole number with a unit ms, s, m, h, d or w, largest first (e.g. 500ms, 5m, 1h30m)"
        ),
        (
            ["url": "http://h/x", "backoff": "0s"],
            "receiver 'hook': 'backoff': '0s' must be longer than 0s"
        ),
        (
            ["url": "http://h/x", "max_attempts": "-1"],
            "receiver 'hook': 'max_attempts': '-1' is not a whole number of 0 or more"
        ),
        (
            ["url": "http://h/x", "max_attempts": "3", "max_retries": "2"],
            "receiver 'hook': 'max_retries': give either 'max_attempts' or 'max_retries', not both"
        ),
        (
            ["url": "http://h/x", "backoff": "10s", "max_backoff": "5s"],
            "receiver 'hook': 'max_backoff': must be at least 'backoff' (10s)"
        ),
        (
            ["url": "http://h/x", "bearer_token_env": "HOOK_TOKEN"],
            "receiver 'hook': 'bearer_token_env': the environment variable 'HOOK_TOKEN' is not set or empty"
        ),
    ])
    func rejectsBadSettingsNamingReceiverAndKey(settings: [String: String], message: String) {
        let error = #expect(throws: ReceiverSettingsError.self) {
            try ReceiverSettings(receiver: "hook", type: "webhook", settings: settings, environment: [:])
        }
        #expect(error?.description == message)
    }

    /// Every key is checked on its own: a bad URL hid a zero timeout until the URL was fixed.
    @Test func everyBadSettingIsReported() {
        let (settings, problems) = ReceiverSettings.check(
            receiver: "hook", type: "webhook", settings: ["url": "ftp://x", "timeout": "0s", "max_attempts": "-1"],
            environment: [:])
        #expect(settings == nil)
        #expect(problems.map(\.key) == ["url", "max_attempts", "timeout"])
    }

    @Test func rejectsReceiverTypesNotDeliveredOverHTTP() {
        #expect(
            throws: ReceiverSettingsError(
                receiver: "log", key: nil,
                message: "type 'log' is not delivered over HTTP (only webhook and alertmanager are)")
        ) {
            try ReceiverSettings(receiver: "log", type: "log", settings: [:], environment: [:])
        }
    }
}
