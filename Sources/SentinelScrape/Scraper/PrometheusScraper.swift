import AsyncHTTPClient
import Logging
import SentinelCore
import SentinelEvaluate
import Synchronization

/// Scrapes Prometheus `/metrics` endpoints, each on its own fixed schedule, and hands every scrape's events to an
/// `EventSink` in one `submit` call, all stamped with the time the scrape ended (see `scrape(targetAt:)`).
///
/// A failed scrape never ends the loop: it becomes a `scrape_error` event, `up 0`, and one warning log line.
/// Samples of renamed vLLM metrics are emitted under their current names (`MetricRenames.vllm`).
///
/// ```swift
/// let scraper = PrometheusScraper(targets: [target], sink: queue)
/// await withDiscardingTaskGroup { group in
///     group.addTask { await scraper.run() }  // returns once the group is cancelled
///     …
/// }
/// scraper.health()  // one `TargetHealth` per target, from any thread
/// ```
public final class PrometheusScraper: Sendable {
    /// The targets, in the order `health()` reports them and `scrape(targetAt:)` indexes them.
    public let targets: [ScrapeTarget]
    let sink: any EventSink
    /// Each target's client: the one given, or the scraper's own for the target's body size limit.
    let clients: [HTTPClient]
    let logger: Logger
    let encoders: [ScrapeEventEncoder]
    let healthState: Mutex<[TargetHealth]>
    /// When each target's failures are logged: as they start or change, then once a minute (a target down under a
    /// 1 s interval logged every second; its `scrape_error` events say each one).
    private let failureLogs: Mutex<[RepeatedFailureReport<ScrapeFailure>]>

    /// - Parameters:
    ///   - client: the HTTP client to scrape with. By default, one that asks for `gzip` and stops decompressing at
    ///     the target's body size limit (`HTTPClient.shared` stops at 25 times the compressed size).
    ///   - renames: metric renames applied to every target's samples.
    public init(
        targets: [ScrapeTarget], sink: any EventSink, client: HTTPClient? = nil, renames: MetricRenames = .vllm,
        logger: Logger = Logger(label: "sentinel.scrape")
    ) {
        self.targets = targets
        self.sink = sink
        clients = targets.map { client ?? Self.client(bodySizeLimit: $0.bodySizeLimit) }
        self.logger = logger
        encoders = targets.map { ScrapeEventEncoder(target: $0, renames: renames) }
        healthState = Mutex(targets.map { TargetHealth(job: $0.name, instance: $0.instance, url: $0.url) })
        failureLogs = Mutex(targets.map { _ in RepeatedFailureReport() })
    }

    /// Scrapes every target until the task is cancelled. Each target's scrapes start at fixed multiples of its
    /// interval from the first (a scrape that overruns skips the starts it missed), so the schedule does not drift.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for index in targets.indices {
                group.addTask { await self.runSchedule(of: index) }
            }
        }
    }


    /// The targets' health, in the order of `targets`.
    public func health() -> [TargetHealth] {
        healthState.withLock { $0 }
    }

    private func runSchedule(of index: Int) async {
        let clock = ContinuousClock()
        let interval = targets[index].interval
        var next = clock.now
        while !Task.isCancelled {
            let lines = await scrape(targetAt: index)
            guard !Task.isCancelled else { return }
            await sink.submit(lines)
            next = Self.nextStart(after: next, now: clock.now, interval: interval)
            do {
                try await Task.sleep(until: next, clock: clock)
            } catch {
                return
            }
        }
    }

    /// The first start on the grid `previous + k × interval` (k ≥ 1) that is later than `now`: a scrape that
    /// overran its interval skips the starts it missed instead of shifting the grid.
    static func nextStart<Instant: InstantProtocol>(after previous: Instant, now: Instant, interval: Instant.Duration)
        -> Instant
    {
        var next = previous
        repeat { next = next.advanced(by: interval) } while next <= now
        return next
    }

    /// Scrapes one target once, records its health, and returns the scrape's lines (without submitting them).
    /// A scrape cancelled midway returns no lines and leaves the health as it was.
    ///
    /// Every line has the time the scrape ended (the body arrived and was parsed, or the scrape failed): when
    /// Sentinel observed the values, and no earlier than the events other sources submit meanwhile, so a slow or
    /// hanging target's events (its `up 0` included) are not late on the engine's one event-time clock. Prometheus
    /// stamps the start, but keeps a clock per series; here that would make a scrape up to its timeout old.
    public func scrape(targetAt index: Int) async -> [String] {
        let target = targets[index]
        let startMillis = WallClock.now()
        let started = ContinuousClock.now
        let outcome = await fetchExposition(targetAt: index)
        let duration = started.duration(to: .now)
        let endMillis = WallClock.now()
        guard !Task.isCancelled else { return [] }

        let encoder = encoders[index]
        let timestamp = Timestamp.format(endMillis)
        var lines: [String]
        switch outcome {
        case .success(let exposition):
            let metrics = encoder.metricLines(exposition, timestamp: timestamp)
            lines = metrics.lines
            lines += encoder.syntheticLines(
                up: true, duration: duration, samplesScraped: exposition.samples.count, timestamp: timestamp)
            failureLogs.withLock { $0[index].ended() }
            let hadDuplicates = healthState.withLock {
                let before = $0[index].duplicateSamplesLastScrape
                $0[index].record(
                    startMillis: startMillis, duration: duration, failure: nil, samples: exposition.samples.count,
                    created: exposition.createdSampleCount, duplicates: metrics.duplicates)
                return before > 0
            }
            // Once when a target starts repeating series, not on every scrape while it does.
            if metrics.duplicates > 0 && !hadDuplicates {
                logger.warning(
                    "duplicate series dropped, the first sample of each kept",
                    metadata: ["job": "\(target.name)", "url": "\(target.url)", "samples": "\(metrics.duplicates)"])
            }
        case .failure(let failure):
            lines = [encoder.errorLine(failure, timestamp: timestamp)]
            lines += encoder.syntheticLines(up: false, duration: duration, samplesScraped: 0, timestamp: timestamp)
            healthState.withLock {
                $0[index].record(
                    startMillis: startMillis, duration: duration, failure: failure, samples: 0, created: 0,
                    duplicates: 0)
            }
            if let repeats = failureLogs.withLock({ $0[index].shouldReport(failure) }) {
                var metadata: Logger.Metadata = ["job": "\(target.name)", "url": "\(target.url)", "error": "\(failure)"]
                if repeats > 0 { metadata["unlogged_failures"] = "\(repeats)" }
                logger.warning("scrape failed", metadata: metadata)
            }
        }
        return lines
    }
}
