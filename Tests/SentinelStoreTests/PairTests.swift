import SentinelAct
import SentinelStore
import Testing

@Suite struct PairTests {
    static func pair(_ prompt: String, rejectedEventID: String, time: Int64 = 1_000, model: String = "qwen3-4b") -> DPOPair {
        DPOPair(
            time: time, prompt: prompt, chosen: "I can't help with that.", rejected: "Here is how.", model: model,
            rule: "UnsafeAnswerRate", categories: ["Violent"], rejectedGuard: #"{"safety":"unsafe"}"#,
            chosenGuard: #"{"refusal":true,"safety":"safe"}"#, rejectedEventID: rejectedEventID, chosenEventID: "r-\(rejectedEventID)",
            source: "stream", safetyInstruction: nil)
    }

    @Test func pairsAreOnePerNormalisedPromptAndLinkTheirFinding() throws {
        let f = try StoreFixture()
        let finding = try #require(try f.insert([Make.finding(time: 500)]).first)  // event id c-500
        try f.store.append(StoreBatch(pairs: [Self.pair("How to hurt?", rejectedEventID: "c-500")]))
        try f.store.append(StoreBatch(pairs: [Self.pair("  how TO hurt? ", rejectedEventID: "c-501")]))
        let pairs = try f.store.pairs(PairQuery())
        #expect(pairs.count == 1)
        #expect(pairs.first?.pair.categories == ["Violent"])
        #expect(try f.store.finding(id: finding.id)?.dpoPairID == pairs.first?.id)
        #expect(try f.store.pairPromptKeys() == ["how to hurt?"])
    }

    /// Two events that used one id (a restarted simulator, an application's reused ids): a pair and a trace go to
    /// the latest finding of that id and rule, and the earlier one keeps its own.
    @Test func aReusedEventIDLinksAndTracesOnlyTheLatestFinding() throws {
        let f = try StoreFixture()
        func traced(_ json: String) -> StoreBatch {
            var batch = StoreBatch()
            batch.traces = [TraceRecord(eventID: "c-7", rule: "UnsafeAnswerRate", json: json)]
            return batch
        }
        var old = Make.finding(time: 500)
        old.eventID = "c-7"
        var new = Make.finding(time: 900)
        new.eventID = "c-7"
        let first = try #require(try f.insert([old]).first)
        try f.store.append(traced(#"{"spans":[1]}"#))
        try f.store.append(StoreBatch(pairs: [Self.pair("first prompt", rejectedEventID: "c-7")]))
        let second = try #require(try f.insert([new]).first)
        try f.store.append(traced(#"{"spans":[]}"#))
        try f.store.append(StoreBatch(pairs: [Self.pair("second prompt", rejectedEventID: "c-7")]))
        let pairs = try f.store.pairs(PairQuery())
        #expect(try f.store.finding(id: first.id)?.traceJSON == #"{"spans":[1]}"#)
        #expect(try f.store.finding(id: second.id)?.traceJSON == #"{"spans":[]}"#)
        #expect(try f.store.finding(id: first.id)?.dpoPairID == pairs.first { $0.pair.prompt == "first prompt" }?.id)
        #expect(try f.store.finding(id: second.id)?.dpoPairID == pairs.first { $0.pair.prompt == "second prompt" }?.id)
        // Marking the second event's answer safe drops its pair only.
        _ = try f.store.review(findingID: second.id, Review(inputLabel: nil, outputLabel: .safe, reviewer: "ben", time: 10), expectedVersion: nil)
        #expect(try f.store.pairs(PairQuery()).map(\.pair.prompt) == ["first prompt"])
    }

    /// Deleting a finding whose answer a reviewer marked safe keeps its pair dropped (it came back, and was
    /// exported again).
    @Test func deletingAFindingMarkedSafeKeepsItsPairDropped() throws {
        let f = try StoreFixture()
        let finding = try #require(try f.insert([Make.finding(time: 500)]).first)
        try f.store.append(StoreBatch(pairs: [Self.pair("a", rejectedEventID: "c-500")]))
        _ = try f.store.review(findingID: finding.id, Review(inputLabel: nil, outputLabel: .safe, reviewer: "ben", time: 10), expectedVersion: nil)
        #expect(try f.store.pairs(PairQuery()).isEmpty)
        #expect(try f.store.deleteFindings(FindingQuery(reviewed: true)) == 1)
        #expect(try f.store.pairs(PairQuery()).isEmpty)
        let dropped = try f.store.pairs(PairQuery(includeDropped: true))
        #expect(dropped.map(\.verdict) == [.rejected])
        #expect(dropped.first?.reviewer == "ben" && dropped.first?.reviewedAt == 10)
    }

    @Test func reviewsDropOrSelectPairs() throws {
        let f = try StoreFixture()
        let finding = try #require(try f.insert([Make.finding(time: 500)]).first)
        try f.store.append(
            StoreBatch(pairs: [
                Self.pair("a", rejectedEventID: "c-500", time: 1), Self.pair("b", rejectedEventID: "x", time: 2),
                Self.pair("c", rejectedEventID: "y", time: 3, model: "other"),
            ]))
        let ids = try f.store.pairs(PairQuery()).map(\.id)
        #expect(try f.store.pairs(PairQuery(model: "other")).map(\.pair.prompt) == ["c"])
        #expect(try f.store.pairs(PairQuery(since: 2, until: 3)).map(\.pair.prompt) == ["b"])
        #expect(try f.store.pairs(PairQuery(reviewedOnly: true)).isEmpty)

        // A reviewer rejects b; another marks the answer behind a safe on its finding.
        let rejected = try f.store.reviewPair(id: ids[1], verdict: .rejected, reviewer: "ana", at: 9)
        #expect(rejected?.verdict == .rejected)
        _ = try f.store.review(findingID: finding.id, Review(inputLabel: nil, outputLabel: .safe, reviewer: "ben", time: 10), expectedVersion: nil)
        #expect(try f.store.pairs(PairQuery()).map(\.pair.prompt) == ["c"])
        #expect(try f.store.pairs(PairQuery(includeDropped: true)).count == 3)

        _ = try f.store.reviewPair(id: ids[2], verdict: .accepted, reviewer: "ana", at: 11)
        #expect(try f.store.pairs(PairQuery(reviewedOnly: true)).map(\.pair.prompt) == ["c"])
        #expect(try f.store.pairs(PairQuery(reviewedOnly: true)).map(\.isReviewed) == [true])
        #expect(try f.store.reviewPair(id: 999, verdict: .accepted, reviewer: "ana", at: 12) == nil)

        // Marking a's answer unsafe confirms a: reviewed, as an accepted pair is (the export said not).
        _ = try f.store.review(findingID: finding.id, Review(inputLabel: nil, outputLabel: .unsafe, reviewer: "ben", time: 13), expectedVersion: nil)
        let reviewed = try f.store.pairs(PairQuery(reviewedOnly: true))
        #expect(reviewed.map(\.pair.prompt) == ["a", "c"])
        #expect(reviewed.map(\.isReviewed) == [true, true])
        #expect(reviewed.first?.verdict == nil && reviewed.first?.answerMarkedUnsafe == true)
    }
}
