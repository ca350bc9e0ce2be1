import AsyncHTTPClient
import Foundation
import SentinelAct
import SentinelNotify
import SentinelTestSupport
import Testing

/// One attempt each, against a receiver on loopback.
@Suite(.timeLimit(.minutes(1))) struct WebhookSenderTests {
    static func sender(port: Int, timeout: String = "5s", token: String? = nil) throws -> WebhookSender {
        var settings = ["url": "http://127.0.0.1:\(port)/hook", "timeout": timeout]
        if token != nil { settings["bearer_token_env"] = "HOOK_TOKEN" }
        return WebhookSender(
            settings: try ReceiverSettings(
                receiver: "safety-webhook", type: "webhook", settings: settings,
                environment: token.map { ["HOOK_TOKEN": $0] } ?? [:]))
    }

    @Test func postsThePayloadWithItsIdempotencyKey() async throws {
        let receiver = ReceiverDouble()
        try await receiver.serve { port in
            try await Self.sender(port: port, token: "s3cret").send(NotificationFixture.firing())
            let request = try #require(receiver.received.first)
            #expect(request.headers["idempotency-key"] == "n-7f3a9c")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["authorization"] == "Bearer s3cret")
            let payload = try JSONDecoder().decode(WebhookPayload.self, from: Data(request.body))
            #expect(payload == WebhookPayload(NotificationFixture.firing()))
        }
    }

    @Test func anyTwoHundredIsADeliveryWhateverTheBody() async throws {
        let html = "<html><body>Thanks! <b>not JSON</b></body></html>"
        let receiver = ReceiverDouble([.status(200, body: html), .status(202, body: "\u{0}\u{1}garbage"), .status(204)])
        try await receiver.serve { port in
            let sender = try Self.sender(port: port)
            for _ in 0..<3 { try await sender.send(NotificationFixture.firing()) }
            #expect(receiver.received.count == 3)
            #expect(receiver.received.first?.headers["authorization"] == nil)
        }
    }

    @Test func errorStatusKeepsTheFirst200BytesOfTheBody() async throws {
        let body = "upstream exploded: " + String(repeating: "x", count: 500)
        let receiver = ReceiverDouble([.status(503, body: body)])
        try await receiver.serve { port in
            let failure = await #expect(throws: DeliveryFailure.self) {
                try await Self.sender(port: port).send(NotificationFixture.firing())
            }
            #expect(failure == .httpStatus(503, body: String(body.prefix(200))))
            #expect(failure?.reason == .httpStatus)
            #expect(failure?.isPermanent == false)
        }
    }

    @Test(arguments: [(400, true), (401, true), (404, true), (408, false), (429, false), (500, false), (302, false)])
    func only4xxOtherThan408And429IsPermanent(status: Int, permanent: Bool) async throws {
        let receiver = ReceiverDouble([.status(status)])
        try await receiver.serve { port in
            let failure = await #expect(throws: DeliveryFailure.self) {
                try await Self.sender(port: port).send(NotificationFixture.firing())
            }
            #expect(failure == .httpStatus(status, body: ""))
            #expect(failure?.isPermanent == permanent)
            #expect(failure?.reason == (permanent ? .permanent : .httpStatus))
        }
    }

    /// A redirect is a failure that names where it points, not followed: a 301, 302 or 303 was followed with a GET
    /// without the body, whose 200 counted as a delivery (an http:// URL moved to https:// lost every notification).
    @Test(arguments: [301, 302, 303, 307, 308])
    func aRedirectIsAFailureNotFollowed(status: Int) async throws {
        let receiver = ReceiverDouble([.redirect(status)])
        try await receiver.serve { port in
            let failure = await #expect(throws: DeliveryFailure.self) {
                try await Self.sender(port: port).send(NotificationFixture.firing())
            }
            #expect(failure == .httpStatus(status, body: "redirects to /landing; set the receiver's url to where it points"))
            #expect(failure?.isPermanent == false)
            #expect(receiver.landed == 0)
        }
    }

    /// A 429 or 503 with `Retry-After` (seconds or an HTTP date) says how long to wait; elsewhere it is ignored.
    @Test func retryAfterOfA429Or503IsKept() async throws {
        let receiver = ReceiverDouble([
            .retryAfter(429, "2"), .retryAfter(503, "Sun, 06 Nov 1994 08:49:37 GMT"), .retryAfter(500, "7"),
            .retryAfter(429, "soon"),
        ])
        try await receiver.serve { port in
            var failures: [DeliveryFailure?] = []
            for _ in 0..<4 {
                failures.append(await #expect(throws: DeliveryFailure.self) { try await Self.sender(port: port).send(NotificationFixture.firing()) })
            }
            #expect(failures[0] == .throttled(429, body: "", retryAfter: .seconds(2)))
            #expect(failures[0]?.description == "HTTP status 429, retry after 2s" && failures[0]?.reason == .httpStatus)
            #expect(failures[1] == .throttled(503, body: "", retryAfter: .zero), "a date in the past")
            #expect(failures[2] == .httpStatus(500, body: "") && failures[3] == .httpStatus(429, body: ""))
        }
    }

    @Test func slowReceiverTimesOut() async throws {
        let receiver = ReceiverDouble([.delay(.seconds(3))])
        try await receiver.serve { port in
            let failure = await #expect(throws: DeliveryFailure.self) {
                try await Self.sender(port: port, timeout: "500ms").send(NotificationFixture.firing())
            }
            #expect(failure == .timeout(.milliseconds(500)))
            #expect(failure?.description == "no response within 500ms")
        }
    }

    @Test func refusedConnectionIsAConnectionFailure() async throws {
        let failure = await #expect(throws: DeliveryFailure.self) {
            try await Self.sender(port: FreePort.find(), timeout: "300ms").send(NotificationFixture.firing())
        }
        #expect(failure?.reason == .connection)
        #expect(failure?.description.hasPrefix("connection failed: Connection refused (errno ") == true)
    }

    @Test func alertmanagerSenderPostsToTheAlertsEndpoint() throws {
        for (base, alerts) in [
            ("http://127.0.0.1:9093", "http://127.0.0.1:9093/api/v2/alerts"),
            ("http://127.0.0.1:9093/", "http://127.0.0.1:9093/api/v2/alerts"),
            // Behind a proxy: its path prefix and query are kept (the path went after the query).
            ("http://proxy.example/am/?tenant=a%20b", "http://proxy.example/am/api/v2/alerts?tenant=a%20b"),
            ("http://u:p@proxy.example/am?tenant=a", "http://proxy.example/am/api/v2/alerts?tenant=a"),
        ] {
            let settings = try ReceiverSettings(receiver: "am", type: "alertmanager", settings: ["url": base])
            #expect(AlertmanagerSender(settings: settings).alertsURL == alerts)
        }
    }

    @Test func credentialsInTheURLGoAsBasicAuthentication() async throws {
        let receiver = ReceiverDouble()
        try await receiver.serve { port in
            let settings = try ReceiverSettings(
                receiver: "hook", type: "webhook", settings: ["url": "http://admin:s3cret@127.0.0.1:\(port)/hook"],
                environment: [:])
            try await WebhookSender(settings: settings).send(NotificationFixture.firing())
            let request = try #require(receiver.received.first)
            #expect(request.headers["authorization"] == "Basic YWRtaW46czNjcmV0")
        }
    }
}
