import GRDB

extension SQLiteFindingsStore {
    public func silences() throws -> [Silence] {
        try read("list silences") { db in
            try db.rows("SELECT * FROM silences ORDER BY created_at DESC, CAST(id AS BLOB) DESC").map(Self.silence)
        }
    }

    public func silence(id: String) throws -> Silence? {
        try read("read silence \(id)") { db in
            try db.row("SELECT * FROM silences WHERE id = ?", [id]).map(Self.silence)
        }
    }

    public func saveSilence(_ silence: Silence) throws {
        try write("save silence \(silence.id)") { db in
            try db.run(
                """
                INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at,
                    ends_at = excluded.ends_at, created_by = excluded.created_by, comment = excluded.comment,
                    created_at = excluded.created_at, updated_at = excluded.updated_at
                """,
                [
                    silence.id, try JSONColumn.text(silence.matchers), silence.startsAt, silence.endsAt,
                    silence.createdBy, silence.comment, silence.createdAt, silence.updatedAt,
                ])
        }
    }

    public func expireSilence(id: String, at time: Int64) throws -> Bool {
        try write("expire silence \(id)") { db in
            // A silence that has not started yet also gets `startsAt = time`, so it never has an end before its start.
            try db.run(
                """
                UPDATE silences SET starts_at = MIN(starts_at, ?1), ends_at = MIN(ends_at, ?1),
                    updated_at = CASE WHEN ends_at > ?1 THEN ?1 ELSE updated_at END
                WHERE id = ?2
                """,
                [time, id])
            return db.changesCount > 0
        }
    }

    private static func silence(_ row: Row) throws -> Silence {
        Silence(
            id: try row.text("id"), matchers: try JSONColumn.decode(row, "matchers"),
            startsAt: try row.decode(forColumn: "starts_at"), endsAt: try row.decode(forColumn: "ends_at"),
            createdBy: try row.text("created_by"), comment: try row.text("comment"),
            createdAt: try row.decode(forColumn: "created_at"), updatedAt: try row.decode(forColumn: "updated_at"))
    }
}
