import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SentinelCompile
import SentinelCore
@testable import SentinelServe
import SentinelStore
import Synchronization
import Testing

@Suite struct ServerRoutesTests {
    static let rules = "rules:\n  - {name: Busy, on: completion, group_by: [model], when: \"count(1m) >= 2\"}\n"

    static func ruleFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-rules-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The server on a free loopback port, behind the HTTP server `sentinel run` uses (deadlines, `100 Continue`,
    /// the decoder's refusals).
    static func liveApplication(_ server: SentinelServer) -> some ApplicationProtocol {
        Application(
            router: server.makeRouter(), server: SentinelServer.httpServer(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    static func server(
        queueEvents: Int = 1_000, maxBodyBytes: Int = 16 << 20, writeToken: String? = nil, rulesPath: String,
        configure: (inout ServiceConfiguration) -> Void = { _ in }
    ) throws -> SentinelServer {
        var configuration = ServiceConfiguration()
        configuration.auth.writeToken = writeToken
        configure(&configuration)
        configuration.rules = [rulesPath]
        configuration.limits.queueEvents = queueEvents
        configuration.limits.maxBodyBytes = maxBodyBytes
        let graph = try #require(Configuration.load(rules: [rulesPath], policies: []).graph)
        let store = try SQLiteFindingsStore(path: NSTemporaryDirectory() + "sentinel-routes-\(UUID().uuidString).db")
        return try SentinelServer(
            configuration: configuration, graph: graph, store: store,
            reloadSources: { [configuration] in (configuration, []) }, logger: Logger(label: "test"))
    }

    /// A review or silence body over its 64 KiB limit is refused as too large (413), not as malformed, and the
    /// server goes on answering.
    @Test func anOversizedReviewOrSilenceBodyAnswers413() async throws {
        let server = try Self.server(writeToken: "w", rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(router: server.makeRouter())
        let big = ByteBuffer(string: #"{"comment":""# + String(repeating: "x", count: 70_000) + #""}"#)
        try await app.test(.router) { client in
            for uri in ["/api/v1/silences", "/api/v1/findings/1/review"] {
                try await client.execute(uri: uri, method: .post, headers: [.authorization: "Bearer w"], body: big) { response in
                    #expect(response.status == .contentTooLarge, "\(uri)")
                    #expect(String(buffer: response.body).contains("the body is over the limit of 65536 bytes"))
                }
            }
            try await client.execute(uri: "/api/v1/silences", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    /// Reads take the read, write or admin token, the scheme in any case (`bearer r`); the write and admin tokens
    /// were refused on reads their holders need to review.
    @Test func readsTakeAnyReadingTokenAndTheSchemeInAnyCase() async throws {
        let server = try Self.server(writeToken: "w", rulesPath: try Self.ruleFile(Self.rules)) {
            $0.auth.readToken = "r"
            $0.auth.adminToken = "a"
            $0.auth.ingestToken = "i"
        }
        try await Application(router: server.makeRouter()).test(.router) { client in
            for (authorization, status) in [
                ("Bearer r", HTTPResponse.Status.ok), ("Bearer w", .ok), ("Bearer a", .ok), ("bearer r", .ok),
                ("BEARER  r", .ok), ("Bearer i", .unauthorized), ("Bearerr", .unauthorized), ("Bearer", .unauthorized),
                ("Basic r", .unauthorized), ("", .unauthorized),
            ] {
                let headers: HTTPFields = authorization.isEmpty ? [:] : [.authorization: authorization]
                try await client.execute(uri: "/api/v1/findings", method: .get, headers: headers) { response in
                    #expect(response.status == status, "\(authorization)")
                }
            }
            try await client.execute(
                uri: "/api/v1/events", method: .post, headers: [.authorization: "bearer i"],
                body: ByteBuffer(string: #"{"ts":1,"kind":"x"}"#)
            ) { response in
                #expect(response.status == .accepted)
            }
        }
    }

    /// A review body that is not an object, not JSON, or has a number too large for its field says which.
    @Test(arguments: [
        ("[1, 2]", "the body must be a JSON object"),
        (#"{"reviewer": "ana" "note": "x"}"#, "the body is not valid JSON: invalid value at byte 19"),
        (#"{"reviewer": "ana", "version": 99999999999999999999}"#, "field 'version' must be a whole number, at most 9223372036854775807"),
        (#"{"reviewer": "ana", "version": 1.5}"#, "field 'version' must be a whole number, at most 9223372036854775807"),
        ("null", "the body must be a JSON object"),
        (#"{"reviewer": "ana", "input": "Safe"}"#, #"field 'input' must be \"safe\", \"unsafe\" or null"#),
    ])
    func aReviewBodyThatCannotBeReadSaysWhy(body: String, message: String) async throws {
        let server = try Self.server(writeToken: "w", rulesPath: try Self.ruleFile(Self.rules))
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/findings/1/review", method: .post, headers: [.authorization: "Bearer w"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(message), "\(String(buffer: response.body))")
            }
        }
    }

    /// Every body is refused unread when compressed (415), not only events: gzip bytes were read as a review's JSON.
    @Test func aCompressedReviewOrSilenceBodyIs415() async throws {
        let server = try Self.server(writeToken: "w", rulesPath: try Self.ruleFile(Self.rules))
        try await Application(router: server.makeRouter()).test(.router) { client in
            for uri in ["/api/v1/silences", "/api/v1/findings/1/review", "/api/v1/events"] {
                try await client.execute(
                    uri: uri, method: .post, headers: [.authorization: "Bearer w", .contentEncoding: "gzip"],
                    body: ByteBuffer(string: "{}")
                ) { response in
                    #expect(response.status == .unsupportedMediaType, "\(uri)")
                    #expect(String(buffer: response.body).contains("Content-Encoding 'gzip' is not supported"), "\(uri)")
                }
            }
        }
    }

    @Test func aFullQueueAnswers429WithRetryAfterAndAcceptsNothing() async throws {
        let server = try Self.server(queueEvents: 2, rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(router: server.makeRouter())
        let two = "{\"ts\":1,\"kind\":\"completion\",\"model\":\"a\"}\n{\"ts\":2,\"kind\":\"completion\",\"model\":\"a\"}"
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: two)) { response in
                #expect(response.status == .accepted)
            }
            // The loop is not running, so nothing drains: the next batch does not fit.
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: two)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains("queue is full"))
            }
        }
        #expect(server.queue.depth.events == 2)
    }

    @Test func aFailedReloadReturnsDiagnosticsAndKeepsTheRunningRules() async throws {
        let path = try Self.ruleFile(Self.rules)
        let server = try Self.server(rulesPath: path)
        server.loop.start()
        defer { server.queue.close() }
        let app = Application(router: server.makeRouter())
        try await app.test(.router) { client in
            try Self.rules.replacingOccurrences(of: "count(1m)", with: "cuont(1m)").write(toFile: path, atomically: true, encoding: .utf8)
            try await client.execute(uri: "/-/reload", method: .post) { response in
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains("unknown function 'cuont'"))
                #expect(body.contains(":2:"))
            }
            try await client.execute(uri: "/api/v1/rules", method: .get) { response in
                #expect(String(buffer: response.body).contains("\"name\":\"Busy\""))
            }
            try (Self.rules + "  - {name: Quiet, on: completion, when: \"count(1m) < 1\"}\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            try await client.execute(uri: "/-/reload", method: .post) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"added\":[\"Quiet\"]"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("sentinel_reloads_total{result=\"success\"} 1"))
                #expect(text.contains("sentinel_reloads_total{result=\"failure\"} 1"))
            }
        }
    }

    @Test func eventsWithFieldsOfTheWrongTypeForTheRulesAreRefusedWithLineOffsetAndField() async throws {
        let rules = "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\"}\n"
        let server = try Self.server(rulesPath: try Self.ruleFile(rules))
        let good = #"{"ts":1,"kind":"completion","latency_ms":1500}"#
        let bad = #"{"ts":2,"kind":"completion","latency_ms":"1500"}"#
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/api/v1/events", method: .post, body: ByteBuffer(string: good + "\n" + bad)) { response in
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains(#""line":2"#), "\(body)")
                // The offset in the body of the mistyped value, `"1500"}` being the line's last seven bytes.
                #expect(body.contains(#""offset":\#(good.utf8.count + 1 + bad.utf8.count - 7)"#), "\(body)")
                #expect(body.contains(#""field":"latency_ms""#), "\(body)")
            }
        }
        #expect(server.queue.depth.events == 0)
    }

    /// A gzip body was read as JSON and refused as "expected a JSON object" at byte 0.
    @Test func aCompressedBodyIs415NamingTheEncoding() async throws {
        let server = try Self.server(rulesPath: try Self.ruleFile(Self.rules))
        let event = ByteBuffer(string: #"{"ts":1,"kind":"completion","model":"m"}"#)
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/events", method: .post, headers: [.contentEncoding: "gzip"], body: ByteBuffer(bytes: [0x1F, 0x8B, 8, 0])
            ) { response in
                #expect(response.status == .unsupportedMediaType)
                let body = String(buffer: response.body)
                #expect(body.contains("Content-Encoding 'gzip' is not supported; send the body uncompressed"), "\(body)")
            }
            try await client.execute(uri: "/api/v1/events", method: .post, headers: [.contentEncoding: "identity"], body: event) { response in
                #expect(response.status == .accepted)
            }
        }
        #expect(server.queue.depth.events == 1)
    }

    @Test func afterAReloadEventsAreCheckedAgainstTheFieldsTheNewRulesRead() async throws {
        let path = try Self.ruleFile(Self.rules)
        let server = try Self.server(rulesPath: path)
        server.loop.start()
        defer { server.queue.close() }
        let mistyped = ByteBuffer(string: #"{"ts":1,"kind":"completion","latency_ms":"1500"}"#)
        try await Application(router: server.makeRouter()).test(.router) { client in
            try await client.execute(uri: "/api/v1/events", method: .post, body: mistyped) { response in
                #expect(response.status == .accepted)
            }
            try "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await client.execute(uri: "/-/reload", method: .post) { response in #expect(response.status == .ok) }
            try await client.execute(uri: "/api/v1/events", method: .post, body: mistyped) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    /// A browser's cross-site request that would change state (a page the operator visits posting events, or a
    /// reload, to an API open while no token is set) is refused; API clients send no `Origin`, and a page of the
    /// server's own origin may post. Reads are not refused.
    @Test func browsersCrossSiteRequestsThatChangeStateAreRefused() async throws {
        let server = try Self.server(rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            func send(_ method: String, _ path: String, _ headers: String) async throws -> String {
                let body = #"{"ts":"2026-05-01T12:00:00Z","kind":"completion","model":"m"}"#
                let connection = try RawConnection(port: port)
                connection.send(
                    "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(headers)Content-Type: text/plain\r\n"
                        + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
                return try #require(await connection.readUntilClosed(seconds: 10))
            }
            let refused = try await send("POST", "/api/v1/events", "Origin: https://evil.example\r\n")
            #expect(refused.hasPrefix("HTTP/1.1 403"), "\(refused)")
            #expect(refused.contains("a request from another origin is refused: Origin 'https://evil.example'"), "\(refused)")
            #expect(try await send("POST", "/-/reload", "Origin: null\r\n").hasPrefix("HTTP/1.1 403"))
            #expect(try await send("POST", "//api/v1/events", "Origin: https://evil.example\r\n").hasPrefix("HTTP/1.1 403"))
            #expect(try await send("POST", "/api/v1/events", "Sec-Fetch-Site: cross-site\r\n").hasPrefix("HTTP/1.1 403"))
            #expect(try await send("POST", "/api/v1/events", "").hasPrefix("HTTP/1.1 202"))
            #expect(try await send("POST", "/api/v1/events", "Origin: http://127.0.0.1:\(port)\r\n").hasPrefix("HTTP/1.1 202"))
            #expect(try await send("GET", "/api/v1/alerts", "Origin: https://evil.example\r\n").hasPrefix("HTTP/1.1 200"))
        }
        #expect(OriginCheck.isSameSite(origin: "HTTPS://Host.Example:443", host: "host.example"))
        #expect(OriginCheck.isSameSite(origin: "http://host.example", host: "host.example:80"))
        #expect(OriginCheck.isSameSite(origin: "http://[::1]:9595", host: "[::1]:9595"))
        #expect(!OriginCheck.isSameSite(origin: "http://host.example:8080", host: "host.example"))
        #expect(!OriginCheck.isSameSite(origin: "https://host.example", host: "host.example:80"))
        #expect(!OriginCheck.isSameSite(origin: "null", host: "host.example"))
    }

    @Test func aChunkedBodyOverTheLimitIs413AndCounted() async throws {
        let server = try Self.server(maxBodyBytes: 64, rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let chunk = String(repeating: #"{"ts":1,"kind":"x"}"# + "\n", count: 5)
            connection.send(
                "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n0\r\n\r\n")
            let reply = try #require(await connection.readResponseHead(seconds: 10))
            #expect(reply.hasPrefix("HTTP/1.1 413"), "\(reply)")
        }
        #expect(server.metrics.state.withLock { $0.rejected[.tooLarge] } == 1)
    }

    /// A chunked body reserves its parts as they arrive, not the whole body limit: four slow chunked uploads of a
    /// few bytes held the whole budget and every other post was a 429. One that outgrows the room left is a 429.
    @Test func aChunkedBodyReservesWhatItSends() async throws {
        let server = try Self.server(maxBodyBytes: 1024, rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        #expect(server.eventBodies.reserve(4000))
        try await app.test(.live) { client in
            for (count, status) in [(1, "202"), (8, "429")] {
                let connection = try RawConnection(port: try #require(client.port))
                let chunk = String(repeating: #"{"ts":1,"kind":"x"}"# + "\n", count: count)
                connection.send(
                    "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n0\r\n\r\n")
                let reply = try #require(await connection.readResponseHead(seconds: 10))
                #expect(reply.hasPrefix("HTTP/1.1 \(status)"), "\(reply)")
            }
        }
        server.eventBodies.release(4000)
        #expect(server.eventBodies.reserve(4096), "every reservation given back")
        #expect(server.metrics.state.withLock { $0.rejected[.bodiesInFlight] } == 1)
    }

    /// Event bodies read at once have a budget of four bodies of the largest size: beyond it a post is a 429 before
    /// its body is read, and bodies given back make room again. One body larger than what is left is let through
    /// alone.
    @Test func eventBodiesBeyondTheirBudgetAre429UntilRoomIsMade() async throws {
        let server = try Self.server(maxBodyBytes: 1024, rulesPath: try Self.ruleFile(Self.rules))
        #expect(server.eventBodies.limit == 4096)
        #expect(server.eventBodies.reserve(4090))
        try await Application(router: server.makeRouter()).test(.router) { client in
            let body = ByteBuffer(string: #"{"ts":1,"kind":"x"}"#)
            try await client.execute(uri: "/api/v1/events", method: .post, body: body) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "1")
                #expect(String(buffer: response.body).contains("too many event bodies are being read at once"))
            }
            server.eventBodies.release(4090)
            try await client.execute(uri: "/api/v1/events", method: .post, body: body) { response in
                #expect(response.status == .accepted)
            }
        }
        #expect(server.metrics.state.withLock { $0.rejected[.bodiesInFlight] } == 1)
        let alone = BodyBudget(limit: 10)
        #expect(alone.reserve(50) && !alone.reserve(1))
        alone.release(50)
        #expect(alone.reserve(10))
    }






    @Test func aClientThatStallsInItsRequestIsDisconnected() async throws {
        let server = try Self.server(rulesPath: try Self.ruleFile(Self.rules))
        let app = Application(
            router: server.makeRouter(), server: SentinelServer.httpServer(idleTimeout: .seconds(1)),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let inHead = try RawConnection(port: port)
            inHead.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Len")
            let inBody = try RawConnection(port: port)
            inBody.send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"ts\":")
            // Closed after about a second of silence; without a timeout both would still be open after ten.
            #expect(await inHead.readUntilClosed(seconds: 10) != nil)
            #expect(await inBody.readUntilClosed(seconds: 10) != nil)
            let health = try RawConnection(port: port)
            health.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await health.readResponseHead(seconds: 10)?.hasPrefix("HTTP/1.1 200") == true)
        }
    }
}
