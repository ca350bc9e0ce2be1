import Foundation
import SentinelScrape
import SentinelTestSupport
import Testing
import VLLMDouble

/// The scraper against the vLLM stand-in's own `/metrics`: the two agree on the format.
@Suite(.timeLimit(.minutes(1))) struct VLLMDoubleScrapeTests {
    @Test func scrapesTheVLLMDoubleWithoutErrors() async throws {
        try await VLLMDouble.withRunning { url in
            let target = try ScrapeTarget(name: "vllm", url: url.appendingPathComponent("metrics").absoluteString)
            let scraper = PrometheusScraper(targets: [target], sink: CollectingSink(), logger: LogRecorder().logger)
            let lines = await scraper.scrape(targetAt: 0)
            let health = try #require(scraper.health().first)
            #expect(health.up, "\(String(describing: health.lastError))")
            #expect(health.samplesLastScrape > 0)
            #expect(lines.contains { $0.contains(#""name":"vllm:num_requests_waiting""#) })
            #expect(lines.contains { $0.contains(#""name":"vllm:time_to_first_token_seconds_bucket""#) })
        }
    }
}
