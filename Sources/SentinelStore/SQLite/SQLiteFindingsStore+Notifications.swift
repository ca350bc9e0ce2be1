import GRDB
import SentinelAct

extension SQLiteFindingsStore {
    public func notificationLog() throws -> [Dispatcher.LogEntry] {
        try read("read the notification log") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notification_log ORDER BY receiver, group_key").map { row in
                Dispatcher.LogEntry(
                    receiver: try row.decode(forColumn: "receiver"), groupKey: try row.decode(forColumn: "group_key"),
                    sentAt: try row.decode(forColumn: "last_sent_at"),
                    firing: Set(try JSONColumn.decode(row, "firing_fingerprints") as [String]),
                    resolved: Set(try JSONColumn.decode(row, "resolved_fingerprints") as [String]))
            }
        }
    }

    public func dueOutbox(now: Int64, limit: Int) throws -> [OutboxEntry] {
        try read("read the notification outbox") { db in
            try Row.fetchAll(
                db,
                // Up to `limit` per receiver, so one receiver's backlog never hides another's entries.
                sql: """
                    SELECT * FROM (
                        SELECT *, ROW_NUMBER() OVER (PARTITION BY receiver ORDER BY id) AS rank FROM outbox
                        WHERE delivered_at IS NULL AND abandoned = 0 AND next_attempt_at <= ?
                    ) WHERE rank <= ? ORDER BY id
                    """,
                arguments: [now, max(limit, 0)]
            ).map(Self.outboxEntry)
        }
    }

    public func markDelivered(outboxID: Int64, at time: Int64) throws {
        try write("mark notification \(outboxID) delivered") { db in
            try db.execute(sql: "UPDATE outbox SET delivered_at = ? WHERE id = ?", arguments: [time, outboxID])
        }
    }

    public func markFailed(outboxID: Int64, error: String, nextAttemptAt: Int64, abandon: Bool) throws {
        try write("record a failed delivery of notification \(outboxID)") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, abandoned = ?
                    WHERE id = ?
                    """,
                arguments: [error, nextAttemptAt, abandon, outboxID])
        }
    }

    public func outboxCounts() throws -> (pending: Int, delivered: Int, abandoned: Int) {
        try read("count the notification outbox") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT
                        COALESCE(SUM(delivered_at IS NULL AND abandoned = 0), 0) AS pending,
                        COALESCE(SUM(delivered_at IS NOT NULL), 0) AS delivered,
                        COALESCE(SUM(delivered_at IS NULL AND abandoned = 1), 0) AS abandoned
                    FROM outbox
                    """)
            guard let row else { return (0, 0, 0) }
            return (
                try row.decode(forColumn: "pending"), try row.decode(forColumn: "delivered"),
                try row.decode(forColumn: "abandoned")
            )
        }
    }

    static func enqueue(_ notification: AlertNotification, at time: Int64, _ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO outbox (receiver, notification, created_at, next_attempt_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [notification.receiver, try JSONColumn.text(notification), time, time])
    }

    static func upsert(_ entry: Dispatcher.LogEntry, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO notification_log
                    (receiver, group_key, last_sent_at, firing_fingerprints, resolved_fingerprints)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (receiver, group_key) DO UPDATE SET last_sent_at = excluded.last_sent_at,
                    firing_fingerprints = excluded.firing_fingerprints,
                    resolved_fingerprints = excluded.resolved_fingerprints
                """
        ).execute(arguments: [
            entry.receiver, entry.groupKey, entry.sentAt, try JSONColumn.text(entry.firing.sorted()),
            try JSONColumn.text(entry.resolved.sorted()),
        ])
    }

    private static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.decode(forColumn: "id"), notification: try JSONColumn.decode(row, "notification"),
            receiver: try row.decode(forColumn: "receiver"), createdAt: try row.decode(forColumn: "created_at"),
            attempts: try row.decode(forColumn: "attempts"),
            nextAttemptAt: try row.decode(forColumn: "next_attempt_at"),
            deliveredAt: try row.decode(forColumn: "delivered_at"), lastError: try row.decode(forColumn: "last_error"),
            abandoned: try row.decode(forColumn: "abandoned"))
    }
}
