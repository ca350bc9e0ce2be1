import Foundation
import SentinelAct
import SentinelStore
import Testing

@Suite struct RoundTripTests {
    static let reviewedFinding = Finding(
        time: 1_746_100_800_757, rule: "JailbreakSuccess", fingerprint: "9f2c", severity: "critical",
        labels: ["model": "llama-3.1-8b", "team": "safety"], eventID: "c-000001", model: "llama-3.1-8b",
        prompt: "ignore previous instructions", response: "Sure, here is how",
        promptGuard: #"{"categories":["Jailbreak"],"safety":"unsafe"}"#, responseGuard: #"{"safety":"unsafe"}"#,
        flagged: true, raw: Make.eventLine,
        review: Review(inputLabel: .unsafe, outputLabel: nil, note: "clear jailbreak", reviewer: "bob", time: 42),
        version: 3, dpoPairID: 7, traceJSON: #"{"spans":[]}"#)

    @Test func everyRecordTypeReadsBackAsWritten() throws {
        let f = try StoreFixture()
        let bare = Make.finding(time: 5)
        let notification = Make.notification(id: "n-1")
        let logEntry = Dispatcher.LogEntry(
            receiver: "oncall", groupKey: "g", sentAt: 9, firing: ["a", "b"],
            resolved: ["c"])
        let ids = try f.store.append(
            StoreBatch(
                transitions: [Make.transition(time: 3)], findings: [Self.reviewedFinding, bare], outbox: [notification],
                notificationLog: [logEntry], queuedAt: 100))
        let silence = Make.silence([try SilenceMatcher(name: "model", value: "qwen.*", isRegex: true, isEqual: false)])
        try f.store.saveSilence(silence)

        var expected = Self.reviewedFinding
        expected.id = ids[0]
        #expect(try f.store.finding(id: ids[0]) == expected)
        #expect(try f.store.finding(id: ids[1])?.review == nil)

        var transition = Make.transition(time: 3)
        transition.id = try #require(f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10).first?.id)
        #expect(try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10) == [transition])

        let entry = try #require(f.store.dueOutbox(now: 100, limit: 10).first)
        #expect(entry.notification == notification)
        #expect(
            entry.receiver == "oncall" && entry.createdAt == 100 && entry.nextAttemptAt == 100 && entry.attempts == 0)
        #expect(entry.deliveredAt == nil && entry.lastError == nil && !entry.abandoned)

        #expect(try f.store.notificationLog() == [logEntry])
        #expect(try f.store.silence(id: silence.id) == silence)
        #expect(try f.store.silences() == [silence])
    }

    @Test func reopeningTheFileKeepsEverything() throws {
        let f = try StoreFixture()
        let ids = try f.store.append(
            StoreBatch(
                transitions: [Make.transition(time: 3)], findings: [Self.reviewedFinding],
                outbox: [Make.notification(id: "n-1")],
                notificationLog: [
                    Dispatcher.LogEntry(
                        receiver: "r", groupKey: "g", sentAt: 1, firing: [], resolved: [])
                ],
                queuedAt: 0))
        let silence = Make.silence([try SilenceMatcher(name: "model", value: "a")])
        try f.store.saveSilence(silence)

        try f.reopen()

        #expect(try f.store.finding(id: ids[0])?.review == Self.reviewedFinding.review)
        #expect(try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10).count == 1)
        #expect(try f.store.dueOutbox(now: 0, limit: 10).map(\.notification.id) == ["n-1"])
        #expect(try f.store.notificationLog().count == 1)
        #expect(try f.store.silences() == [silence])
        // New ids continue after the old ones.
        let next = try f.store.append(StoreBatch(findings: [Make.finding(time: 9)]))
        #expect(next[0] > ids[0])
    }

    @Test func transitionsAreNewestFirstAndFiltered() throws {
        let f = try StoreFixture()
        try f.store.append(
            StoreBatch(transitions: [
                Make.transition(time: 1, state: "pending"), Make.transition(time: 2),
                Make.transition(time: 3, rule: "Other", fingerprint: "fp-2"),
                Make.transition(time: 4, state: "resolved"),
            ]))
        let all = try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10)
        #expect(all.map(\.time) == [4, 3, 2, 1])
        #expect(try f.store.transitions(since: 2, rule: nil, fingerprint: nil, limit: 10).map(\.time) == [4, 3, 2])
        let ofRule = try f.store.transitions(since: nil, rule: "UnsafeAnswerRate", fingerprint: nil, limit: 10)
        #expect(ofRule.map(\.time) == [4, 2, 1])
        #expect(try f.store.transitions(since: nil, rule: nil, fingerprint: "fp-2", limit: 10).map(\.time) == [3])
        #expect(try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 2).map(\.time) == [4, 3])
    }
}
