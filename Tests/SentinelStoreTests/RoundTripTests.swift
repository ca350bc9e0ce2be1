import Foundation
import SentinelAct
import Testing

@testable import SentinelStore

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

    /// `name` with a NUL and the text after it, other control characters and non-ASCII text (a byte-order mark
    /// first): SQLite's C-string text functions would keep only the text before the NUL.
    static func tricky(_ name: String) -> String {
        "\u{FEFF}\(name)\u{0} after NUL \u{1}\u{1F}\u{7F}\t\r\n é 武器 🧨\u{0}"
    }

    /// What SQLite's C-string text functions keep of `tricky(name)`.
    static func truncated(_ name: String) -> String {
        String(tricky(name).prefix { $0 != "\u{0}" })
    }

    @Test func textWithNULReadsBackWholeFromFindingsAndTheirReviews() throws {
        let f = try StoreFixture()
        let finding = Finding(
            time: 1, rule: Self.tricky("rule"), fingerprint: Self.tricky("fingerprint"), severity: Self.tricky("severity"),
            labels: [Self.tricky("label"): Self.tricky("value")], eventID: Self.tricky("event"),
            model: Self.tricky("model"), prompt: Self.tricky("Tell me"), response: Self.tricky("Sure:"),
            promptGuard: Self.tricky("prompt guard"), responseGuard: Self.tricky("response guard"), flagged: true,
            raw: Self.tricky("raw"), traceJSON: Self.tricky("trace"))
        let id = try #require(try f.insert([finding]).first).id
        var expected = finding
        expected.id = id
        #expect(try f.store.finding(id: id) == expected)

        let review = Review(
            inputLabel: .unsafe, outputLabel: .safe, note: Self.tricky("note"), reviewer: Self.tricky("reviewer"),
            time: 2)
        expected = try #require(try f.store.review(findingID: id, review, expectedVersion: 1))
        #expect(expected.review == review)
        #expect(try f.store.findings(FindingQuery()).findings == [expected])
    }

    @Test func textWithNULReadsBackWholeFromTransitions() throws {
        let f = try StoreFixture()
        let transition = StoredTransition(
            time: 1, rule: Self.tricky("rule"), fingerprint: Self.tricky("fingerprint"), state: "firing",
            previous: "pending", severity: Self.tricky("severity"), labels: [Self.tricky("label"): Self.tricky("value")],
            value: 1, annotations: [Self.tricky("summary"): Self.tricky("text")])
        try f.store.append(StoreBatch(transitions: [transition]))
        let stored = try f.store.transitions(since: nil, rule: nil, fingerprint: nil, limit: 10)
        #expect(stored.count == 1)
        var expected = transition
        expected.id = try #require(stored.first).id
        #expect(stored == [expected])
    }

    @Test func textWithNULReadsBackWholeFromTheOutboxAndTheNotificationLog() throws {
        let f = try StoreFixture()
        var notification = Make.notification(id: Self.tricky("id"), receiver: Self.tricky("receiver"), groupKey: Self.tricky("group"))
        notification.alerts[0].annotations["summary"] = Self.tricky("summary")
        let logEntry = Dispatcher.LogEntry(
            receiver: Self.tricky("receiver"), groupKey: Self.tricky("group"), sentAt: 1, firing: [Self.tricky("fp")],
            resolved: [Self.tricky("fp2")])
        try f.store.append(StoreBatch(outbox: [notification], notificationLog: [logEntry], queuedAt: 0))

        let entry = try #require(try f.store.dueOutbox(now: 0, limit: 10).first)
        #expect(entry.notification == notification && entry.receiver == notification.receiver)
        try f.store.markFailed(outboxID: entry.id, error: Self.tricky("HTTP status 500"), nextAttemptAt: 0, abandon: false)
        #expect(try f.store.dueOutbox(now: 0, limit: 10).first?.lastError == Self.tricky("HTTP status 500"))
        #expect(try f.store.notificationLog() == [logEntry])
    }

    @Test func textWithNULReadsBackWholeFromSilences() throws {
        let f = try StoreFixture()
        let silence = Silence(
            id: Self.tricky("id"), matchers: [try SilenceMatcher(name: Self.tricky("model"), value: Self.tricky("m"))],
            startsAt: 0, endsAt: 10, createdBy: Self.tricky("alice"), comment: Self.tricky("maintenance"), createdAt: 0,
            updatedAt: 0)
        try f.store.saveSilence(silence)
        #expect(try f.store.silence(id: silence.id) == silence)
        #expect(try f.store.silences() == [silence])
        #expect(try f.store.expireSilence(id: silence.id, at: 5))
        #expect(try f.store.silence(id: silence.id)?.endsAt == 5)
    }

    @Test func textWithNULReadsBackWholeFromDPOPairs() throws {
        let f = try StoreFixture()
        let pair = DPOPair(
            time: 1, prompt: Self.tricky("Tell me"), chosen: Self.tricky("No."), rejected: Self.tricky("Sure:"),
            model: Self.tricky("model"), rule: Self.tricky("rule"), categories: [Self.tricky("Violent")],
            rejectedGuard: Self.tricky("rejected guard"), chosenGuard: Self.tricky("chosen guard"),
            rejectedEventID: Self.tricky("c1"), chosenEventID: Self.tricky("r1"), source: Self.tricky("stream"),
            safetyInstruction: Self.tricky("Be safe."))
        try f.store.append(StoreBatch(pairs: [pair]))
        let stored = try #require(try f.store.pairs(PairQuery()).first)
        #expect(stored.pair == pair)
        #expect(try f.store.pairPromptKeys() == [pair.promptKey])
        let reviewed = try f.store.reviewPair(id: stored.id, verdict: .accepted, reviewer: Self.tricky("ana"), at: 2)
        #expect(reviewed?.reviewer == Self.tricky("ana"))
    }

    @Test func filtersAndLinksTellApartTextsThatDifferOnlyAfterANUL() throws {
        let f = try StoreFixture()
        var withNUL = Make.finding(time: 1, rule: Self.tricky("rule"), model: Self.tricky("m"), fingerprint: Self.tricky("fp"))
        withNUL.eventID = Self.tricky("c1")
        var prefix = Make.finding(
            time: 2, rule: Self.truncated("rule"), model: Self.truncated("m"), fingerprint: Self.truncated("fp"))
        prefix.eventID = Self.truncated("c1")
        let ids = try f.insert([withNUL, prefix]).map(\.id)

        #expect(try f.store.findings(FindingQuery(rule: Self.tricky("rule"))).findings.map(\.id) == [ids[0]])
        #expect(try f.store.findings(FindingQuery(model: Self.tricky("m"))).findings.map(\.id) == [ids[0]])
        #expect(try f.store.findings(FindingQuery(fingerprint: Self.tricky("fp"))).findings.map(\.id) == [ids[0]])
        #expect(try f.store.findings(FindingQuery(rule: Self.truncated("rule"))).findings.map(\.id) == [ids[1]])
        let transitions = [
            Make.transition(time: 1, rule: Self.tricky("rule")), Make.transition(time: 2, rule: Self.truncated("rule")),
        ]
        try f.store.append(StoreBatch(transitions: transitions))
        #expect(try f.store.transitions(since: nil, rule: Self.tricky("rule"), fingerprint: nil, limit: 10).map(\.time) == [1])

        // A trace and a DPO pair reach the finding of their event id, and only that one.
        var batch = StoreBatch(pairs: [
            PairTests.pair(Self.tricky("How to hurt?"), rejectedEventID: Self.tricky("c1"), model: Self.tricky("m")),
            PairTests.pair(Self.truncated("How to hurt?"), rejectedEventID: Self.truncated("c1"), model: Self.truncated("m")),
        ])
        batch.traces = [TraceRecord(eventID: Self.tricky("c1"), rule: Self.tricky("rule"), json: Self.tricky("trace"))]
        try f.store.append(batch)
        let pairs = try f.store.pairs(PairQuery())
        #expect(pairs.map(\.pair.prompt) == [Self.tricky("How to hurt?"), Self.truncated("How to hurt?")])
        #expect(try f.store.pairs(PairQuery(model: Self.tricky("m"))).map(\.id) == [pairs[0].id])
        #expect(try f.store.finding(id: ids[0])?.dpoPairID == pairs[0].id)
        #expect(try f.store.finding(id: ids[1])?.dpoPairID == pairs[1].id)
        #expect(try f.store.finding(id: ids[0])?.traceJSON == Self.tricky("trace"))
        #expect(try f.store.finding(id: ids[1])?.traceJSON == nil)

        #expect(try f.store.deleteFindings(FindingQuery(rule: Self.tricky("rule"))) == 1)
        #expect(try f.store.findings(FindingQuery()).findings.map(\.id) == [ids[1]])
    }

    @Test func notificationLogAndSilencesSortTextWithNULByItsBytes() throws {
        let f = try StoreFixture()
        let receivers = ["b", "a\u{0}z", "a"]
        try f.store.append(
            StoreBatch(notificationLog: receivers.map {
                Dispatcher.LogEntry(receiver: $0, groupKey: "g", sentAt: 1, firing: [], resolved: [])
            }))
        #expect(try f.store.notificationLog().map(\.receiver) == ["a", "a\u{0}z", "b"])

        for id in ["b", "a\u{0}z", "a"] {
            try f.store.saveSilence(
                Silence(
                    id: id, matchers: [], startsAt: 0, endsAt: 1, createdBy: "alice", comment: "", createdAt: 0,
                    updatedAt: 0))
        }
        #expect(try f.store.silences().map(\.id) == ["b", "a\u{0}z", "a"])
    }

    @Test func textColumnHoldingBytesThatAreNotUTF8IsACorruptRecordNamingTheColumn() throws {
        let f = try StoreFixture()
        let id = try #require(try f.insert([Make.finding(time: 1)]).first).id
        try f.store.write("damage a finding") { db in
            try db.run("UPDATE findings SET prompt = ? WHERE id = ?", [Data([0x61, 0x00, 0xFF]), id])
        }
        let error = try #require(throws: StoreError.self) { try f.store.finding(id: id) }
        #expect(error.kind == .corruptRecord)
        #expect(error.description.contains("row \(id): column 'prompt' holds bytes that are not UTF-8 text"))
    }
}
