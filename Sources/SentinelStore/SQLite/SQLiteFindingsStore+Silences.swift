import GRDB

extension SQLiteFindingsStore {
    public func silences() throws -> [Silence] {
        try read("list silences") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM silences ORDER BY created_at DESC, id DESC").map(Self.silence)
        }
    }

    public func silence(id: String) throws -> Silence? {
        try read("read silence \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM silences WHERE id = ?", arguments: [id]).map(Self.silence)
        }
    }

    public func saveSilence(_ silence: Silence) throws {
        try write("save silence \(silence.id)") { db in
            try db.execute(
                sql: """
                    INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET matchers = excluded.matchers, starts_at = excluded.starts_at,
                        ends_at = excluded.ends_at, created_by = excluded.created_by, comment = excluded.comment,
                        created_at = excluded.created_at, updated_at = excluded.updated_at
                    """,
                arguments: [
                    silence.id, try JSONColumn.text(silence.matchers), silence.startsAt, silence.endsAt,
                    silence.createdBy,
                    silence.comment, silence.createdAt, silence.updatedAt,
                ])
        }
    }

    public func expireSilence(id: String, at time: Int64) throws -> Bool {
        try write("expire silence \(id)") { db in
            // A silence that has not started yet also gets `startsAt = time`, so it never has an end before its start.
            try db.execute(
                sql: """
                    UPDATE silences SET starts_at = MIN(starts_at, ?1), ends_at = MIN(ends_at, ?1),
                        updated_at = CASE WHEN ends_at > ?1 THEN ?1 ELSE updated_at END
                    WHERE id = ?2
                    """,
                arguments: [time, id])
            return db.changesCount > 0
        }
    }

    private static func silence(_ row: Row) throws -> Silence {
        Silence(
            id: try row.decode(forColumn: "id"), matchers: try JSONColumn.decode(row, "matchers"),
            startsAt: try row.decode(forColumn: "starts_at"), endsAt: try row.decode(forColumn: "ends_at"),
            createdBy: try row.decode(forColumn: "created_by"), comment: try row.decode(forColumn: "comment"),
            createdAt: try row.decode(forColumn: "created_at"), updatedAt: try row.decode(forColumn: "updated_at"))
    }
}
