import SentinelStore
import Testing

@Suite struct ReviewTests {
    static let alice = Review(
        inputLabel: .unsafe, outputLabel: .safe, note: "prompt probes, answer refuses", reviewer: "alice", time: 100)
    static let bob = Review(inputLabel: .safe, outputLabel: .safe, note: nil, reviewer: "bob", time: 200)

    @Test func reviewStoresTheVerdictAndBumpsTheVersion() throws {
        let f = try StoreFixture()
        let id = try f.insert([Make.finding(time: 1)])[0].id
        let reviewed = try #require(try f.store.review(findingID: id, Self.alice, expectedVersion: 1))
        #expect(reviewed.review == Self.alice)
        #expect(reviewed.version == 2)
        #expect(try f.store.finding(id: id) == reviewed)
        // Without an expected version the review always applies.
        #expect(try f.store.review(findingID: id, Self.bob, expectedVersion: nil)?.version == 3)
    }

    @Test func secondReviewerWithAStaleVersionGetsAConflictAndOverwritesNothing() throws {
        let f = try StoreFixture()
        let id = try f.insert([Make.finding(time: 1)])[0].id
        // Both reviewers opened the finding at version 1.
        let seenByBoth = try #require(try f.store.finding(id: id)).version
        let afterAlice = try f.store.review(findingID: id, Self.alice, expectedVersion: seenByBoth)

        let conflict = try #require(throws: ReviewConflict.self) {
            try f.store.review(findingID: id, Self.bob, expectedVersion: seenByBoth)
        }
        #expect(conflict.current == afterAlice)
        #expect(conflict.current.review?.reviewer == "alice")
        #expect(try f.store.finding(id: id) == afterAlice)
    }

    @Test func aVersionNewerThanTheStoredOneIsAConflictThatSaysItWasNeverIssued() throws {
        let f = try StoreFixture()
        let id = try f.insert([Make.finding(time: 1)])[0].id
        for never in [0, -1] {
            let unissued = try #require(throws: ReviewConflict.self) {
                try f.store.review(findingID: id, Self.alice, expectedVersion: never)
            }
            #expect(unissued.isUnissuedVersion, "versions start at 1: \(never)")
        }
        _ = try f.store.review(findingID: id, Self.alice, expectedVersion: 1)
        let stale = try #require(throws: ReviewConflict.self) {
            try f.store.review(findingID: id, Self.alice, expectedVersion: 1)
        }
        #expect(!stale.isUnissuedVersion)
        let future = try #require(throws: ReviewConflict.self) {
            try f.store.review(findingID: id, Self.alice, expectedVersion: 3)
        }
        #expect(future.expected == 3 && future.isUnissuedVersion)
        #expect(future.description.contains("never been at version 3"))
        #expect(try f.store.finding(id: id)?.version == 2)
    }

    @Test func reviewOfAnUnknownFindingIsNil() throws {
        let f = try StoreFixture()
        #expect(try f.store.review(findingID: 99, Self.alice, expectedVersion: 1) == nil)
    }
}
