import Foundation
import Testing
import VLLMDouble

@Suite(.serialized) struct CollectorsTests {
    /// `sentinel run` with the simulator against a frontier and a Qwen3Guard double, and the scraper reading the
    /// frontier's `/metrics` and a port nobody listens on: all of it arrives as events in the tap and as metrics.
    @Test func simulatorAndScraperFeedTheLiveEngine() async throws {
        let guardConfiguration = VLLMDouble.Configuration(role: .guard, guardFormat: .qwen3guard, servedModelName: "qwen3guard")
        try await VLLMDouble.withRunning(VLLMDouble.Configuration(role: .frontier, servedModelName: "olmo-2-1b")) { frontier in
            try await VLLMDouble.withRunning(guardConfiguration) { guardURL in
                let dir = try SentinelProcess.temporaryDirectory()
                let root = SentinelProcess.packageRoot.path
                let config = dir.appendingPathComponent("sentinel.yaml")
                try """
                    rules: [\(root)/rules]
                    policies: [\(root)/policies]
                    tap: {dir: tap}
                    collectors:
                      scrape:
                        interval: 1s
                        timeout: 1s
                        targets:
                          - {name: vllm, url: "\(frontier.appendingPathComponent("metrics").absoluteString)", labels: {role: frontier}}
                          - {name: gone, url: "http://127.0.0.1:9/metrics"}
                      simulator:
                        frontier: {url: "\(frontier.absoluteString)", model: olmo-2-1b, timeout: 10s}
                        guard: {url: "\(guardURL.absoluteString)", model: qwen3guard, format: qwen3guard, timeout: 10s}
                        rate: 40
                        limit: 60
                        seed: 7
                        prompts: [\(root)/examples/prompts.jsonl]
                    """.write(to: config, atomically: true, encoding: .utf8)
                let sentinel = try LiveSentinel(["--config", config.path])
                let finished = try await sentinel.eventually(30) {
                    let done = try await sentinel.metric("sentinel_simulator_completions_total") ?? 0
                    let scrapes = try await sentinel.metric("sentinel_scrapes_total{job=\"vllm\",instance=\"\(frontier.host!):\(frontier.port!)\"}") ?? 0
                    return done >= 55 && scrapes >= 2
                }
                #expect(finished, "\(sentinel.stderr.suffix(3000))")
                let metrics = try await sentinel.get("/metrics").body
                #expect(metrics.contains("sentinel_scrape_up{job=\"vllm\",instance=\"\(frontier.host!):\(frontier.port!)\"} 1"))
                #expect(metrics.contains("sentinel_scrape_up{job=\"gone\",instance=\"127.0.0.1:9\"} 0"))
                #expect(try await sentinel.metric("sentinel_events_accepted_total{source=\"simulator\"}") ?? 0 >= 55)
                #expect(try await sentinel.metric("sentinel_events_accepted_total{source=\"scrape\"}") ?? 0 > 20)
                #expect(sentinel.stop() == 0)

                let tap = dir.appendingPathComponent("tap")
                let events = try LiveSentinel.tapEvents(tap)
                let completions = events.filter { $0["kind"] as? String == "completion" }
                #expect(completions.count >= 55)
                #expect(completions.allSatisfy { ($0["response_guard"] as? [String: Any])?["safety"] != nil })
                #expect(completions.contains { ($0["prompt_guard"] as? [String: Any])?["safety"] as? String == "unsafe" })
                let metricNames = Set(events.filter { $0["kind"] as? String == "metric" }.compactMap { $0["name"] as? String })
                #expect(metricNames.contains("vllm:num_requests_waiting"))
                #expect(metricNames.contains("vllm:time_to_first_token_seconds_bucket"))
                #expect(events.contains { $0["kind"] as? String == "scrape_error" && $0["target"] as? String == "gone" })

                // The recording replays: the live run's input is recorded traffic like any other.
                let files = try FileManager.default.contentsOfDirectory(atPath: tap.path).sorted().map { tap.appendingPathComponent($0).path }
                let replay = try SentinelProcess.run(["dry-run", "--quiet", "--strict", "--rules", "rules", "--policies", "policies"] + files)
                #expect(replay.status == 0, "\(replay.stderr)")
            }
        }
    }
}
