import GRDB

extension SQLiteFindingsStore {
    public func transitions(
        since: Int64?, rule: String?, fingerprint: String?, limit: Int
    ) throws -> [StoredTransition] {
        try read("list alert transitions") { db in
            var filter = SQLFilter()
            filter.add("time >= ?", since)
            filter.add("rule = ?", rule)
            filter.add("fingerprint = ?", fingerprint)
            return try db.rows(
                "SELECT * FROM transitions \(filter.clause) ORDER BY id DESC LIMIT ?", filter.arguments + [max(limit, 0)]
            ).map(Self.transition)
        }
    }

    static func insert(_ transition: StoredTransition, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO transitions (time, rule, fingerprint, state, previous, severity, labels, value, annotations)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                transition.time, transition.rule, transition.fingerprint, transition.state, transition.previous,
                transition.severity, try JSONColumn.text(transition.labels), transition.value,
                try JSONColumn.text(transition.annotations),
            ])
    }

    private static func transition(_ row: Row) throws -> StoredTransition {
        StoredTransition(
            id: try row.decode(forColumn: "id"), time: try row.decode(forColumn: "time"),
            rule: try row.text("rule"), fingerprint: try row.text("fingerprint"),
            state: try row.text("state"), previous: try row.text("previous"),
            severity: try row.text("severity"), labels: try JSONColumn.decode(row, "labels"),
            value: try row.decode(forColumn: "value"), annotations: try JSONColumn.decode(row, "annotations"))
    }
}
