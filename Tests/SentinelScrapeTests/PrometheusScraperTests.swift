import Foundation
import Hummingbird
import NIOCore
import SentinelCore
import SentinelEvaluate
import SentinelScrape
import SentinelTestSupport
import Testing

/// The scraper against a real HTTP server on loopback.
@Suite(.timeLimit(.minutes(1))) struct PrometheusScraperTests {
    static let fixture = VLLMExposition(models: ["olmo-2-1b", "qwen3-8b"], names: .both).render()

    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: fixture.text)))
        }
        router.get("delayed") { _, _ -> String in
            try await Task.sleep(for: .milliseconds(120))
            return "m 1\n"
        }
        router.get("error") { _, _ in Response(status: .internalServerError) }
        router.get("no-content") { _, _ in Response(status: .noContent) }
        router.get("partial") { _, _ in Response(status: .partialContent, body: .init(byteBuffer: ByteBuffer(string: "m 1\n"))) }
        router.get("garbage") { _, _ in "<html><body>oops</body></html>\n" }
        router.get("slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(5))
            return "m 1\n"
        }
        router.get("slow-body") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "m 1\n"))
                    try await Task.sleep(for: .seconds(5))
                    try await writer.write(ByteBuffer(string: "n 2\n"))
                    try await writer.finish(nil)
                })
        }
        router.get("big") { _, _ in String(repeating: "m 1\n", count: 300_000) }
        router.get("many") { _, _ in (0..<5_001).map { "m{i=\"\($0)\"} 1\n" }.joined() }
        router.get("duplicated") { _, _ in "# TYPE c counter\nc_total{a=\"1\",b=\"2\"} 5\nc_total{b=\"2\",a=\"1\"} 125\n" }
        // Comments compress about 150 times: 400 KB of them in 3 KB, and 2 MiB (over the 1 MiB limit) in 14 KB.
        router.get("gzip") { request, _ in
            gzipped(request, Gzip.compress(prefix: "m 1\nn 2\n", period: "# padding, compressed well\n", count: 15_000))
        }
        router.get("gzip-bomb") { request, _ in
            gzipped(request, Gzip.compress(prefix: "m 1\n", period: "#\n", count: 1 << 20))
        }
        router.get("gzip-invalid") { request, _ in gzipped(request, Array("m 1\n".utf8)) }
        router.get("big-chunked") { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<20 { try await writer.write(ByteBuffer(repeating: UInt8(ascii: "\n"), count: 65_536)) }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    /// `bytes` as a `gzip` body, or `406` if the request does not accept gzip.
    static func gzipped(_ request: Request, _ bytes: [UInt8]) -> Response {
        guard request.headers[.acceptEncoding]?.contains("gzip") == true else { return Response(status: .notAcceptable) }
        return Response(
            status: .ok, headers: [.contentEncoding: "gzip", .contentType: "text/plain; version=0.0.4"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func target(_ port: Int, _ path: String, interval: Duration = .seconds(5), timeout: Duration = .seconds(2))
        throws -> ScrapeTarget
    {
        try ScrapeTarget(
            name: "vllm", url: "http://127.0.0.1:\(port)/\(path)", interval: interval, timeout: timeout,
            labels: ["cluster": "eu-1"], bodySizeLimit: 1 << 20, sampleLimit: 5_000)
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func scrapesAVLLMExposition() async throws {
        try await MetricsServer.with(Self.router()) { port in
            let log = LogRecorder()
            let scraper = PrometheusScraper(
                targets: [try Self.target(port, "metrics", interval: .seconds(10), timeout: .seconds(10))], sink: CollectingSink(), logger: log.logger)
            let lines = await scraper.scrape(targetAt: 0)
            #expect(log.recorded.isEmpty)
            let events = try lines.map(Self.object)

            let superseded = 2 * (3 + VLLMExposition.tokenLatencyBuckets.count + 3)
            #expect(lines.count == Self.fixture.samples - Self.fixture.created - superseded + 3)
            #expect(Set(events.map { $0["kind"] as? String }) == ["metric"])
            #expect(Set(events.map { $0["ts"] as? String }).count == 1)
            let waiting = try #require(events.first { $0["name"] as? String == "vllm:num_requests_waiting" })
            #expect(waiting["labels"] as? [String: String] == [
                "model_name": "olmo-2-1b", "engine": "0", "cluster": "eu-1", "instance": "127.0.0.1:\(port)", "job": "vllm",
            ])
            #expect(waiting["type"] as? String == "gauge")
            #expect(events.contains { $0["name"] as? String == "vllm:kv_cache_usage_perc" })
            #expect(!events.contains { $0["renamed_from"] != nil })
            #expect(lines.suffix(3).map { try? Self.object($0)["name"] as? String } == [
                "up", "scrape_duration_seconds", "scrape_samples_scraped",
            ])
            #expect(events[events.count - 3]["value"] as? Int == 1)
            #expect(events[events.count - 1]["value"] as? Int == Self.fixture.samples)

            let health = try #require(scraper.health().first)
            #expect(health.up)
            #expect(health.scrapes == 1 && health.failures == 0)
            #expect(health.lastError == nil)
            #expect(health.samplesLastScrape == Self.fixture.samples)
            #expect(health.createdSamplesLastScrape == Self.fixture.created)
            #expect(health.lastScrapeMillis != nil && health.lastScrapeDuration != nil)
            #expect(health.instance == "127.0.0.1:\(port)")
        }
    }

    /// The engine has one event-time clock: a scrape stamped at its start would be up to its timeout old when it is
    /// submitted, and dropped as late once other sources have moved event time on.
    @Test(arguments: [("delayed", Duration.seconds(5)), ("slow", .milliseconds(300))])
    func eventsAreStampedWhenTheScrapeEndedNotWhenItStarted(path: String, timeout: Duration) async throws {
        try await MetricsServer.with(Self.router()) { port in
            let target = try Self.target(port, path, interval: .seconds(10), timeout: timeout)
            let scraper = PrometheusScraper(targets: [target], sink: CollectingSink(), logger: LogRecorder().logger)
            let before = WallClock.now()
            let lines = await scraper.scrape(targetAt: 0)
            let after = WallClock.now()
            // `delayed` answers after 120 ms; `slow` fails at its 300 ms timeout.
            let took: Int64 = path == "delayed" ? 120 : 300
            let stamps = try Set(lines.map { try #require(Timestamp.parseRFC3339(try Self.object($0)["ts"] as? String ?? "")) })
            #expect(stamps.count == 1)
            let stamp = try #require(stamps.first)
            #expect(stamp >= before + took && stamp <= after, "stamped \(stamp - before) ms after the start")
            #expect(scraper.health()[0].lastScrapeMillis.map { $0 < before + took } == true, "health keeps the start")
        }
    }

    @Test(arguments: [
        ("error", "server returned HTTP status 500", 500),
        ("no-content", "server returned HTTP status 204", 204),
        ("partial", "server returned HTTP status 206", 206),
        ("garbage", "invalid exposition: line 1, column 1: expected a metric name, found '<'", nil),
        ("slow", "no complete response within 0.3s", nil),
        ("slow-body", "no complete response within 0.3s", nil),
        ("big", "response body larger than 1 MiB", nil),
        ("big-chunked", "response body larger than 1 MiB", nil),
        ("gzip-bomb", "response body: gzip data larger than 1 MiB when decompressed", nil),
        ("gzip-invalid", "response body: invalid gzip data", nil),
        ("many", "more than 5000 samples, the target's sample limit", nil),
    ])
    func aFailedScrapeIsAScrapeErrorAndUpZero(path: String, error: String, status: Int?) async throws {
        try await MetricsServer.with(Self.router()) { port in
            // Only the slow cases need the short timeout; the others get a long one, so that a loaded machine
            // cannot turn their failure into a timeout.
            let timeout: Duration = path.hasPrefix("slow") ? .milliseconds(300) : .seconds(10)
            let target = try Self.target(port, path, interval: .seconds(10), timeout: timeout)
            let log = LogRecorder()
            let scraper = PrometheusScraper(targets: [target], sink: CollectingSink(), logger: log.logger)
            let started = ContinuousClock.now
            let lines = await scraper.scrape(targetAt: 0)
            // Well under the slow routes' 5 s, with room for a loaded machine's late timer.
            #expect(started.duration(to: .now) < timeout + .seconds(4), "the timeout covers the whole scrape")
            try Self.expectFailure(lines, url: target.url, instance: "127.0.0.1:\(port)", error: error, status: status)

            let health = try #require(scraper.health().first)
            #expect(!health.up)
            #expect(health.scrapes == 1 && health.failures == 1)
            #expect(health.lastError?.description == error)
            #expect(health.samplesLastScrape == 0)
            #expect(log.recorded == ["warning scrape failed error=\(error) job=vllm url=\(target.url)"])
        }
    }

    /// vLLM's metrics compress better than `HTTPClient.shared`'s limit of 25 times allows (33 times for four engines).
    @Test func aGzipBodyThatCompressesWellIsDecompressedUpToTheBodySizeLimit() async throws {
        try await MetricsServer.with(Self.router()) { port in
            let log = LogRecorder()
            let scraper = PrometheusScraper(
                targets: [try Self.target(port, "gzip", interval: .seconds(10), timeout: .seconds(10))], sink: CollectingSink(),
                logger: log.logger)
            let lines = await scraper.scrape(targetAt: 0)
            #expect(log.recorded.isEmpty)
            #expect(try lines.map { try Self.object($0)["name"] as? String } == [
                "m", "n", "up", "scrape_duration_seconds", "scrape_samples_scraped",
            ])
            #expect(scraper.health()[0].up)
        }
    }

    /// Prometheus keeps the first sample of a series and drops the rest; emitting both would look like a change of
    /// value (an `increase` of 120 here) of a counter that never changed.
    @Test func aRepeatedSeriesIsDroppedCountedAndLoggedOnceWhileItLasts() async throws {
        try await MetricsServer.with(Self.router()) { port in
            let log = LogRecorder()
            let scraper = PrometheusScraper(
                targets: [try Self.target(port, "duplicated", interval: .seconds(10), timeout: .seconds(10))], sink: CollectingSink(),
                logger: log.logger)
            for _ in 0..<2 {
                let counters = try await scraper.scrape(targetAt: 0).map(Self.object).filter { $0["name"] as? String == "c_total" }
                #expect(counters.map { $0["value"] as? Int } == [5])
            }
            let health = scraper.health()[0]
            #expect(health.duplicateSamplesLastScrape == 1 && health.duplicateSamples == 2)
            #expect(health.samplesLastScrape == 2, "scrape_samples_scraped counts every sample, as Prometheus does")
            #expect(log.recorded == [
                "warning duplicate series dropped, the first sample of each kept job=vllm samples=1 url=\(scraper.targets[0].url)"
            ])
        }
    }

    @Test func aRefusedConnectionIsAScrapeError() async throws {
        let target = try ScrapeTarget(name: "vllm", url: "http://127.0.0.1:1/metrics", timeout: .milliseconds(500))
        let scraper = PrometheusScraper(targets: [target], sink: CollectingSink(), logger: LogRecorder().logger)
        let lines = await scraper.scrape(targetAt: 0)
        let error = try #require(try Self.object(lines[0])["error"] as? String)
        #expect(error.hasPrefix("connection failed: Connection refused (errno "))
        try Self.expectFailure(lines, url: target.url, instance: "127.0.0.1:1", error: error, status: nil)
        guard case .connection = scraper.health()[0].lastError else {
            Issue.record("expected a connection failure, got \(String(describing: scraper.health()[0].lastError))")
            return
        }
    }

    static func expectFailure(_ lines: [String], url: String, instance: String, error: String, status: Int?) throws {
        try #require(lines.count == 4)
        let scrapeError = try object(lines[0])
        #expect(scrapeError["kind"] as? String == "scrape_error")
        #expect(scrapeError["target"] as? String == "vllm")
        #expect(scrapeError["instance"] as? String == instance)
        #expect(scrapeError["url"] as? String == url)
        #expect(scrapeError["error"] as? String == error)
        if let status {
            #expect(scrapeError["status"] as? Int == status)
        } else {
            #expect(scrapeError["status"] is NSNull)
        }
        #expect(Array(lines[0].utf8.prefix(7)) == Array(#"{"ts":""#.utf8))
        let synthetic = try lines.dropFirst().map(object)
        #expect(synthetic.map { $0["name"] as? String } == ["up", "scrape_duration_seconds", "scrape_samples_scraped"])
        #expect(synthetic[0]["value"] as? Int == 0)
        #expect(synthetic[2]["value"] as? Int == 0)
    }
}
