import Foundation
import Logging
import SentinelAct
import SentinelCore
import SentinelNotify
import SentinelTestSupport
import SentinelStore
import Testing

/// The worker against loopback receivers and an in-memory outbox. `drainOnce(now:)` pins the clock, so retry
/// times are exact; `run()` is used where independence in time is the point.
@Suite(.timeLimit(.minutes(1))) struct OutboxWorkerTests {
    static func receiver(
        _ name: String = "safety-webhook", port: Int, timeout: String = "5s", settings extra: [String: String] = [:]
    ) throws -> OutboxReceiver {
        let settings = ["url": "http://127.0.0.1:\(port)/hook", "timeout": timeout].merging(extra) { $1 }
        return OutboxReceiver(settings: try ReceiverSettings(receiver: name, type: "webhook", settings: settings))
    }

    static func worker(
        _ store: any FindingsStore, _ receivers: [OutboxReceiver], maxInFlight: Int = 4, jitter: Double = 1,
        pollInterval: Duration = .milliseconds(200), logger: Logger = LogRecorder().logger
    ) -> OutboxWorker {
        OutboxWorker(
            store: store, receivers: receivers, maxInFlightPerReceiver: maxInFlight, pollInterval: pollInterval,
            jitter: { jitter }, logger: logger)
    }

    /// Waits until `condition` holds, checking every 20 ms for up to `limit`.
    static func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let end = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < end else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Runs `body` with a SQLite store on a new file, for tests of the order the store hands the outbox out in.
    static func withSQLiteStore(_ body: (SQLiteFindingsStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-outbox-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteFindingsStore(path: directory.appendingPathComponent("findings.sqlite").path)
        defer { try? store.close() }
        try await body(store)
    }

    /// A batch that ends while the store is read for the next one is not sent again: the read saw its entries still
    /// due, and the receiver was idle again by the time it was claimed (healthy receivers got duplicates).
    @Test func aBatchEndingDuringAReadIsNotSentAgain() async throws {
        let receiver = ReceiverDouble([.delay(.milliseconds(300))])
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            store.add(NotificationFixture.firing())
            let worker = Self.worker(store, [try Self.receiver(port: port)])
            let first = Task { await worker.drainOnce(now: 5_000) }
            #expect(try await Self.eventually { receiver.received.count == 1 })
            store.afterRead { usleep(700_000) }  // the first batch ends meanwhile
            let second = await worker.drainOnce(now: 5_000)
            #expect(await first.value == 1)
            #expect(second == 0)
            #expect(receiver.received.count == 1)
        }
    }

    @Test func deliversTheWebhookWithItsIdempotencyKey() async throws {
        let receiver = ReceiverDouble()
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let id = store.add(NotificationFixture.firing())
            let worker = Self.worker(store, [try Self.receiver(port: port)])
            #expect(await worker.drainOnce(now: 5_000) == 1)
            #expect(receiver.idempotencyKeys == ["n-7f3a9c"])
            #expect(store.entry(id).deliveredAt == 5_000)
            #expect(try store.outboxCounts() == (0, 1, 0))
            let stats = try #require(worker.stats()["safety-webhook"])
            #expect(stats.sent == 1 && stats.failed.isEmpty && stats.inFlight == 0 && stats.lastSuccessAt == 5_000)
        }
    }

    @Test func failingReceiverIsRetriedWithBackoffUntilItAccepts() async throws {
        let receiver = ReceiverDouble([.status(500, body: "oops"), .status(500, body: "oops")])
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let id = store.add(NotificationFixture.firing())
            let log = LogRecorder()
            let worker = Self.worker(store, [try Self.receiver(port: port)], jitter: 0.75, logger: log.logger)

            #expect(await worker.drainOnce(now: 0) == 1)
            #expect(store.entry(id).nextAttemptAt == 750)  // 1 s × 2^0 × 0.75
            #expect(await worker.drainOnce(now: 749) == 0)
            #expect(await worker.drainOnce(now: 750) == 1)
            #expect(store.entry(id).nextAttemptAt == 750 + 1_500)  // 1 s × 2^1 × 0.75
            #expect(await worker.drainOnce(now: 2_250) == 1)

            let entry = store.entry(id)
            #expect(entry.deliveredAt == 2_250 && entry.attempts == 2 && !entry.abandoned)
            #expect(entry.lastError == "HTTP status 500: oops")
            #expect(receiver.idempotencyKeys == ["n-7f3a9c", "n-7f3a9c", "n-7f3a9c"])
            let stats = try #require(worker.stats()["safety-webhook"])
            #expect(stats.sent == 1 && stats.failed == [.httpStatus: 2] && stats.abandoned == 0)
            #expect(
                log.recorded == [
                    "warning notification delivery failed attempt=1 error=HTTP status 500: oops outbox_id=1 receiver=safety-webhook retry_at=1970-01-01T00:00:00.750Z",
                    "warning notification delivery failed attempt=2 error=HTTP status 500: oops outbox_id=1 receiver=safety-webhook retry_at=1970-01-01T00:00:02.250Z",
                ])
        }
    }

    @Test func receiverThatIsDownGetsEverythingOnceItIsUp() async throws {
        let (port, release) = FreePort.reserve()
        let store = InMemoryOutbox()
        let ids = (1...5).map { store.add(NotificationFixture.numbered("n-\($0)", receiver: "safety-webhook")) }
        let worker = Self.worker(store, [try Self.receiver(port: port, timeout: "1s")])

        #expect(await worker.drainOnce(now: 0) == 5)
        #expect(ids.allSatisfy { store.entry($0).attempts == 1 && store.entry($0).deliveredAt == nil })
        #expect(worker.stats()["safety-webhook"]?.failed == [.connection: 5])
        #expect(try store.outboxCounts() == (5, 0, 0))

        let receiver = ReceiverDouble()
        release()
        try await receiver.serve(port: port) { _ in
            #expect(await worker.drainOnce(now: 60_000) == 5)
        }
        #expect(Set(receiver.idempotencyKeys) == Set((1...5).map { "n-\($0)" }))
        #expect(try store.outboxCounts() == (0, 5, 0))
        #expect(worker.stats()["safety-webhook"]?.sent == 5)
    }

    @Test func permanentRefusalIsAbandonedAfterOneAttempt() async throws {
        let receiver = ReceiverDouble(then: .status(400, body: #"{"error":"bad payload"}"#))
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let id = store.add(NotificationFixture.firing())
            let log = LogRecorder()
            let worker = Self.worker(store, [try Self.receiver(port: port)], logger: log.logger)

            #expect(await worker.drainOnce(now: 0) == 1)
            #expect(await worker.drainOnce(now: 3_600_000) == 0)
            let entry = store.entry(id)
            #expect(
                entry.abandoned && entry.attempts == 1
                    && entry.lastError == #"HTTP status 400: {"error":"bad payload"}"#)
            #expect(receiver.received.count == 1)
            let stats = try #require(worker.stats()["safety-webhook"])
            #expect(stats.failed == [.permanent: 1] && stats.abandoned == 1 && stats.sent == 0)
            #expect(
                log.recorded == [
                    #"error notification abandoned alerts=2 attempt=1 error=HTTP status 400: {"error":"bad payload"} group={}/{severity="critical"}:{rule="UnsafeAnswerRate"} outbox_id=1 receiver=safety-webhook status=firing"#
                ])
        }
    }

    /// The next attempt comes no sooner than a 429's `Retry-After` asks, and no later than the longest backoff (it
    /// came after the usual 0.75 s).
    @Test func retryAfterDelaysTheNextAttemptUpToTheLongestBackoff() async throws {
        let receiver = ReceiverDouble([.retryAfter(429, "20"), .retryAfter(429, "3600")])
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let id = store.add(NotificationFixture.firing())
            let worker = Self.worker(
                store, [try Self.receiver(port: port, settings: ["max_backoff": "1m"])], jitter: 0.75)
            #expect(await worker.drainOnce(now: 0) == 1)
            #expect(store.entry(id).nextAttemptAt == 20_000)
            #expect(await worker.drainOnce(now: 20_000) == 1)
            #expect(store.entry(id).nextAttemptAt == 20_000 + 60_000)
            #expect(store.entry(id).lastError == "HTTP status 429, retry after 1h")
        }
    }

    @Test func retriesStopAfterMaxAttempts() async throws {
        let receiver = ReceiverDouble(then: .status(503))
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let id = store.add(NotificationFixture.firing())
            let worker = Self.worker(store, [try Self.receiver(port: port, settings: ["max_attempts": "3"])])
            for now in [0, 10_000, 20_000, 30_000] as [Int64] { await worker.drainOnce(now: now) }
            #expect(store.entry(id).abandoned && store.entry(id).attempts == 3)
            #expect(store.failures.map(\.abandon) == [false, false, true])
            #expect(worker.stats()["safety-webhook"]?.failed == [.httpStatus: 3])
            #expect(worker.stats()["safety-webhook"]?.abandoned == 1)
        }
    }

    @Test func slowReceiverDoesNotHoldUpAnother() async throws {
        let slow = ReceiverDouble(then: .delay(.seconds(6)))
        let fast = ReceiverDouble()
        try await slow.serve { slowPort in
            try await fast.serve { fastPort in
                let store = InMemoryOutbox()
                store.add(NotificationFixture.firing(id: "n-slow", receiver: "slow"))
                store.add(NotificationFixture.firing(id: "n-fast", receiver: "fast"))
                let worker = Self.worker(
                    store,
                    [
                        try Self.receiver("slow", port: slowPort, timeout: "3s"),
                        try Self.receiver("fast", port: fastPort),
                    ])
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { await worker.run() }
                    #expect(try await Self.eventually { worker.stats()["fast"]?.sent == 1 })
                    let slowStats = try #require(worker.stats()["slow"])
                    #expect(
                        slowStats.inFlight == 1 && slowStats.failed.isEmpty, "the fast receiver waited for the slow one"
                    )
                    #expect(try await Self.eventually { worker.stats()["slow"]?.failed == [.timeout: 1] })
                    group.cancelAll()
                }
                #expect(fast.idempotencyKeys == ["n-fast"])
                #expect(store.failures.map(\.error) == ["no response within 3s"])
            }
        }
    }

    @Test func atMostMaxInFlightRequestsPerReceiver() async throws {
        let receiver = ReceiverDouble(then: .delay(.milliseconds(300)))
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            for n in 1...6 { store.add(NotificationFixture.numbered("n-\(n)", receiver: "safety-webhook")) }
            let worker = Self.worker(store, [try Self.receiver(port: port)], maxInFlight: 2)
            #expect(await worker.drainOnce(now: 0) == 6)
            #expect(receiver.mostConcurrent == 2)
            #expect(try store.outboxCounts() == (0, 6, 0))
        }
    }

    @Test func wakeDeliversWithoutWaitingForThePoll() async throws {
        let receiver = ReceiverDouble()
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let worker = Self.worker(store, [try Self.receiver(port: port)], pollInterval: .seconds(3600))
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await worker.run() }
                let polled = try await Self.eventually { store.polls >= 1 }
                #expect(polled)
                store.add(NotificationFixture.firing(), queuedAt: WallClock.now())
                worker.wake()
                let delivered = try await Self.eventually { worker.stats()["safety-webhook"]?.sent == 1 }
                #expect(delivered)
                group.cancelAll()
            }
        }
    }

    @Test func entryForAnUnknownReceiverIsAbandoned() async throws {
        let store = InMemoryOutbox()
        let id = store.add(NotificationFixture.firing(receiver: "gone"))
        let worker = Self.worker(store, [])
        #expect(await worker.drainOnce(now: 0) == 1)
        #expect(store.entry(id).abandoned && store.entry(id).lastError == "receiver 'gone' is not configured")
        #expect(worker.stats()["gone"]?.abandoned == 1)
    }

    @Test func updatedReceiversTakeEffect() async throws {
        let receiver = ReceiverDouble()
        try await receiver.serve { port in
            let store = InMemoryOutbox()
            let worker = Self.worker(store, [])
            #expect(worker.stats().isEmpty)
            worker.update(receivers: [try Self.receiver("added", port: port)])
            #expect(worker.stats()["added"] == DeliveryStats())
            store.add(NotificationFixture.firing(receiver: "added"))
            #expect(await worker.drainOnce(now: 0) == 1)
            #expect(worker.stats()["added"]?.sent == 1)
        }
    }

    @Test func retriedNotificationIsNotOvertakenByALaterOneOfItsGroup() async throws {
        let receiver = ReceiverDouble([.status(500)])
        try await receiver.serve { port in
            try await Self.withSQLiteStore { store in
                let worker = Self.worker(store, [try Self.receiver(port: port)])
                try store.append(StoreBatch(outbox: [NotificationFixture.firing()], queuedAt: 0))
                #expect(await worker.drainOnce(now: 0) == 1)  // answered 500: retried at 1 s
                // The group's next notification resolves one model but not the other, so it supersedes nothing.
                var otherGroup = NotificationFixture.firing(id: "n-other")
                otherGroup.groupKey = "another group"
                try store.append(StoreBatch(outbox: [NotificationFixture.resolved(), otherGroup], queuedAt: 10))

                #expect(await worker.drainOnce(now: 10) == 1)
                #expect(await worker.drainOnce(now: 1_000) == 1)
                #expect(await worker.drainOnce(now: 1_000) == 1)
                #expect(receiver.idempotencyKeys == ["n-7f3a9c", "n-other", "n-7f3a9c", "n-7f3a9d"])
                #expect(try store.outboxCounts() == (0, 3, 0))
            }
        }
    }

    @Test func laterNotificationWithEveryAlertOfItsGroupSupersedesOneWaitingForRetry() async throws {
        let receiver = ReceiverDouble([.status(500)])
        try await receiver.serve { port in
            try await Self.withSQLiteStore { store in
                let worker = Self.worker(store, [try Self.receiver(port: port)])
                try store.append(StoreBatch(outbox: [NotificationFixture.firing()], queuedAt: 0))
                #expect(await worker.drainOnce(now: 0) == 1)
                try store.append(StoreBatch(outbox: [NotificationFixture.firing(id: "n-newer")], queuedAt: 10))

                #expect(await worker.drainOnce(now: 10) == 1)
                #expect(await worker.drainOnce(now: 60_000) == 0)
                #expect(receiver.idempotencyKeys == ["n-7f3a9c", "n-newer"])
                #expect(try store.outboxCounts() == (0, 1, 0))
            }
        }
    }
}
