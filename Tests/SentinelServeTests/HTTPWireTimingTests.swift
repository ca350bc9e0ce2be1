import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SentinelServe
import Synchronization
import Testing

/// What the server says on the wire to requests no HTTP client library sends: hand-written chunks and codings,
/// `Expect: 100-continue`, requests the decoder refuses, pipelined requests. Real sockets with waits of seconds, so
/// (as a `*TimingTests` suite) they run after the parallel tests, where a loaded machine cannot skew them or the
/// scraper's timeouts beside them.
@Suite struct HTTPWireTimingTests {
    /// A transfer coding Sentinel does not decode is refused (501) before the body is read, not read as events.
    @Test func aCompressedTransferCodingIs501() async throws {
        let server = try ServerRoutesTests.server(maxBodyBytes: 4096, rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let body = #"{"ts":1,"kind":"x"}"#
            connection.send(
                "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n"
                    + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n")
            let reply = try #require(await connection.readUntilClosed(seconds: 10))
            #expect(reply.hasPrefix("HTTP/1.1 501"), "\(reply)")
            #expect(reply.contains("Transfer-Encoding 'gzip' is not supported"), "\(reply)")
        }
    }

    /// `Expect: 100-continue` is answered with `100 Continue` before the body is sent, then with the answer.
    @Test func aClientExpectingContinueGetsItAndThenTheAnswer() async throws {
        let server = try ServerRoutesTests.server(maxBodyBytes: 4096, rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await ServerRoutesTests.liveApplication(server).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let body = #"{"ts":1,"kind":"x"}"#
            connection.send(
                "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n"
                    + "Connection: close\r\n\r\n")
            let interim = try #require(await connection.readResponseHead(seconds: 10))
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
            connection.send(body)
            let reply = try #require(await connection.readUntilClosed(seconds: 10))
            #expect(reply.contains("HTTP/1.1 202"), "\(reply)")
        }
    }

    /// Requests the HTTP decoder refuses are answered with the API's JSON error saying why (they were an empty
    /// 400), and the server goes on serving.
    @Test(arguments: [
        "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\n\r\n",
        "NOT A REQUEST LINE\r\n\r\n",
    ])
    func aRequestTheDecoderRefusesGetsAJSONErrorSayingWhy(request: String) async throws {
        let server = try ServerRoutesTests.server(maxBodyBytes: 4096, rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await ServerRoutesTests.liveApplication(server).test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            connection.send(request)
            let reply = try #require(await connection.readUntilClosed(seconds: 10))
            #expect(reply.hasPrefix("HTTP/1.1 400"), "\(reply.prefix(300))")
            #expect(reply.contains(#"{"error":{"message":"the request is not valid HTTP/1.1 ("#), "\(reply.prefix(300))")
            let health = try RawConnection(port: port)
            health.send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(await health.readUntilClosed(seconds: 10)?.hasPrefix("HTTP/1.1 200") == true)
        }
    }

    /// Pipelined behind a request still to be answered, a refused request and a request expecting `100 Continue`
    /// wait for that answer: the good request is answered (it had been answered with nothing while its event was
    /// queued), and the interim answer follows it (it was never sent).
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try ServerRoutesTests.server(maxBodyBytes: 4096, rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await ServerRoutesTests.liveApplication(server).test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"ts":1,"kind":"x"}"#
            let post = "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
            let bad = try RawConnection(port: port)
            bad.send(post + "GARBAGE\r\n\r\n")
            let badReply = try #require(await bad.readUntilClosed(seconds: 10))
            #expect(badReply.hasPrefix("HTTP/1.1 202"), "\(badReply)")
            #expect(badReply.contains("HTTP/1.1 400"), "\(badReply)")
            let expecting = try RawConnection(port: port)
            expecting.send(
                "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: \(body.utf8.count)\r\n"
                    + "Connection: close\r\n\r\n")
            let answers = try #require(await expecting.read(seconds: 10) { $0.contains("100 Continue\r\n\r\n") })
            #expect(answers.hasPrefix("HTTP/1.1 200"), "\(answers)")
            #expect(answers.contains("HTTP/1.1 100 Continue"), "\(answers)")
            expecting.send(body)
            #expect(await expecting.readUntilClosed(seconds: 10)?.contains("HTTP/1.1 202") == true)
        }
        #expect(server.metrics.state.withLock { $0.accepted.values.reduce(0, +) } == 2)
    }

    /// A chunk size that is not hex is the client's error, answered 400 with the reason, not a 500.
    @Test func aMalformedChunkIs400WithTheReason() async throws {
        let server = try ServerRoutesTests.server(maxBodyBytes: 4096, rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        let app = Application(router: server.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send(
                "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "zz\r\n" + #"{"ts":1,"kind":"x"}"# + "\r\n0\r\n\r\n")
            let reply = try #require(await connection.readUntilClosed(seconds: 10))
            #expect(reply.hasPrefix("HTTP/1.1 400"), "\(reply)")
            #expect(reply.contains("the body could not be read"), "\(reply)")
        }
        #expect(server.metrics.state.withLock { $0.rejected[.malformed] } == 1)
    }

    /// HEAD on a GET route answers with the GET's status and headers and no body, so the next request on the
    /// connection is read as a request (a body after a HEAD answer would be taken for the next answer's start).
    @Test func headOnAGetRouteAnswersWithoutABody() async throws {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await ServerRoutesTests.liveApplication(server).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send(
                "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n" + "HEAD /api/v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let reply = try #require(await connection.readUntilClosed(seconds: 10))
            let answers = reply.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
            #expect(answers == ["200", "404", "200"], "\(reply)")
            #expect(!reply.contains(#""status":"ok""#), "\(reply)")
            #expect(reply.hasSuffix(#"{"status":"ready"}"# + "\n"), "\(reply)")
        }
    }
}
