import AsyncHTTPClient
import Foundation
import NIOCore
import SentinelCore

/// Adversarial traffic against an LLM deployment: prompts from datasets, sent by simulated users at Poisson
/// arrival times, judged by a guard, and recorded as `completion` and `error` events.
///
/// The load is open-loop: each arrival starts at its scheduled time whatever the earlier ones are doing, and
/// latencies are measured from that time, so a slow server shows up as latency rather than as a slower schedule
/// (no coordinated omission). At most `concurrency` exchanges are in flight; an arrival beyond that is shed and
/// recorded as a `shed` event.
///
/// ```swift
/// let simulator = try Simulator(configuration: configuration, sink: sink)
/// try await simulator.run()   // until the limit, the duration, or cancellation
/// print(simulator.statistics.achievedRate)
/// ```
public final class Simulator: Sendable {
    /// What the simulator was made with.
    public let configuration: SimulatorConfiguration
    /// The prompts it deals, in a seeded shuffled order.
    public let prompts: [Prompt]
    /// Prompt rows that could not be used, with their file, line and column.
    public let skippedRows: [PromptSourceError]
    private let sink: any EventSink
    private let httpClient: HTTPClient?
    private let recorder = StatisticsRecorder()
    /// Names this simulator's exchanges (`c-<run>-000042`): the clock's milliseconds at its making and a random
    /// number, in base 36, so that two runs (a restart against the same store) never give two exchanges one id.
    public let runID =
        String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) + String(UInt16.random(in: 1296...46655), radix: 36)

    /// A simulator over the configuration's prompt files; fails when a file cannot be read or has no usable row.
    ///
    /// Without an `httpClient`, each run makes its own, with a connection pool as large as the concurrency cap
    /// (the shared client keeps 8 connections per host, which would queue requests inside the client).
    public convenience init(
        configuration: SimulatorConfiguration, sink: any EventSink, httpClient: HTTPClient? = nil
    ) throws(PromptSourceError) {
        let (prompts, skipped) = try PromptSource.read(configuration.promptFiles)
        guard !prompts.isEmpty else {
            throw PromptSourceError(
                file: configuration.promptFiles.joined(separator: ", "), message: "no usable prompts")
        }
        self.init(
            configuration: configuration, prompts: prompts, skippedRows: skipped, sink: sink, httpClient: httpClient)
    }

    /// A simulator over `prompts` (at least one).
    public init(
        configuration: SimulatorConfiguration, prompts: [Prompt], skippedRows: [PromptSourceError] = [],
        sink: any EventSink, httpClient: HTTPClient? = nil
    ) {
        precondition(!prompts.isEmpty, "a simulation needs at least one prompt")
        self.configuration = configuration
        self.prompts = prompts
        self.skippedRows = skippedRows
        self.sink = sink
        self.httpClient = httpClient
    }

    /// Counters and quantiles so far; safe to read from any thread while `run()` runs.
    public var statistics: SimulatorStatistics { recorder.snapshot }

    /// Sends arrivals until the limit or the duration is reached, then waits for the exchanges in flight; when
    /// cancelled, stops at once (exchanges cut short report nothing).
    public func run() async throws {
        guard let client = httpClient else {
            let owned = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.clientConfiguration(configuration)
            )
            await schedule(owned)
            try await owned.shutdown()
            return
        }
        await schedule(client)
    }

    private func schedule(_ client: HTTPClient) async {
        let configuration = configuration
        let frontier = configuration.frontier
        let chat = ChatClient(
            baseURL: frontier.baseURL, apiKey: frontier.apiKey, timeouts: frontier.timeouts, httpClient: client)
        let guardClient = configuration.moderation.map {
            GuardClient(
                baseURL: $0.baseURL, model: $0.model, format: $0.format, apiKey: $0.apiKey, timeouts: $0.timeouts,
                httpClient: client)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let wallStart = Int64((Date().timeIntervalSince1970 * 1_000).rounded())
        let timestamp: @Sendable (ContinuousClock.Instant) -> Int64 = {
            wallStart + Int64(($0 - start).milliseconds.rounded())
        }
        recorder.begin(at: start)
        var arrivals = PoissonSchedule(rate: configuration.rate, seed: configuration.seed)
        var deck = PromptDeck(prompts, users: configuration.users, seed: configuration.seed)
        var count = 0
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                if let limit = configuration.limit, count >= limit { break }
                let offset = arrivals.next()
                if let duration = configuration.duration, offset > duration { break }
                let due = start + offset
                if due > clock.now {
                    do {
                        try await clock.sleep(until: due)
                    } catch {
                        break
                    }
                }
                count += 1
                let (prompt, user) = deck.next()
                let now = clock.now
                var exchange = Exchange(id: "", prompt: prompt, user: user, scheduled: due)
                let admitted = recorder.arrive(at: now, lag: now - due, cap: configuration.concurrency) { number in
                    exchange.id = Self.exchangeID(number, run: runID)
                    return exchange.shedLine(at: timestamp(now), configuration: configuration)
                }
                guard let number = admitted else { continue }
                exchange.id = Self.exchangeID(number, run: runID)
                let started = exchange
                group.addTask {
                    let outcome = await started.perform(
                        chat: chat, guardClient: guardClient, configuration: configuration)
                    await self.report(started, outcome, at: timestamp(.now))
                }
            }
        }
        let shed = recorder.takeShed()
        if !shed.isEmpty { await sink.submit(shed) }
    }

    /// Hands the exchange's events (and shed events waiting) to the sink, then frees its slot: a sink that makes
    /// exchanges wait keeps them in flight, so a slow sink leads to shedding, not to an unbounded queue.
    private func report(_ exchange: Exchange, _ outcome: Exchange.Outcome, at timestamp: Int64) async {
        let cancelled = outcome.wasCancelled || Task.isCancelled
        let (lines, errors) =
            cancelled ? ([], []) : exchange.events(outcome, at: timestamp, configuration: configuration)
        let batch = recorder.takeShed() + lines
        if !batch.isEmpty { await sink.submit(batch) }
        let completion = try? outcome.completion?.get()
        recorder.finish(
            completed: !cancelled && (completion != nil || outcome.blockedAfter != nil),
            blocked: !cancelled && outcome.blockedAfter != nil, cancelled: cancelled, errors: errors,
            latency: cancelled ? nil : completion?.latency,
            timeToFirstToken: cancelled ? nil : completion?.timeToFirstToken)
    }

    /// `c-<run>-000042`.
    static func exchangeID(_ number: Int, run: String) -> String {
        let digits = String(number)
        return "c-\(run)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A client whose pool holds a connection per exchange in flight, frontier and guard each, and that reports a
    /// refused connection at once (retrying until the connect timeout would turn it into a timeout).
    static func clientConfiguration(_ configuration: SimulatorConfiguration) -> HTTPClient.Configuration {
        var client = HTTPClient.Configuration()
        let connect = configuration.frontier.timeouts.connect
        client.timeout = .init(connect: .nanoseconds(Int64(connect.milliseconds * 1e6)), read: nil)
        let (connections, overflow) = configuration.concurrency.multipliedReportingOverflow(by: 2)
        client.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: overflow ? .max : max(8, connections)
        )
        client.connectionPool.retryConnectionEstablishment = false
        client.decompression = .disabled
        return client
    }
}
