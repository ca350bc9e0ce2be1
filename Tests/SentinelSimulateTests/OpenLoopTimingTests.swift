import Foundation
import Testing
import VLLMDouble

@testable import SentinelSimulate

/// The simulator's open-loop schedule on wall-clock time. A `TimingTests` suite: `test.sh` runs it on its own after
/// the parallel run, so that other tests do not starve the schedule's wake-ups.
struct OpenLoopTimingTests {
    /// Open loop: a server ten times slower changes the latencies, not the arrival times; latency counts from the
    /// scheduled arrival, so it includes any wait.
    @Test func scheduleDoesNotDependOnResponseTime() async throws {
        let prompts = Array(repeating: SimulatorEndToEndTests.benign, count: 40)
        let configure: (inout SimulatorConfiguration) -> Void = { configuration in
            configuration.rate = 100
            configuration.seed = 11
        }
        let fast = try await SimulatorRun.run(prompts: prompts, configure: configure)
        let slow = try await SimulatorRun.run(
            prompts: prompts, frontier: .init(firstTokenDelay: .milliseconds(250)), configure: configure)
        #expect(fast.completions.count == 40 && slow.completions.count == 40)
        // Scheduled offsets, from each event: its time minus its latency, relative to the first arrival.
        func arrivals(_ run: SimulatorRun) -> [Double] {
            let pairs = run.completions.map { event in
                (event["id"] as! String, SimulatorRun.milliseconds(event["ts"])! - (event["latency_ms"] as! Double))
            }.sorted { $0.0 < $1.0 }
            return pairs.map { $0.1 - pairs[0].1 }
        }
        let differences = zip(arrivals(fast), arrivals(slow)).map { abs($0 - $1) }.sorted()
        #expect(
            differences[differences.count / 2] < 50, "median arrival shift \(differences[differences.count / 2]) ms")
        #expect(slow.statistics.latency.p50! >= .milliseconds(250))
        // Closed-loop, 40 requests of 250 ms would take 10 s; open-loop they arrive within about 0.4 s.
        #expect(slow.statistics.arrivalSpan < .seconds(2))
        // A schedule that waited for answers would lag by about a response time (250 ms) and growing.
        #expect(slow.statistics.scheduleLag.p50! < .milliseconds(50))
    }
}
