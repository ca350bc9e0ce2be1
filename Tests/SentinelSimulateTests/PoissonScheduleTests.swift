import AsyncHTTPClient
import SentinelCore
import Testing

@testable import SentinelSimulate

@Suite struct PoissonScheduleTests {
    private func gaps(rate: Double, seed: UInt64, count: Int) -> [Double] {
        var schedule = PoissonSchedule(rate: rate, seed: seed)
        var previous = Duration.zero
        return (0..<count).map { _ in
            let next = schedule.next()
            defer { previous = next }
            return (next - previous).seconds
        }
    }

    @Test(arguments: [(2_000.0, UInt64(42)), (50.0, UInt64(7)), (0.5, UInt64(1))])
    func meanRateIsWithinOnePercentOverAHundredThousandArrivals(rate: Double, seed: UInt64) {
        let gaps = gaps(rate: rate, seed: seed, count: 100_000)
        let achieved = Double(gaps.count) / gaps.reduce(0, +)
        // The mean of 100 000 exponential gaps has a relative standard error of 0.3 %.
        #expect(abs(achieved / rate - 1) < 0.01)
    }

    @Test func gapsAreExponential() {
        let gaps = gaps(rate: 100, seed: 3, count: 50_000)
        let mean = gaps.reduce(0, +) / Double(gaps.count)
        let variance = gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count)
        // Coefficient of variation 1, and P(gap > mean) = e^-1.
        #expect(abs(variance.squareRoot() / mean - 1) < 0.03)
        let aboveMean = Double(gaps.filter { $0 > mean }.count) / Double(gaps.count)
        #expect(abs(aboveMean - 0.3679) < 0.01)
        #expect(gaps.allSatisfy { $0 >= 0 })
    }

    @Test(arguments: [1e-12, 1e-308, Double.leastNonzeroMagnitude])
    func aTinyRateGivesArrivalsAtTheHorizonRatherThanOverflowing(rate: Double) {
        var schedule = PoissonSchedule(rate: rate, seed: 42)
        let offsets = (0..<3).map { _ in schedule.next() }
        let horizon = Duration.seconds(Int64(PoissonSchedule.horizon))
        #expect(offsets.allSatisfy { $0 <= horizon })
        #expect(offsets.last == horizon)
    }

    @Test func theClientPoolOfTheLargestConcurrencyDoesNotOverflow() {
        var configuration = SimulatorConfiguration(frontier: .init(baseURL: "http://127.0.0.1:1", model: "m"))
        configuration.concurrency = .max
        #expect(Simulator.clientConfiguration(configuration).connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == .max)
        configuration.concurrency = 100
        #expect(Simulator.clientConfiguration(configuration).connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit == 200)
    }

    @Test func sameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        #expect(gaps(rate: 10, seed: 9, count: 100) == gaps(rate: 10, seed: 9, count: 100))
        #expect(gaps(rate: 10, seed: 9, count: 100) != gaps(rate: 10, seed: 10, count: 100))
    }

    @Test func promptDeckDealsEveryPromptOncePerPassAndUsersFromThePool() {
        let prompts = (1...10).map { Prompt(text: "p\($0)", dataset: "t") }
        var deck = PromptDeck(prompts, users: 1_000, seed: 5)
        let firstPass = (0..<10).map { _ in deck.next() }
        #expect(Set(firstPass.map(\.prompt.text)).count == 10)
        #expect(firstPass.allSatisfy { $0.user.count == 6 && $0.user.hasPrefix("u-") })
        var again = PromptDeck(prompts, users: 1_000, seed: 5)
        #expect((0..<10).map { _ in again.next().user } == firstPass.map(\.user))
    }

    @Test func histogramQuantilesAreWithinABucket() {
        var histogram = LatencyHistogram()
        for ms in 1...1_000 { histogram.record(.milliseconds(ms)) }
        let p50 = histogram.quantile(0.5)!.milliseconds
        let p99 = histogram.quantile(0.99)!.milliseconds
        #expect(abs(p50 / 500 - 1) < 0.04)
        #expect(abs(p99 / 990 - 1) < 0.04)
        #expect(histogram.quantile(1) == .milliseconds(1_000))
        #expect(LatencyHistogram().quantile(0.5) == nil)
    }
}
