import Foundation
import SentinelAct
import SentinelStore
import Testing

@Suite struct CheckpointTests {
    /// Commits never checkpoint (that would fsync on the evaluation thread); the background checkpointer does, so
    /// the WAL is reused instead of growing with everything ever written.
    @Test func theWALIsCheckpointedInTheBackgroundAndReusedInsteadOfGrowing() throws {
        let fixture = try StoreFixture()
        let big = String(repeating: "x", count: 4_000)
        func write(from start: Int64) throws {
            for i in start..<(start + 1_000) {
                var finding = Make.finding(time: i)
                finding.raw = big
                try fixture.store.append(StoreBatch(findings: [finding]))
            }
        }
        func walBytes() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: fixture.path + "-wal")[.size] as? Int) ?? 0
        }
        try write(from: 0)
        let first = try walBytes()
        #expect(first > 4_000_000)
        // The checkpointer runs every second; give it a few on a busy machine.
        Thread.sleep(forTimeInterval: 3)
        try write(from: 1_000)
        // Without a checkpoint in between the WAL would now hold both rounds.
        #expect(try walBytes() < first + first / 2)
        #expect(try fixture.store.findings(FindingQuery(limit: 1000)).findings.count == 1000)
    }
}
