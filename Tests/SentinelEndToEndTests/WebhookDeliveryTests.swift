import Foundation
import SentinelTestSupport
import Synchronization
import Testing

/// Notifications to a webhook go through the durable outbox: a receiver that is down gets everything once it is
/// back, a `kill -9` loses no acknowledged finding or outbox entry, and a restart does not notify a still-firing
/// alert again within its repeat interval.
@Suite(.serialized) struct WebhookDeliveryTests {
    static let rules = """
        rules:
          - name: UnsafeAnswer
            on: completion
            group_by: [model]
            when: response_guard.safety == "unsafe"
            keep_firing_for: 1h
            severity: critical
            labels: {team: safety}
            actions: [notify]
        """

    static func policy(port: Int) -> String {
        """
        actions: {notify: {type: notify}}
        receivers:
          - {name: hook, type: webhook, url: "http://127.0.0.1:\(port)/hook", timeout: 2s, backoff: 100ms, max_backoff: 500ms, max_attempts: 0}
          - {name: review, type: store}
        route:
          receiver: hook
          group_by: [model]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 4h
          routes:
            - {matchers: ['team="safety"'], receiver: review, continue: true}
            - {receiver: hook}
        """
    }

    /// Files for a run whose webhook is `127.0.0.1:port`.
    static func files(port: Int) throws -> (rules: String, policies: String, store: String) {
        let directory = try SentinelProcess.temporaryDirectory()
        let rules = directory.appendingPathComponent("rules.yaml")
        let policies = directory.appendingPathComponent("policy.yaml")
        try Self.rules.write(to: rules, atomically: true, encoding: .utf8)
        try policy(port: port).write(to: policies, atomically: true, encoding: .utf8)
        return (rules.path, policies.path, directory.appendingPathComponent("findings.db").path)
    }

    static func start(_ files: (rules: String, policies: String, store: String)) throws -> LiveSentinel {
        try LiveSentinel(["--rules", files.rules, "--policies", files.policies, "--store", files.store])
    }

    /// One unsafe answer per model, each its own alert and its own aggregation group.
    static func events(models: Range<Int>, second: Int = 0) -> String {
        models.map { m in
            #"{"ts":"2026-05-01T12:00:\#(String(format: "%02d", second))Z","kind":"completion","id":"c-\#(m)-\#(second)","#
                + #""model":"m\#(m)","prompt":"p","response":"r","response_guard":{"safety":"unsafe","categories":[],"refusal":false}}"#
        }.joined(separator: "\n")
    }


    @Test func aReceiverThatIsDownGetsEverythingWhenItComesBack() async throws {
        let (port, release) = FreePort.reserve()
        let files = try Self.files(port: port)
        let sentinel = try Self.start(files)
        #expect(try await sentinel.post("/api/v1/events", Self.events(models: 0..<20)).status == 202)
        #expect(try await sentinel.eventually { try await sentinel.metric("sentinel_outbox_written_total") == 20 })
        // Down: attempts fail and are retried.
        #expect(try await sentinel.eventually { try await (sentinel.metric("sentinel_outbox_pending") ?? 0) == 20 })
        #expect(try await sentinel.eventually { try await (sentinel.metric("sentinel_delivery_failures_total{receiver=\"hook\",reason=\"connection\"}") ?? 0) >= 20 })

        let sink = WebhookSink()
        release()
        try await sink.serve(port: port) { _ async throws in
            #expect(try await sentinel.eventually(30) { sink.keys.count == 20 })
            // Marked delivered once each answer is in (the sink counts a key before its answer leaves), so the sink
            // keeps serving until then: stopping it earlier would cut answers off and leave entries to retry.
            #expect(try await sentinel.eventually { try await sentinel.metric("sentinel_outbox_pending") == 0 })
        }
        let first = try #require(sink.received.first)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(first.body.utf8)) as? [String: Any])
        #expect(payload["idempotencyKey"] as? String == first.key)
        #expect(payload["receiver"] as? String == "hook")
        #expect((payload["alerts"] as? [[String: Any]])?.first?["status"] as? String == "firing")
        #expect(sentinel.stop() == 0)
    }

    @Test func killNineUnderLoadLosesNoAcknowledgedFindingOrNotification() async throws {
        let (port, release) = FreePort.reserve()
        let files = try Self.files(port: port)
        let sentinel = try Self.start(files)
        // A steady stream: each batch brings new models (new alerts, new findings). It is stopped with a flag, not
        // by cancelling the task: cancelling FoundationNetworking's async `data(for:)` while its answer arrives can
        // deadlock (the cancel handler waits on the session queue, which waits on the task's status lock).
        let stop = StopFlag()
        let feeder = Task {
            var batch = 0
            while !stop.isSet {
                _ = try? await sentinel.post("/api/v1/events", Self.events(models: batch * 10..<batch * 10 + 10, second: batch % 60))
                batch += 1
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(try await sentinel.eventually { try await (sentinel.metric("sentinel_outbox_written_total") ?? 0) >= 100 })
        // What the store has acknowledged (readable through the API, counted after commit), then kill -9 at once.
        let findingsSeen = try await Self.countFindings(sentinel)
        let outboxSeen = try #require(try await sentinel.metric("sentinel_outbox_written_total"))
        sentinel.signal(SIGKILL)
        stop.set()
        await feeder.value
        sentinel.process.waitUntilExit()
        #expect(findingsSeen >= 100)

        let sink = WebhookSink()
        release()
        try await sink.serve(port: port) { _ async throws in
            let restarted = try Self.start(files)
            #expect(try await Self.countFindings(restarted) >= findingsSeen)
            #expect(try await restarted.eventually(60) { Double(sink.keys.count) >= outboxSeen })
            #expect(try await restarted.eventually(60) { try await restarted.metric("sentinel_outbox_pending") == 0 })
            // The same alerts fire again after the restart: the notification log keeps them from being re-sent, so
            // this process writes nothing to the outbox.
            #expect(try await restarted.post("/api/v1/events", Self.events(models: 0..<10, second: 59)).status == 202)
            #expect(try await restarted.eventually { try await restarted.metric("sentinel_events_evaluated_total{source=\"http\"}") == 10 })
            #expect(try await restarted.eventually { try await (restarted.metric("sentinel_alerts{rule=\"UnsafeAnswer\",severity=\"critical\",state=\"firing\"}") ?? 0) == 10 })
            try await Task.sleep(for: .seconds(2))  // group interval 1s: flushes would have happened
            #expect(try await restarted.metric("sentinel_outbox_written_total") == 0)
            #expect(try await restarted.metric("sentinel_notifications_total{receiver=\"hook\"}") == nil)
            #expect(restarted.stop() == 0)
        }
    }

    static func countFindings(_ sentinel: LiveSentinel) async throws -> Int {
        var count = 0
        var cursor: Int?
        repeat {
            let page = try await sentinel.get("/api/v1/findings?limit=1000" + (cursor.map { "&cursor=\($0)" } ?? "")).json
            count += (page["findings"] as? [[String: Any]])?.count ?? 0
            cursor = page["next_cursor"] as? Int
        } while cursor != nil
        return count
    }
}

/// A flag one task sets and another polls.
private final class StopFlag: Sendable {
    private let flag = Atomic(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
