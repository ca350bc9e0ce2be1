import Foundation
import Logging
@testable import SentinelServe
import Testing

@Suite struct TrafficReplayTests {
    static func traffic(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-replay-\(UUID().uuidString).jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func event(_ seconds: Int) -> String { "{\"ts\":\(1_777_636_800 + seconds),\"kind\":\"completion\",\"model\":\"a\"}" }

    /// Replays `files` at `speed` into a server whose loop is not running, so the queue keeps what was queued.
    static func replay(_ files: [String], speed: Double) async throws -> (TrafficReplay, SentinelServer, Duration) {
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(ServerRoutesTests.rules))
        let replay = TrafficReplay(files: files, speed: speed)
        let clock = ContinuousClock()
        let began = clock.now
        try await replay.run(into: server, logger: Logger(label: "test"))
        return (replay, server, clock.now - began)
    }

    @Test func eventsArePacedByEventTimeOverSpeed() async throws {
        // 20 s of event time at 10× speed: the last event cannot be queued before 2 s have passed.
        let file = try Self.traffic([Self.event(0), Self.event(10), Self.event(20)])
        let (replay, server, elapsed) = try await Self.replay([file], speed: 10)
        #expect(elapsed >= .seconds(2))
        #expect(server.queue.depth.events == 3)
        #expect(replay.progress.events == 3)
        #expect(replay.progress.finished)
    }

    /// One line dated ten years ahead, or a first line at `ts: 0`, would hold every later line back for months.
    @Test(arguments: [
        [event(0), event(315_360_000), event(1), event(2)],
        [#"{"ts":0,"kind":"completion","model":"a"}"#, event(0), event(1), event(2)],
    ])
    func anEventFarFromTheOneBeforeIsNotWaitedFor(lines: [String]) async throws {
        let file = try Self.traffic(lines)
        let (replay, server, elapsed) = try await Self.replay([file], speed: 60)
        // Waiting would take 60 days (ten years at 60×) or a year (from ts 0): under ten minutes, however loaded the
        // machine (on two busy cores the suite's other tests starved this one's 16 ms sleeps for 78 s).
        #expect(elapsed < .seconds(600), "decades of event time at 60× would take years")
        #expect(server.queue.depth.events == 4)
        #expect(replay.progress.events == 4)
        #expect(replay.progress.jumps == (lines[0].contains("\"ts\":0,") ? 1 : 2))
        #expect(replay.progress.finished)
    }

    @Test func pacingStartsAnewFromAnEventThatJumped() async throws {
        // After the jump, 20 s of event time at 10× speed still take 2 s.
        let file = try Self.traffic([Self.event(0), Self.event(86_400), Self.event(86_410), Self.event(86_420)])
        let (replay, server, elapsed) = try await Self.replay([file], speed: 10)
        #expect(elapsed >= .seconds(2))
        #expect(server.queue.depth.events == 4)
        #expect(replay.progress.jumps == 1)
    }

    @Test func jumpsAreGapsOfMoreThanAnHourEitherWay() {
        #expect(TrafficReplay.jump(from: 0, to: 3_600_000) == nil)
        #expect(TrafficReplay.jump(from: 0, to: -3_600_000) == nil)
        #expect(TrafficReplay.jump(from: 0, to: 3_600_001) == "+1h1ms")
        #expect(TrafficReplay.jump(from: 315_360_000_000, to: 0) == "-521w3d")
    }

    @Test func speedZeroDoesNotWaitForEventTime() async throws {
        let file = try Self.traffic([Self.event(0), Self.event(3_600), Self.event(7_200)])
        let (_, server, elapsed) = try await Self.replay([file], speed: 0)
        // Two hours of event time: anything paced would take at least that long.
        #expect(elapsed < .seconds(600))
        #expect(server.queue.depth.events == 3)
    }

    @Test func malformedLinesAreSkippedAndCountedAndTheRestQueued() async throws {
        let file = try Self.traffic([Self.event(0), "{\"ts\":1,\"kind\":", "", "{\"kind\":\"completion\"}", Self.event(1)])
        let (replay, server, _) = try await Self.replay([file], speed: 0)
        #expect(replay.progress.events == 2)
        #expect(replay.progress.malformed == 2)
        #expect(replay.progress.failure == nil)
        #expect(server.queue.depth.events == 2)
    }

    @Test func linesWithFieldsOfTheWrongTypeForTheRulesAreMalformed() async throws {
        let rules = "rules:\n  - {name: Slow, on: completion, when: \"latency_ms > 1000\"}\n"
        let server = try ServerRoutesTests.server(rulesPath: try ServerRoutesTests.ruleFile(rules))
        let file = try Self.traffic([
            Self.event(0), #"{"ts":1777636801,"kind":"completion","latency_ms":"1500"}"#, Self.event(2),
        ])
        let replay = TrafficReplay(files: [file], speed: 0)
        try await replay.run(into: server, logger: Logger(label: "test"))
        #expect(replay.progress.malformed == 1)
        #expect(server.queue.depth.events == 2)
    }

    @Test func aMissingFileStopsTheReplayWithTheReason() async throws {
        let (replay, _, _) = try await Self.replay(["/nonexistent/traffic.jsonl"], speed: 0)
        #expect(replay.progress.failure?.contains("/nonexistent/traffic.jsonl") == true)
        #expect(replay.progress.finished)
    }

    @Test func scaledDelaysAreClampedAndNeverNegative() {
        #expect(TrafficReplay.scaled(milliseconds: 1_000, speed: 10) == .milliseconds(100))
        #expect(TrafficReplay.scaled(milliseconds: -5, speed: 10) == .zero)
        #expect(TrafficReplay.scaled(milliseconds: .max, speed: 0.001) <= .seconds(100_000_000))
    }
}
