import Foundation
import Logging
import SentinelCore
import SentinelEvaluate
import SentinelScrape
import SentinelServe
import SentinelSimulate

/// The collectors a configuration turns on, wired to the server: their services, their `/metrics` sections and
/// their lines on the review overview.
struct Collectors {
    private(set) var metricsSections: [SentinelServer.MetricsSection] = []
    private(set) var statusSections: [SentinelServer.StatusSection] = []
    private var makers: [(SentinelServer) -> CollectorService] = []

    /// Fails with a message naming the setting when a collector cannot be built (a bad target, unreadable prompts).
    init(configuration: ServiceConfiguration, logger: Logger) throws {
        if let scrape = configuration.scrape { try addScraper(scrape, logger: logger) }
        if let simulator = configuration.simulator { try addSimulator(simulator, logger: logger) }
        if let replay = configuration.replay { try addReplay(replay, next: configuration, logger: logger) }
    }

    func services(_ server: SentinelServer) -> [CollectorService] { makers.map { $0(server) } }

    private mutating func addScraper(_ settings: ServiceConfiguration.ScrapeSettings, logger: Logger) throws {
        let targets = try settings.targets.map { target in
            try ScrapeTarget(
                name: target.name, url: target.url,
                interval: .milliseconds(target.intervalMilliseconds ?? settings.intervalMilliseconds),
                timeout: .milliseconds(target.timeoutMilliseconds ?? settings.timeoutMilliseconds),
                labels: Dictionary(target.labels, uniquingKeysWith: { _, last in last }),
                sampleLimit: target.sampleLimit ?? settings.sampleLimit)
        }
        let holder = Holder<PrometheusScraper>()
        makers.append { server in
            let scraper = PrometheusScraper(targets: targets, sink: server.sink(.scrape), logger: logger)
            holder.value = scraper
            return CollectorService(name: "scrape") { await scraper.run() }
        }
        metricsSections.append { out in
            guard let scraper = holder.value else { return }
            Self.render(scraper.health(), into: &out)
        }
        statusSections.append {
            (holder.value?.health() ?? []).map { target in
                let state = target.up ? "up" : (target.lastError.map { "down: \($0)" } ?? "not scraped yet")
                return CollectorStatus(
                    name: "scrape \(target.job) (\(target.url))", healthy: target.up,
                    detail: "\(state); \(target.scrapes) scrapes, \(target.failures) failed, \(target.samplesLastScrape) samples last")
            }
        }
    }

    private mutating func addSimulator(_ settings: ServiceConfiguration.SimulatorSettings, logger: Logger) throws {
        // `timeout` bounds the whole answer; the head and the first token get at most 10 s and 30 s of it.
        let total = Duration.milliseconds(settings.frontier.timeoutMilliseconds)
        let frontier = SimulatorConfiguration.Frontier(
            baseURL: settings.frontier.url, model: settings.frontier.model, apiKey: settings.frontier.apiKey,
            maxTokens: settings.maxTokens, temperature: settings.temperature,
            timeouts: RequestTimeouts(connect: min(.seconds(10), total), firstToken: min(.seconds(30), total), total: total))
        let moderation = settings.guardEndpoint.map { endpoint in
            SimulatorConfiguration.Moderation(
                baseURL: endpoint.url, model: endpoint.model, format: GuardFormat(rawValue: settings.guardFormat) ?? .qwen3guard,
                apiKey: endpoint.apiKey,
                timeouts: RequestTimeouts(connect: .seconds(10), firstToken: nil, total: .milliseconds(endpoint.timeoutMilliseconds)))
        }
        let configuration = SimulatorConfiguration(
            frontier: frontier, moderation: moderation, rate: settings.rate, concurrency: settings.concurrency,
            seed: settings.seed, limit: settings.limit, promptFiles: settings.prompts,
            mode: settings.pipeline ? .pipeline : .monitor, users: settings.users)
        // Read the prompts now, so a bad file stops the start with its message.
        let (prompts, skipped) = try PromptSource.read(settings.prompts)
        guard !prompts.isEmpty else { throw PromptSourceError(file: settings.prompts.joined(separator: ", "), message: "no usable prompts") }
        for problem in skipped.prefix(20) { logger.warning("prompt row skipped", metadata: ["problem": "\(problem)"]) }
        let holder = Holder<Simulator>()
        makers.append { server in
            let simulator = Simulator(configuration: configuration, prompts: prompts, skippedRows: skipped, sink: server.sink(.simulator))
            holder.value = simulator
            return CollectorService(name: "simulator") {
                try await simulator.run()
                logger.notice("simulator finished", metadata: ["requests": "\(simulator.statistics.started)"])
            }
        }
        metricsSections.append { out in
            guard let simulator = holder.value else { return }
            Self.render(simulator.statistics, into: &out)
        }
        statusSections.append {
            guard let s = holder.value?.statistics else { return [] }
            let errors = s.errors.values.reduce(0, +)
            return [
                CollectorStatus(
                    name: "simulator", healthy: errors == 0 || errors * 10 < s.started,
                    detail: "\(s.started) requests, \(s.completed) completions, \(errors) errors, \(s.shed) shed, \(s.inFlight) in flight")
            ]
        }
    }

    private mutating func addReplay(
        _ settings: ServiceConfiguration.ReplaySettings, next configuration: ServiceConfiguration, logger: Logger
    ) throws {
        guard !settings.files.isEmpty else { throw CollectorSetupError("replay: no files (give --replay FILE or collectors.replay.files)") }
        // A file's replay next to a live collector is refused where it stands; this one comes from `--replay`.
        let live = configuration.liveCollectorsInUse
        guard live.isEmpty else {
            let file = configuration.file.map { " (in \($0))" } ?? ""
            throw CollectorSetupError(ServiceConfiguration.replayNextToLiveCollectors("--replay", live: live) + file)
        }
        for file in settings.files {
            do { _ = try LineReader(path: file) } catch { throw CollectorSetupError("replay: \(error)") }
        }
        let replay = TrafficReplay(files: settings.files, speed: settings.speed)
        makers.append { server in
            CollectorService(name: "replay") { try await replay.run(into: server, logger: logger) }
        }
        metricsSections.append { out in
            let p = replay.progress
            out.family("sentinel_replay_events_total", .counter, help: "Recorded events the replay queued.", value: Double(p.events))
            out.family(
                "sentinel_replay_malformed_total", .counter, help: "Lines of the replayed files skipped as malformed.",
                value: Double(p.malformed))
            out.family(
                "sentinel_replay_time_jumps_total", .counter,
                help: "Replayed events over an hour of event time away from the one before, not waited for.",
                value: Double(p.jumps))
            out.family(
                "sentinel_replay_finished", .gauge, help: "1 once every replayed file has been read (or reading failed).",
                value: p.finished ? 1 : 0)
        }
        statusSections.append {
            let p = replay.progress
            let stage = p.failure ?? (p.finished ? "finished" : p.file.map { "reading \($0)" } ?? "starting")
            return [
                CollectorStatus(
                    name: "replay (\(settings.speed == 0 ? "as fast as possible" : String(format: "%g× speed", settings.speed)))",
                    healthy: p.failure == nil, detail: "\(stage); \(p.events) events queued, \(p.malformed) malformed lines skipped, \(p.jumps) jumps in event time not waited for")
            ]
        }
    }

    static func render(_ health: [TargetHealth], into out: inout MetricsExposition) {
        let labels = health.map { [("job", $0.job), ("instance", $0.instance)] }
        out.family(
            "sentinel_scrape_up", .gauge, help: "Whether the target's last scrape succeeded.",
            samples: zip(labels, health).map { ($0, $1.up ? 1 : 0) })
        out.family(
            "sentinel_scrapes_total", .counter, help: "Scrapes of the target, failed ones included.",
            samples: zip(labels, health).map { ($0, Double($1.scrapes)) })
        out.family(
            "sentinel_scrape_failures_total", .counter, help: "Failed scrapes of the target.",
            samples: zip(labels, health).map { ($0, Double($1.failures)) })
        out.family(
            "sentinel_scrape_duration_seconds", .gauge, help: "Duration of the target's last scrape.",
            samples: zip(labels, health).map { ($0, $1.lastScrapeDuration?.seconds ?? 0) })
        out.family(
            "sentinel_scrape_samples", .gauge, help: "Samples in the target's last scrape.",
            samples: zip(labels, health).map { ($0, Double($1.samplesLastScrape)) })
        out.family(
            "sentinel_scrape_duplicate_samples_total", .counter,
            help: "Samples dropped as repeats of an earlier sample of the same series in one scrape.",
            samples: zip(labels, health).map { ($0, Double($1.duplicateSamples)) })
        out.family(
            "sentinel_scrape_last_timestamp_seconds", .gauge, help: "When the target's last scrape started (0: never).",
            samples: zip(labels, health).map { ($0, Double($1.lastScrapeMillis ?? 0) / 1000) })
    }

    static func render(_ s: SimulatorStatistics, into out: inout MetricsExposition) {
        out.family("sentinel_simulator_requests_total", .counter, help: "Exchanges the simulator started.", value: Double(s.started))
        out.family(
            "sentinel_simulator_completions_total", .counter, help: "Completion events the simulator emitted.",
            value: Double(s.completed))
        out.family(
            "sentinel_simulator_blocked_total", .counter, help: "Prompts the guard flagged, so generation was skipped.",
            value: Double(s.blocked))
        out.family(
            "sentinel_simulator_shed_total", .counter, help: "Arrivals dropped at the concurrency cap.", value: Double(s.shed))
        out.family(
            "sentinel_simulator_errors_total", .counter, help: "Failed requests by side and type.",
            samples: s.errors.sorted { $0.key < $1.key }.map { ([("source", $0.key.source), ("type", $0.key.type)], Double($0.value)) })
        out.family("sentinel_simulator_in_flight", .gauge, help: "Exchanges in flight.", value: Double(s.inFlight))
        out.family(
            "sentinel_simulator_schedule_lag_p99_seconds", .gauge, help: "p99 of how late arrivals started against their schedule.",
            value: s.scheduleLag.p99?.seconds ?? 0)
    }
}

/// The collector built when the service group starts, for the metrics section to read.
private final class Holder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?

    var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// A collector that cannot start, with the setting at fault.
struct CollectorSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
