import Foundation
import Logging
import SentinelCompile
import SentinelEvaluate
@testable import SentinelServe
import Testing

/// A restarted service refills its windows from the tap's latest files: as far back as the horizon, no further,
/// with held-back events evaluated and lines that are not events skipped.
@Suite struct TapWarmStartTests {
    static let base: Int64 = 1_777_636_800

    static func event(_ seconds: Int64) -> String {
        #"{"ts":\#(base + seconds),"kind":"completion","model":"a"}"#
    }

    /// A tap folder whose files (in name order) hold these lines.
    static func tap(_ files: [[String]]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-tap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (i, lines) in files.enumerated() {
            let text = lines.joined(separator: "\n")
            let name = String(format: "tap-20260501T%06dZ-%04d.jsonl", i, i + 1)
            try (text.isEmpty ? "" : text + "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// An engine whose rule fires at the fifth event of a model within an hour, holding events back 30 s.
    static func engine() throws -> Engine {
        let rules = try ServerRoutesTests.ruleFile(
            "rules:\n  - {name: Steady, on: completion, group_by: [model], when: \"count(1h) >= 5\", actions: [notify]}\n")
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-policy-\(UUID().uuidString).yaml").path
        try "settings: {allowed_lateness: 30s}\nactions: {notify: {type: notify}}\nreceivers: [{name: ops, type: log}]\nroute: {receiver: ops}\n"
            .write(toFile: policy, atomically: true, encoding: .utf8)
        let loaded = Configuration.load(rules: [rules], policies: [policy])
        return Engine(graph: try #require(loaded.graph, "\(loaded.diagnostics)"))
    }

    static let files: [[String]] = [
        [event(-100_000)],  // older than needed: not read
        [event(0), event(600)],
        [],  // a run that wrote nothing
        [event(9_500), event(9_600)],
        [event(12_600), event(12_700), #"{"ts":1777649500,"kind":"comp"#],  // cut off by a crash
    ]

    @Test func readsBackToTheHorizonBeforeTheNewestFileAndNoFurther() throws {
        let engine = try Self.engine()
        let outcome = TapWarmStart(directory: try Self.tap(Self.files), horizon: 3_600_000, logger: Logger(label: "test"))
            .run(into: engine)
        // The newest file starts at 12 600 s; the one starting at 0 is the newest at least an hour before that.
        #expect(outcome.lastWrite != nil)
        #expect(
            outcome
                == .init(
                    files: 4, events: 6, malformed: 1, complete: true, from: Self.base * 1000,
                    through: (Self.base + 12_700) * 1000, lastWrite: outcome.lastWrite))
        #expect(engine.statistics.lateEvents == 0)
        #expect(engine.statistics.events == 6)
    }

    /// The clock after a warm start runs from when the stream reached the tap's last event: the modification time
    /// of the newest file holding an event, not of a newer one a run that saw nothing left.
    @Test func theLastWriteIsTheNewestFileHoldingAnEvent() throws {
        let directory = try Self.tap([[Self.event(0)], [Self.event(60)], []])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        let written = Date(timeIntervalSince1970: 1_800_000_000)
        for (name, date) in zip(names, [written.addingTimeInterval(-60), written, written.addingTimeInterval(3_600)]) {
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: directory + "/" + name)
        }
        let outcome = TapWarmStart(directory: directory, horizon: 3_600_000, logger: Logger(label: "test"))
            .run(into: try Self.engine())
        #expect(outcome.events == 2)
        #expect(outcome.lastWrite == written)
    }

    @Test func aTapShorterThanTheHorizonIsReadWholeAndSaidIncomplete() throws {
        let outcome = TapWarmStart(directory: try Self.tap(Self.files), horizon: 200_000_000, logger: Logger(label: "test"))
            .run(into: try Self.engine())
        #expect(outcome.files == 5 && outcome.events == 7 && outcome.malformed == 1 && !outcome.complete)
    }

    /// Completeness is what was read: one file can hold the whole horizon.
    @Test func oneFileHoldingTheHorizonIsComplete() throws {
        let outcome = TapWarmStart(
            directory: try Self.tap([[Self.event(0), Self.event(1_800), Self.event(3_600)]]), horizon: 3_600_000,
            logger: Logger(label: "test")
        ).run(into: try Self.engine())
        #expect(outcome.files == 1 && outcome.events == 3 && outcome.complete)
    }

    /// A newest file of older events (a replay run into the tap) does not make the warm start read every file.
    @Test func aNewestFileOfOlderEventsDoesNotMakeItReadTheWholeTap() throws {
        let hour: Int64 = 3_600
        let files = [[Self.event(0)], [Self.event(2 * hour)], [Self.event(4 * hour)], [Self.event(-1_000 * hour)]]
        let outcome = TapWarmStart(directory: try Self.tap(files), horizon: 3_600_000, logger: Logger(label: "test"))
            .run(into: try Self.engine())
        #expect(outcome.files == 3, "the newest file, then back to the first at least an hour before a later one")
    }

    /// An event after `latest` (tapped while the clock was ahead) is skipped and counted: it moved event time to
    /// 2030, and every live event after the restart was dropped as late.
    @Test func anEventLaterThanTheClockAllowsIsSkipped() throws {
        let engine = try Self.engine()
        let outcome = TapWarmStart(
            directory: try Self.tap([[Self.event(0), Self.event(10), Self.event(100_000_000), Self.event(20)]]),
            horizon: 3_600_000, logger: Logger(label: "test"), latest: (Self.base + 1_000) * 1000
        ).run(into: engine)
        #expect(outcome.events == 3 && outcome.future == 1)
        #expect(outcome.through == (Self.base + 20) * 1000 && engine.watermark == (Self.base + 20) * 1000)
        // A file that starts with one does not date the files before it by it (only the newest two were read).
        let files = [[Self.event(0)], [Self.event(600)], [Self.event(100_000_000), Self.event(1_200)]]
        let chosen = TapWarmStart(
            directory: try Self.tap(files), horizon: 3_600_000, logger: Logger(label: "test"), latest: (Self.base + 5_000) * 1000
        ).filesToRead()
        #expect(chosen.map(\.firstEvent) == [(Self.base) * 1000, (Self.base + 600) * 1000, (Self.base + 1_200) * 1000])
    }

    /// With `allowed_lateness` a line is decoded in full only when released; one broken after its `ts` and `kind`
    /// is still counted and logged as not an event.
    @Test func aLineBrokenAfterItsHeaderIsCountedAsNotAnEvent() throws {
        let broken = #"{"ts":\#(Self.base + 20),"kind":"completion","model":"a","latency_ms":"#
        let outcome = TapWarmStart(
            directory: try Self.tap([[Self.event(0), Self.event(10), broken]]), horizon: 3_600_000, logger: Logger(label: "test")
        ).run(into: try Self.engine())
        #expect(outcome.events == 2 && outcome.malformed == 1)
    }

    /// A line over the reader's 64 MiB limit is skipped like any line that is not an event; the file goes on.
    @Test func aLineOverTheReadersLimitIsSkippedAndTheFileReadOn() throws {
        let huge = #"{"ts":\#(Self.base + 5),"kind":"completion","prompt":""# + String(repeating: "x", count: 65 << 20) + #""}"#
        let outcome = TapWarmStart(
            directory: try Self.tap([[Self.event(0), huge, Self.event(10)]]), horizon: 3_600_000, logger: Logger(label: "test")
        ).run(into: try Self.engine())
        #expect(outcome.events == 2 && outcome.malformed == 1)
    }

    @Test func anEmptyOrMissingTapChangesNothing() throws {
        for directory in [try Self.tap([]), try Self.tap([[]]), "/nonexistent/sentinel-tap"] {
            let engine = try Self.engine()
            let outcome = TapWarmStart(directory: directory, horizon: 3_600_000, logger: Logger(label: "test")).run(into: engine)
            #expect(outcome.events == 0 && outcome.through == nil)
        }
    }

    /// The point of it: after the warm start the next event sees the hour the last run saw. Cold, it would not fire.
    @Test func theNextEventIsJudgedOnTheRefilledWindows() throws {
        var fired: [String: [AlertTransition]] = [:]
        for warm in [true, false] {
            let engine = try Self.engine()
            if warm {
                _ = TapWarmStart(directory: try Self.tap(Self.files), horizon: engine.settleHorizon, logger: Logger(label: "test"))
                    .run(into: engine)
            }
            var transitions: [AlertTransition] = []
            engine.onTransition = { transitions.append($0) }
            let line = Array(Self.event(12_800).utf8)
            try line.withUnsafeBytes { try engine.ingest($0) }
            engine.advance(to: (Self.base + 12_800) * 1000)
            fired[warm ? "warm" : "cold"] = transitions
        }
        #expect(fired["warm"]?.map(\.state) == [.firing])
        #expect(fired["cold"]?.isEmpty == true)
    }
}
