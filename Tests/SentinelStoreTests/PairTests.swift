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
