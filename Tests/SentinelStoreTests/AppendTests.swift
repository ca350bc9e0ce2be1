import SentinelAct
import SentinelStore
import Testing

@Suite struct AppendTests {
    @Test func returnsFindingIdsInBatchOrder() throws {
        let f = try StoreFixture()
        let ids = try f.store.append(StoreBatch(findings: [30, 10, 20].map { Make.finding(time: $0) }))
        #expect(ids.count == 3 && ids == ids.sorted())
        #expect(try ids.map { try f.store.finding(id: $0)?.time } == [30, 10, 20])
    }

    @Test func batchFailingMidwayLeavesNothing() throws {
        let f = try StoreFixture()
        var invalid = Make.finding(time: 3)
        invalid.version = 0  // violates the schema's `version >= 1`, after the transitions and one finding went in
        let batch = StoreBatch(
            transitions: [Make.transition(time: 1)], findings: [Make.finding(time: 2), invalid],
            outbox: [Make.notification(id: "n-1")],
            notificationLog: [
                Dispatcher.LogEntry(
                    receiver: "r", groupKey: "g", sentAt: 1, firing: [], resolved: [])
            ])

        let error = try #require(throws: StoreError.self) { try f.store.append(batch) }
        #expect(error.kind == .failed)
        #expect(error.description.contains(f.path))
        #expect(error.description.contains("append"))

        #expect(try f.store.findings(FindingQuery()).findings.isEmpty)
        #expect(try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10).isEmpty)
        #expect(try f.store.dueOutbox(now: .max, limit: 10).isEmpty)
        #expect(try f.store.notificationLog().isEmpty)
        // The store is still usable.
        #expect(try f.store.append(StoreBatch(findings: [Make.finding(time: 4)])).count == 1)
    }

    @Test func emptyBatchWritesNothing() throws {
        let f = try StoreFixture()
        #expect(try f.store.append(StoreBatch()) == [])
    }

    @Test func concurrentWritersAndReadersLoseNothing() async throws {
        let f = try StoreFixture()
        let store = f.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for step in 0..<10 {
                        if task % 2 == 0 {
                            let times = (0..<10).map { Int64(task * 1000 + step * 10 + $0) }
                            try store.append(StoreBatch(findings: times.map { Make.finding(time: $0) }))
                        } else {
                            _ = try store.findings(FindingQuery(limit: 50))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try f.store.findings(FindingQuery(limit: 1000)).findings.count == 400)
    }
}
