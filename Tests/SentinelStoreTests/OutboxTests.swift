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
            StoreBatch(
                outbox: [Make.notification(id: "n-1", groupKey: "g-1"), Make.notification(id: "n-2", groupKey: "g-2")],
                queuedAt: 1_000))
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "n-3", groupKey: "g-3")], queuedAt: 2_000))

        #expect(try f.store.dueOutbox(now: 999, limit: 10).isEmpty)
        #expect(try f.store.dueOutbox(now: 1_000, limit: 10).map(\.notification.id) == ["n-1", "n-2"])
        #expect(try f.store.dueOutbox(now: 5_000, limit: 10).map(\.notification.id) == ["n-1", "n-2", "n-3"])
        #expect(try f.store.dueOutbox(now: 5_000, limit: 1).map(\.notification.id) == ["n-1"])
    }

    @Test func theLimitIsPerReceiverSoOneBacklogHidesNoOtherReceiver() throws {
        let f = try StoreFixture()
        var backlog = (1...5).map { i in
            var n = Make.notification(id: "slow-\(i)", groupKey: "g-\(i)")
            n.receiver = "slow"
            return n
        }
        var other = Make.notification(id: "fast-1")
        other.receiver = "fast"
        backlog.append(other)
        try f.store.append(StoreBatch(outbox: backlog, queuedAt: 0))
        #expect(try f.store.dueOutbox(now: 0, limit: 2).map(\.notification.id) == ["slow-1", "slow-2", "fast-1"])
        // Receivers with deliveries under way are left out of the read.
        #expect(try f.store.dueOutbox(now: 0, limit: 2, excluding: ["slow"]).map(\.notification.id) == ["fast-1"])
        #expect(try f.store.dueOutbox(now: 0, limit: 9, excluding: ["slow", "fast"]).isEmpty)
    }

    /// Entries done with (delivered, abandoned, superseded) are deleted once older than the cut-off; waiting ones
    /// never are (the outbox grew by every notification ever sent, 1 GB in 90 s of re-sends).
    @Test func pruningDeletesOnlyEntriesDoneWithBeforeTheCutOff() throws {
        let f = try StoreFixture()
        try f.store.append(
            StoreBatch(
                outbox: ["n-1", "n-2", "n-3", "n-4"].enumerated().map { Make.notification(id: $1, groupKey: "g-\($0)") },
                queuedAt: 0))
        let ids = try f.store.dueOutbox(now: 0, limit: 10).map(\.id)
        try f.store.markDelivered(outboxID: ids[0], at: 1_000)
        try f.store.markFailed(outboxID: ids[1], error: "HTTP 400", nextAttemptAt: 2_000, abandon: true)
        try f.store.markDelivered(outboxID: ids[2], at: 9_000)
        #expect(try f.store.pruneOutbox(finishedBefore: 5_000) == 2)
        #expect(try f.store.outboxCounts() == (1, 1, 0))
        #expect(try f.store.dueOutbox(now: 10_000, limit: 10).map(\.notification.id) == ["n-4"])
        #expect(try f.store.pruneOutbox(finishedBefore: .max) == 1)
        #expect(try f.store.outboxCounts() == (1, 0, 0))
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
            StoreBatch(outbox: ["n-1", "n-2", "n-3"].map { Make.notification(id: $0, groupKey: $0) }, queuedAt: 0))
        let ids = try f.store.dueOutbox(now: 0, limit: 10).map(\.id)

        try f.store.markDelivered(outboxID: ids[0], at: 10)
        try f.store.markFailed(outboxID: ids[1], error: "HTTP 400", nextAttemptAt: 0, abandon: true)

        #expect(try f.store.dueOutbox(now: .max, limit: 10).map(\.id) == [ids[2]])
        #expect(try counts(f) == [1, 1, 1])
    }

    @Test func anEntryWaitingForItsRetryHoldsBackTheLaterOnesOfItsGroupOnly() throws {
        let f = try StoreFixture()
        // The resolution of one of the group's two alerts does not carry the other, so it supersedes nothing.
        let firing = Make.notification(id: "firing", alerts: [Make.alert("fp-1"), Make.alert("fp-2")])
        let resolved = Make.notification(id: "resolved", alerts: [Make.alert("fp-1", status: .resolved)])
        let other = Make.notification(id: "other", groupKey: "another group")
        try f.store.append(StoreBatch(outbox: [firing], queuedAt: 0))
        let firingID = try #require(try f.store.dueOutbox(now: 0, limit: 10).first).id
        try f.store.markFailed(outboxID: firingID, error: "HTTP 500", nextAttemptAt: 1_000, abandon: false)
        try f.store.append(StoreBatch(outbox: [resolved, other], queuedAt: 10))

        #expect(try f.store.dueOutbox(now: 10, limit: 10).map(\.notification.id) == ["other"])
        try f.reopen()  // what holds the group back is in the file
        #expect(try f.store.dueOutbox(now: 10, limit: 10).map(\.notification.id) == ["other"])
        #expect(try f.store.dueOutbox(now: 1_000, limit: 10).map(\.notification.id) == ["firing", "other"])
        try f.store.markDelivered(outboxID: firingID, at: 1_000)
        #expect(try f.store.dueOutbox(now: 1_000, limit: 10).map(\.notification.id) == ["resolved", "other"])
        #expect(try counts(f) == [2, 1, 0])
    }

    @Test func anAbandonedEntryNoLongerHoldsBackItsGroup() throws {
        let f = try StoreFixture()
        let firing = Make.notification(id: "firing", alerts: [Make.alert("fp-1"), Make.alert("fp-2")])
        let resolved = Make.notification(id: "resolved", alerts: [Make.alert("fp-1", status: .resolved)])
        try f.store.append(StoreBatch(outbox: [firing, resolved], queuedAt: 0))
        let ids = try f.store.dueOutbox(now: 0, limit: 10).map(\.id)
        #expect(ids.count == 1)
        try f.store.markFailed(outboxID: ids[0], error: "HTTP 400", nextAttemptAt: 0, abandon: true)
        #expect(try f.store.dueOutbox(now: 0, limit: 10).map(\.notification.id) == ["resolved"])
    }

    @Test func aLaterNotificationCarryingEveryAlertOfAWaitingOneSupersedesIt() throws {
        let f = try StoreFixture()
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "firing")], queuedAt: 0))
        let firingID = try #require(try f.store.dueOutbox(now: 0, limit: 10).first).id
        try f.store.markFailed(outboxID: firingID, error: "HTTP 500", nextAttemptAt: 1_000, abandon: false)
        let resolved = Make.notification(id: "resolved", alerts: [Make.alert("fp-1", status: .resolved)])
        try f.store.append(StoreBatch(outbox: [resolved], queuedAt: 10))

        #expect(try f.store.dueOutbox(now: 10, limit: 10).map(\.notification.id) == ["resolved"])
        #expect(try counts(f) == [1, 0, 0])
        // An attempt that was under way when it was superseded, and failed, does not bring it back.
        try f.store.markFailed(outboxID: firingID, error: "HTTP 500", nextAttemptAt: 2_000, abandon: false)
        #expect(try f.store.dueOutbox(now: .max, limit: 10).map(\.notification.id) == ["resolved"])
    }

    @Test func onlyANotificationOfTheSameReceiverAndGroupSupersedes() throws {
        let f = try StoreFixture()
        var otherReceiver = Make.notification(id: "other receiver")
        otherReceiver.receiver = "team"
        try f.store.append(
            StoreBatch(
                outbox: [
                    Make.notification(id: "first"), Make.notification(id: "other group", groupKey: "another group"),
                    otherReceiver,
                ], queuedAt: 0))
        #expect(
            try f.store.dueOutbox(now: 0, limit: 10).map(\.notification.id) == ["first", "other group", "other receiver"])
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "second")], queuedAt: 0))
        #expect(
            try f.store.dueOutbox(now: 0, limit: 10).map(\.notification.id) == ["other group", "other receiver", "second"])
    }

    /// An alert's value may be ±∞ or NaN (a `"+Inf"` metric sample): stored and read back as it was. JSON has no
    /// such numbers; failing to encode one failed that batch and every later one it was retried with.
    @Test func notificationsOfAlertsWithValuesThatAreNotFiniteAreStored() throws {
        let f = try StoreFixture()
        var notification = Make.notification(id: "n-inf")
        notification.alerts = [.infinity, -.infinity, .nan, 0.5].enumerated().map { i, value in
            var alert = Make.alert("a-\(i)")
            alert.value = value
            return alert
        }
        try f.store.append(StoreBatch(outbox: [notification], queuedAt: 1_000))
        try f.store.append(StoreBatch(outbox: [Make.notification(id: "n-next", groupKey: "g-2")], queuedAt: 1_000))
        let due = try f.store.dueOutbox(now: 1_000, limit: 10)
        #expect(due.map(\.notification.id) == ["n-inf", "n-next"])
        let values = due[0].notification.alerts.map { $0.value! }
        #expect(values[0] == .infinity && values[1] == -.infinity && values[2].isNaN && values[3] == 0.5)
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
