import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SentinelCompile
import SentinelCore
import SentinelServe
import SentinelStore
import Testing

@Suite struct ServerRoutesTests {
    static let rules = "rules:\n  - {name: Busy, on: completion, group_by: [model], when: \"count(1m) >= 2\"}\n"

    static func ruleFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-rules-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func server(queueEvents: Int = 1_000, rulesPath: String) throws -> SentinelServer {
        var configuration = ServiceConfiguration()
        configuration.rules = [rulesPath]
        configuration.limits.queueEvents = queueEvents
        let graph = try #require(Configuration.load(rules: [rulesPath], policies: []).graph)
        let store = try SQLiteFindingsStore(path: NSTemporaryDirectory() + "sentinel-routes-\(UUID().uuidString).db")
        return try SentinelServer(
            configuration: configuration, graph: graph, store: store,
            reloadSources: { ([rulesPath], [], []) }, logger: Logger(label: "test"))
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
}
