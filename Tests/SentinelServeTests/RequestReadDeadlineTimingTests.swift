import Foundation
import Hummingbird
import HummingbirdTesting
@testable import SentinelServe
import Testing

/// The deadline on reading one request (head and body), over real connections on loopback with a 2 s deadline and
/// the 30 s idle timeout: a client dripping bytes well inside the idle timeout is still cut off at the deadline. A
/// `TimingTests` suite: `test.sh` runs it on its own after the parallel run, so that other tests do not starve the
/// drips or the server's timer.
@Suite(.timeLimit(.minutes(1))) struct RequestReadDeadlineTimingTests {
    static let deadline = 2.0

    /// A live server with the short deadline; `body` gets its port.
    static func withServer(_ server: SentinelServer, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let app = Application(
            router: server.makeRouter(),
            server: SentinelServer.httpServer(requestReadTimeout: .milliseconds(Int64(deadline * 1000))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }

    /// Sends `start`, then `drip` one byte every 200 ms (over and over) until the server closes the connection;
    /// what the server sent, and the seconds from `start` to the close.
    static func drip(_ connection: RawConnection, start: String, drip: String) async -> (reply: String?, seconds: Double) {
        let began = ContinuousClock.now
        connection.send(start)
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                var bytes = Array(drip.utf8).makeIterator()
                while !Task.isCancelled {
                    guard let byte = bytes.next() else {
                        bytes = Array(drip.utf8).makeIterator()
                        continue
                    }
                    connection.send(String(decoding: [byte], as: UTF8.self))
                    try? await Task.sleep(for: .milliseconds(200))
                }
                return nil
            }
            group.addTask { await connection.readUntilClosed(seconds: 30) }
            var reply: String?
            for await result in group {
                if let result {
                    reply = result
                    break
                }
            }
            group.cancelAll()
            return (reply, (ContinuousClock.now - began) / .seconds(1))
        }
    }

    @Test func aBodyDrippedInsideTheIdleTimeoutIs408AndClosedAtTheDeadlineAndNothingOfItIsQueued() async throws {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await Self.withServer(server) { port in
            let connection = try RawConnection(port: port)
            let line = #"{"ts":1,"kind":"completion","model":"a"}"# + "\n"
            let (reply, seconds) = await Self.drip(
                connection, start: "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + line + line,
                drip: "\n")
            let text = try #require(reply, "still open after 30 s")
            #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
            #expect(text.contains("not read within 2 s"), "\(text)")
            #expect(seconds >= Self.deadline - 0.1 && seconds < Self.deadline + 10, "closed after \(seconds) s")
            try await Self.expectServing(port)
        }
        // Two whole events and blank lines had arrived, a valid body had it ended there; it did not, so none counts.
        #expect(server.queue.depth.events == 0)
    }

    @Test func aHeadDrippedInsideTheIdleTimeoutIs408AndClosedAtTheDeadline() async throws {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await Self.withServer(server) { port in
            let connection = try RawConnection(port: port)
            let (reply, seconds) = await Self.drip(connection, start: "GET /health HTTP/1.1\r\nHost: x\r\nX-Drip: ", drip: "a")
            let text = try #require(reply, "still open after 30 s")
            #expect(text.hasPrefix("HTTP/1.1 408"), "\(text)")
            #expect(seconds >= Self.deadline - 0.1 && seconds < Self.deadline + 10, "closed after \(seconds) s")
            try await Self.expectServing(port)
        }
    }

    @Test func aRequestAnsweredBeforeItsBodyArrivesIsClosedAtTheDeadlineWithoutA408() async throws {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await Self.withServer(server) { port in
            // /health answers without reading the body; the server then drains it, which the deadline bounds too.
            let connection = try RawConnection(port: port)
            let (reply, seconds) = await Self.drip(
                connection, start: "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", drip: "x")
            let text = try #require(reply, "still open after 30 s")
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(text)")
            #expect(!text.contains("408"), "\(text)")
            #expect(seconds >= Self.deadline - 0.1 && seconds < Self.deadline + 10, "closed after \(seconds) s")
        }
    }

    @Test func aKeptAliveConnectionMayWaitLongerThanTheDeadlineBetweenRequests() async throws {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        try await Self.withServer(server) { port in
            let connection = try RawConnection(port: port)
            connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await connection.readResponseHead(seconds: 10)?.hasPrefix("HTTP/1.1 200") == true)
            try await Task.sleep(for: .seconds(Self.deadline + 1))
            connection.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
            let second = await connection.readResponseHead(seconds: 10)
            #expect(second?.contains("HTTP/1.1 200") == true, "\(second ?? "closed or silent")")
        }
    }

    /// Other clients are served while (and after) one is cut off.
    static func expectServing(_ port: Int) async throws {
        let health = try RawConnection(port: port)
        health.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await health.readResponseHead(seconds: 10)?.hasPrefix("HTTP/1.1 200") == true)
    }
}
