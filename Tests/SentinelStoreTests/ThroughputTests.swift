import Foundation
import SentinelStore
import Testing

@Suite struct ThroughputTests {
    /// A sanity figure, printed rather than asserted: machines and build modes differ too much for a bound.
    @Test func appendRateWithBatchesOfAHundred() throws {
        let f = try StoreFixture()
        let batches = 50
        let batch = StoreBatch(
            findings: (0..<100).map { i in
                Finding.from(
                    eventLine: Make.eventLine, rule: "UnsafeAnswerRate", fingerprint: "fp-\(i % 5)",
                    severity: "critical",
                    labels: ["model": "llama-3.1-8b", "team": "safety"], time: Int64(i))
            })
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<batches { try f.store.append(batch) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Int(Double(batches * 100) / seconds)
        print("SQLiteFindingsStore.append: \(batches * 100) findings in batches of 100, \(rate) findings/s")
        #expect(try f.store.findings(FindingQuery(limit: 1)).nextCursor != nil)
    }
}
