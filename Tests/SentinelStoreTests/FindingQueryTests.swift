import SentinelStore
import Testing

@Suite struct FindingQueryTests {
    /// Ten findings at times 0...9: rules alternate A/B, models cycle m0/m1/m2, every third is flagged.
    static func seeded() throws -> StoreFixture {
        let f = try StoreFixture()
        let findings = (0..<10).map { (t: Int) -> Finding in
            Make.finding(time: Int64(t), rule: t % 2 == 0 ? "A" : "B", model: "m\(t % 3)", flagged: t % 3 == 0)
        }
        try f.insert(findings)
        return f
    }

    private func times(_ f: StoreFixture, _ query: FindingQuery) throws -> [Int64] {
        try f.store.findings(query).findings.map(\.time)
    }

    @Test func timeRangeIsHalfOpen() throws {
        let f = try Self.seeded()
        #expect(try times(f, FindingQuery(since: 3, until: 6)) == [5, 4, 3])
        #expect(try times(f, FindingQuery(since: 8)) == [9, 8])
        #expect(try times(f, FindingQuery(until: 2)) == [1, 0])
    }

    @Test func filtersOnRuleModelFlaggedAndFingerprint() throws {
        let f = try Self.seeded()
        try f.insert([Make.finding(time: 20, rule: "C", fingerprint: "fp-other")])
        #expect(try times(f, FindingQuery(rule: "A")) == [8, 6, 4, 2, 0])
        #expect(try times(f, FindingQuery(model: "m1")) == [7, 4, 1])
        #expect(try times(f, FindingQuery(flagged: true)) == [9, 6, 3, 0])
        #expect(try times(f, FindingQuery(flagged: false)).count == 7)
        #expect(try times(f, FindingQuery(fingerprint: "fp-other")) == [20])
        #expect(try times(f, FindingQuery(since: 2, rule: "A", model: "m0", flagged: true)) == [6])
    }

    @Test func reviewedSelectsReviewedAndFalseSelectsTheReviewQueue() throws {
        let f = try Self.seeded()
        let page = try f.store.findings(FindingQuery(flagged: true))
        for finding in page.findings.prefix(2) {
            _ = try f.store.review(
                findingID: finding.id, Review(inputLabel: .safe, outputLabel: .safe, reviewer: "alice", time: 1),
                expectedVersion: nil)
        }
        #expect(try times(f, FindingQuery(reviewed: true)) == [9, 6])
        #expect(try times(f, FindingQuery(flagged: true, reviewed: false)) == [3, 0])
        #expect(try times(f, FindingQuery(reviewed: false)).count == 8)
    }

    @Test func cursorsPageThroughEverythingOnceWithoutGaps() throws {
        let f = try StoreFixture()
        let stored = try f.insert((0..<250).map { Make.finding(time: Int64($0), flagged: $0 % 2 == 0) })

        var seen: [Int64] = []
        var pageSizes: [Int] = []
        var query = FindingQuery(limit: 100)
        repeat {
            let page = try f.store.findings(query)
            seen += page.findings.map(\.id)
            pageSizes.append(page.findings.count)
            query.cursor = page.nextCursor
        } while query.cursor != nil

        #expect(pageSizes == [100, 100, 50])
        #expect(seen == stored.map(\.id).reversed())
    }

    @Test func lastFullPageHasNoCursor() throws {
        let f = try StoreFixture()
        try f.insert((0..<20).map { Make.finding(time: Int64($0)) })
        let first = try f.store.findings(FindingQuery(limit: 10))
        let second = try f.store.findings(FindingQuery(limit: 10, cursor: first.nextCursor))
        #expect(first.nextCursor != nil)
        #expect(second.findings.count == 10)
        #expect(second.nextCursor == nil)
    }

    @Test func cursorPagingKeepsFilters() throws {
        let f = try StoreFixture()
        try f.insert((0..<50).map { Make.finding(time: Int64($0), flagged: $0 % 2 == 0) })
        var times: [Int64] = []
        var query = FindingQuery(flagged: true, limit: 7)
        repeat {
            let page = try f.store.findings(query)
            times += page.findings.map(\.time)
            query.cursor = page.nextCursor
        } while query.cursor != nil
        #expect(times == stride(from: 48, through: 0, by: -2).map(Int64.init))
    }

    @Test func limitIsClampedToOneThroughAThousand() throws {
        #expect(FindingQuery(limit: 5_000).pageSize == 1000)
        #expect(FindingQuery(limit: 0).pageSize == 1)
        let f = try Self.seeded()
        #expect(try f.store.findings(FindingQuery(limit: -3)).findings.count == 1)
    }

    @Test func deleteRemovesWhatTheQuerySelectsIgnoringLimitAndCursor() throws {
        let f = try Self.seeded()
        #expect(try f.store.deleteFindings(FindingQuery(until: 6, rule: "A", limit: 1, cursor: 1)) == 3)
        #expect(try times(f, FindingQuery(rule: "A")) == [8, 6])
        #expect(try times(f, FindingQuery(rule: "B")) == [9, 7, 5, 3, 1])
        #expect(try f.store.deleteFindings(FindingQuery()) == 7)
        #expect(try f.store.findings(FindingQuery()).findings.isEmpty)
    }
}
