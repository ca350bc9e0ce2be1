import Foundation
import SentinelCore
import Synchronization
import VLLMDouble

@testable import SentinelSimulate

/// Collects what a simulator submits.
final class CollectingSink: EventSink {
    private let lines = Mutex<[String]>([])

    func submit(_ batch: [String]) async {
        lines.withLock { $0 += batch }
    }

    /// Every line, parsed.
    var events: [[String: Any]] {
        lines.withLock { $0 }.map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? ["unparsed": line]
        }
    }
}

/// A simulator run against doubles over loopback HTTP, and what it produced.
struct SimulatorRun {
    var events: [[String: Any]]
    var statistics: SimulatorStatistics
    /// The simulator's run id, in its exchange ids (`c-<run>-000001`).
    var runID = ""

    /// The id of the run's exchange `number`.
    func exchangeID(_ number: Int) -> String { "c-\(runID)-" + String(format: "%06d", number) }

    func of(kind: String) -> [[String: Any]] { events.filter { $0["kind"] as? String == kind } }
    var completions: [[String: Any]] { of(kind: "completion") }
    var errors: [[String: Any]] { of(kind: "error") }

    /// Milliseconds since the epoch of an event's `ts` (RFC 3339, with or without fractional seconds).
    static func milliseconds(_ ts: Any?) -> Double? {
        guard let text = ts as? String else { return nil }
        let date =
            (try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: .iso8601))
        return date.map { ($0.timeIntervalSince1970 * 1_000).rounded() }
    }

    /// The completion event of the exchange that sent `prompt`.
    func completion(for prompt: String) -> [String: Any]? { completions.first { $0["prompt"] as? String == prompt } }

    /// Starts a frontier double (and a guard double when `guardDouble` is given), runs a simulator configured by
    /// `configure` over `prompts` to its limit, and returns the events.
    static func run(
        prompts: [String], frontier: VLLMDouble.Configuration = .init(), guardDouble: VLLMDouble.Configuration? = nil,
        guardFormat: GuardFormat? = nil, configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) async throws -> SimulatorRun {
        try await VLLMDouble.withRunning(frontier) { frontierURL in
            var configuration = SimulatorConfiguration(
                frontier: .init(baseURL: frontierURL.absoluteString, model: frontier.servedModelName),
                rate: 200, concurrency: 64, seed: 1, limit: prompts.count)
            guard let guardDouble else { return try await simulate(prompts, configuration, configure) }
            return try await VLLMDouble.withRunning(guardDouble) { guardURL in
                configuration.moderation = .init(
                    baseURL: guardURL.absoluteString, model: guardDouble.servedModelName,
                    format: guardFormat ?? GuardFormat(rawValue: guardDouble.guardFormat.rawValue)!)
                return try await simulate(prompts, configuration, configure)
            }
        }
    }

    /// Runs one exchange of `prompt` against a scripted guard (prompt moderation only) and a scripted frontier;
    /// the events and the paths the frontier was asked for.
    static func run(
        prompt: String, guardAnswer: [ScriptedServer.Step], frontierAnswer: [ScriptedServer.Step],
        mode: SimulatorConfiguration.Mode
    ) async throws -> (run: SimulatorRun, frontierRequests: [String]) {
        try await ScriptedServer.withRunning({ _ in frontierAnswer }) { frontier in
            try await ScriptedServer.withRunning({ _ in guardAnswer }) { guardServer in
                let configuration = SimulatorConfiguration(
                    frontier: .init(baseURL: frontier.url, model: "m"),
                    moderation: .init(
                        baseURL: guardServer.url, model: "g", format: .qwen3guard,
                        timeouts: RequestTimeouts(connect: .milliseconds(300), firstToken: nil, total: .seconds(1)),
                        moderatesResponses: false),
                    rate: 200, seed: 1, limit: 1, mode: mode)
                return (try await simulate([prompt], configuration, { _ in }), frontier.requestPaths)
            }
        }
    }

    private static func simulate(
        _ prompts: [String], _ base: SimulatorConfiguration, _ configure: (inout SimulatorConfiguration) -> Void
    ) async throws -> SimulatorRun {
        var configuration = base
        configure(&configuration)
        let sink = CollectingSink()
        let simulator = Simulator(
            configuration: configuration, prompts: prompts.map { Prompt(text: $0, dataset: "test") }, sink: sink)
        try await simulator.run()
        return SimulatorRun(events: sink.events, statistics: simulator.statistics, runID: simulator.runID)
    }
}
