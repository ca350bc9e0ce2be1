import GRDB

extension SQLiteFindingsStore {
    public func findings(_ query: FindingQuery) throws -> FindingPage {
        try read("list findings") { db in
            var filter = Self.filter(query)
            filter.add("id < ?", query.cursor)
            // One row more than the page tells whether another page follows.
            let rows = try db.rows(
                "SELECT * FROM findings \(filter.clause) ORDER BY id DESC LIMIT ?", filter.arguments + [query.pageSize + 1])
            let findings = try rows.prefix(query.pageSize).map(Self.finding)
            return FindingPage(findings: findings, nextCursor: rows.count > query.pageSize ? findings.last?.id : nil)
        }
    }

    public func finding(id: Int64) throws -> Finding? {
        try read("read finding \(id)") { db in try Self.fetchFinding(id: id, db) }
    }

    public func review(findingID: Int64, _ review: Review, expectedVersion: Int?) throws -> Finding? {
        try write("review finding \(findingID)") { db in
            guard let current = try Self.fetchFinding(id: findingID, db) else { return nil }
            if let expectedVersion, expectedVersion != current.version {
                throw ReviewConflict(current: current, expected: expectedVersion)
            }
            try db.run(
                """
                UPDATE findings
                SET input_label = ?, output_label = ?, review_note = ?, reviewer = ?, reviewed_at = ?,
                    version = version + 1
                WHERE id = ?
                """,
                [
                    review.inputLabel?.rawValue, review.outputLabel?.rawValue, review.note, review.reviewer,
                    review.time,
                    findingID,
                ])
            return try Self.fetchFinding(id: findingID, db)
        }
    }

    public func deleteFindings(_ query: FindingQuery) throws -> Int {
        try write("delete findings") { db in
            let filter = Self.filter(query)
            // A pair is dropped while its answer's finding is marked safe: before the finding goes, that decision is
            // kept on the pair (rejected, by the finding's reviewer), or deleting findings would bring it back.
            var safe = filter
            safe.add("output_label = 'safe'")
            try db.run(
                """
                UPDATE dpo_pairs SET verdict = 'rejected', reviewer = marked.reviewer, reviewed_at = marked.reviewed_at
                FROM (SELECT dpo_pair_id, reviewer, reviewed_at FROM findings \(safe.clause)) AS marked
                WHERE dpo_pairs.verdict IS NULL AND dpo_pairs.id = marked.dpo_pair_id
                """,
                safe.arguments)
            try db.run("DELETE FROM findings \(filter.clause)", filter.arguments)
            return db.changesCount
        }
    }

    /// The query's conditions, without its cursor (listing adds it, deleting ignores it).
    private static func filter(_ query: FindingQuery) -> SQLFilter {
        var filter = SQLFilter()
        filter.add("time >= ?", query.since)
        filter.add("time < ?", query.until)
        filter.add("rule = ?", query.rule)
        filter.add("model = ?", query.model)
        filter.add("flagged = ?", query.flagged)
        filter.add("fingerprint = ?", query.fingerprint)
        if let reviewed = query.reviewed { filter.add(reviewed ? "reviewed_at IS NOT NULL" : "reviewed_at IS NULL") }
        return filter
    }

    static func insert(_ finding: Finding, _ db: Database) throws -> Int64 {
        let review = finding.review
        try db.run(
            """
            INSERT INTO findings (time, rule, fingerprint, severity, labels, event_id, model, prompt, response,
                prompt_guard, response_guard, flagged, raw, input_label, output_label, review_note, reviewer,
                reviewed_at, version, dpo_pair_id, trace_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                finding.time, finding.rule, finding.fingerprint, finding.severity, try JSONColumn.text(finding.labels),
                finding.eventID, finding.model, finding.prompt, finding.response, finding.promptGuard,
                finding.responseGuard, finding.flagged, finding.raw, review?.inputLabel?.rawValue,
                review?.outputLabel?.rawValue, review?.note, review?.reviewer, review?.time, finding.version,
                finding.dpoPairID, finding.traceJSON,
            ])
        return db.lastInsertedRowID
    }

    private static func fetchFinding(id: Int64, _ db: Database) throws -> Finding? {
        try db.row("SELECT * FROM findings WHERE id = ?", [id]).map(finding)
    }

    private static func finding(_ row: Row) throws -> Finding {
        let reviewedAt: Int64? = try row.decode(forColumn: "reviewed_at")
        let review = try reviewedAt.map { time in
            Review(
                inputLabel: try label(row, "input_label"), outputLabel: try label(row, "output_label"),
                note: try row.text("review_note"), reviewer: try row.text("reviewer"), time: time)
        }
        return Finding(
            id: try row.decode(forColumn: "id"), time: try row.decode(forColumn: "time"),
            rule: try row.text("rule"), fingerprint: try row.text("fingerprint"), severity: try row.text("severity"),
            labels: try JSONColumn.decode(row, "labels"), eventID: try row.text("event_id"),
            model: try row.text("model"), prompt: try row.text("prompt"), response: try row.text("response"),
            promptGuard: try row.text("prompt_guard"), responseGuard: try row.text("response_guard"),
            flagged: try row.decode(forColumn: "flagged"), raw: try row.text("raw"), review: review,
            version: try row.decode(forColumn: "version"),
            dpoPairID: try row.decode(forColumn: "dpo_pair_id"), traceJSON: try row.text("trace_json"))
    }

    private static func label(_ row: Row, _ column: String) throws -> ReviewLabel? {
        let text: String? = try row.text(column)
        return text.flatMap(ReviewLabel.init(rawValue:))
    }
}
