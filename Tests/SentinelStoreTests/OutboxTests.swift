import Foundation
import SentinelAct
import SentinelStore
import Testing

@Suite struct OutboxTests {
    /// Pending, delivered, abandoned.
    private func counts(_ f: StoreFixture) throws -> [Int] {
        let counts = try f.store.outboxCounts()
        return [counts.pending, counts.delivered, counts.abandoned]
    }

    @Test func dueEntriesAreUndeliveredAndDueOldestFirst() throws {
        let f = try StoreFixture()
        try f.store.append(
            StoreBatch(outbox: [Make.notification(id: "n-1"), Make.notification(id: "n-2")], queuedAt: 1_000))
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "n-3")], queuedAt: 2_000))

        #expect(try f.store.dueOutbox(now: 999, limit: 10).isEmpty)
        #expect(try f.store.dueOutbox(now: 1_000, limit: 10).map(\.notification.id) == ["n-1", "n-2"])
        #expect(try f.store.dueOutbox(now: 5_000, limit: 10).map(\.notification.id) == ["n-1", "n-2", "n-3"])
        #expect(try f.store.dueOutbox(now: 5_000, limit: 1).map(\.notification.id) == ["n-1"])
    }

    @Test func theLimitIsPerReceiverSoOneBacklogHidesNoOtherReceiver() throws {
        let f = try StoreFixture()
        var backlog = (1...5).map { i in
            var n = Make.notification(id: "slow-\(i)")
            n.receiver = "slow"
            return n
        }
        var other = Make.notification(id: "fast-1")
        other.receiver = "fast"
        backlog.append(other)
        try f.store.append(StoreBatch(outbox: backlog, queuedAt: 0))
        #expect(try f.store.dueOutbox(now: 0, limit: 2).map(\.notification.id) == ["slow-1", "slow-2", "fast-1"])
    }

    @Test func entriesWithoutAQueueTimeAreStampedWithTheWallClockWhenAppended() throws {
        let f = try StoreFixture()
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "n-1", time: 0)]))
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        let entry = try #require(try f.store.dueOutbox(now: after, limit: 1).first)
        #expect((before...after).contains(entry.createdAt))
        #expect(entry.nextAttemptAt == entry.createdAt)
    }

    @Test func failedDeliveryWaitsUntilItsNextAttemptAndCountsAttempts() throws {
        let f = try StoreFixture()
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "n-1")], queuedAt: 0))
        let id = try #require(try f.store.dueOutbox(now: 0, limit: 1).first).id

        try f.store.markFailed(outboxID: id, error: "HTTP 503", nextAttemptAt: 500, abandon: false)
        #expect(try f.store.dueOutbox(now: 499, limit: 10).isEmpty)
        try f.store.markFailed(outboxID: id, error: "connection refused", nextAttemptAt: 1_500, abandon: false)

        let entry = try #require(try f.store.dueOutbox(now: 1_500, limit: 10).first)
        #expect(entry.attempts == 2)
        #expect(entry.lastError == "connection refused")
        #expect(entry.nextAttemptAt == 1_500)
        #expect(try counts(f) == [1, 0, 0])
    }

    @Test func deliveredAndAbandonedEntriesAreNeverDueAgain() throws {
        let f = try StoreFixture()
        try f.store.append(
            StoreBatch(outbox: ["n-1", "n-2", "n-3"].map { Make.notification(id: $0) }, queuedAt: 0))
        let ids = try f.store.dueOutbox(now: 0, limit: 10).map(\.id)

        try f.store.markDelivered(outboxID: ids[0], at: 10)
        try f.store.markFailed(outboxID: ids[1], error: "HTTP 400", nextAttemptAt: 0, abandon: true)

        #expect(try f.store.dueOutbox(now: .max, limit: 10).map(\.id) == [ids[2]])
        #expect(try counts(f) == [1, 1, 1])
    }

    @Test func countsOfAnEmptyOutboxAreZero() throws {
        let f = try StoreFixture()
        #expect(try counts(f) == [0, 0, 0])
    }

    @Test func notificationLogKeepsTheLatestEntryPerReceiverAndGroup() throws {
        let f = try StoreFixture()
        let first = Dispatcher.LogEntry(
            receiver: "oncall", groupKey: "g1", sentAt: 1, firing: ["a"], resolved: [])
        let other = Dispatcher.LogEntry(
            receiver: "team", groupKey: "g1", sentAt: 1, firing: ["a"], resolved: [])
        try f.store.append(StoreBatch(notificationLog: [first, other]))

        let later = Dispatcher.LogEntry(
            receiver: "oncall", groupKey: "g1", sentAt: 2, firing: [], resolved: ["a"])
        try f.store.append(StoreBatch(notificationLog: [later]))

        #expect(try f.store.notificationLog() == [later, other])
    }
}
