import Foundation
import SentinelEvaluate
import SentinelTestSupport
import Testing

@testable import SentinelScrape

/// The scraper's schedule: starts on a fixed grid, a scrape that overruns skips the starts it missed.
struct ScrapeScheduleTests {
    let start = ContinuousClock.now

    @Test func theNextStartIsOneIntervalOnWhenTheScrapeWasQuick() {
        let next = PrometheusScraper.nextStart(
            after: start, now: start.advanced(by: .milliseconds(120)), interval: .seconds(1))
        #expect(next == start.advanced(by: .seconds(1)))
    }

    @Test func aScrapeThatOverrunsSkipsTheStartsItMissedAndStaysOnTheGrid() {
        let next = PrometheusScraper.nextStart(
            after: start, now: start.advanced(by: .milliseconds(2_300)), interval: .seconds(1))
        #expect(next == start.advanced(by: .seconds(3)))
    }

    @Test func aScrapeEndingExactlyOnAStartSkipsIt() {
        let next = PrometheusScraper.nextStart(
            after: start, now: start.advanced(by: .seconds(1)), interval: .seconds(1))
        #expect(next == start.advanced(by: .seconds(2)))
    }
}

/// The schedule against a real HTTP server on wall-clock time. A `TimingTests` suite: `test.sh` runs it on its own
/// after the parallel run, so that other tests do not starve its wake-ups.
@Suite(.timeLimit(.minutes(1))) struct ScrapeScheduleTimingTests {
    private typealias Server = PrometheusScraperTests

    @Test func runScrapesEachTargetOnItsOwnFixedScheduleUntilCancelled() async throws {
        try await MetricsServer.with(Server.router()) { port in
            let sink = CollectingSink()
            let scraper = PrometheusScraper(
                targets: [
                    try Server.target(port, "delayed", interval: .seconds(1), timeout: .milliseconds(900)),
                    try Server.target(port, "error", interval: .seconds(1), timeout: .milliseconds(900)),
                ], sink: sink, logger: LogRecorder().logger)
            let batches = await withTaskGroup { group in
                group.addTask { await scraper.run() }
                let batches = await sink.first(10)
                group.cancelAll()
                return batches
            }
            for batch in batches {
                #expect(try Server.object(batch.last!)["name"] as? String == "scrape_samples_scraped")
            }
            let delayed = try batches.filter { try Server.object($0[0])["kind"] as? String == "metric" }
            let failed = try batches.filter { try Server.object($0[0])["kind"] as? String == "scrape_error" }
            // Of 10 batches most come from each target; a starved machine can tilt the share a little.
            #expect(delayed.count >= 3 && failed.count >= 3)

            // Each scrape of `delayed` takes 120 ms, and is stamped when it ended. Scrapes start on the interval's
            // grid (a late wake-up or a skipped start aside), so the stamps keep one phase; waiting an interval after
            // each scrape would put the fourth 360 ms off it. The tolerance is wide so that a loaded machine's late
            // wake-ups do not fail the test.
            let stamps = try delayed.map { batch in
                try #require(Timestamp.parseRFC3339(try Server.object(batch[0])["ts"] as? String ?? ""))
            }
            for stamp in stamps.prefix(4) {
                let phase = ((stamp - stamps[0]) % 1000 + 1000) % 1000
                #expect(phase < 300 || phase > 700, "stamps \(stamps)")
            }

            let health = scraper.health()
            // `up` is the last scrape's outcome. The delayed target answers in 120 ms of its 900 ms timeout, but on a
            // machine starved by the parallel test run its last scrape can time out (this flaked in CI); anything
            // else is a failure.
            if case .timeout = health[0].lastError {} else {
                #expect(health[0].up, "last error: \(String(describing: health[0].lastError))")
            }
            #expect(!health[1].up)
            #expect(health[0].scrapes >= 3 && health[0].failures < health[0].scrapes)
            #expect(health[1].scrapes == health[1].failures)
        }
    }
}
