import GRDB
import SentinelAct

extension SQLiteFindingsStore {
    /// The entries of `table` still to be delivered: neither delivered, abandoned nor superseded.
    private static func waiting(_ table: String) -> String {
        "\(table).delivered_at IS NULL AND \(table).abandoned = 0 AND \(table).superseded_by IS NULL"
    }

    public func notificationLog() throws -> [Dispatcher.LogEntry] {
        try read("read the notification log") { db in
            try db.rows(
                "SELECT * FROM notification_log ORDER BY CAST(receiver AS BLOB), CAST(group_key AS BLOB)"
            ).map { row in
                Dispatcher.LogEntry(
                    receiver: try row.text("receiver"), groupKey: try row.text("group_key"),
                    sentAt: try row.decode(forColumn: "last_sent_at"),
                    firing: Set(try JSONColumn.decode(row, "firing_fingerprints") as [String]),
                    resolved: Set(try JSONColumn.decode(row, "resolved_fingerprints") as [String]))
            }
        }
    }

    public func dueOutbox(now: Int64, limit: Int, excluding: Set<String>) throws -> [OutboxEntry] {
        let skipped = excluding.sorted()
        let skip = skipped.isEmpty ? "" : "AND receiver NOT IN (\(skipped.map { _ in "?" }.joined(separator: ", ")))"
        return try read("read the notification outbox") { db in
            try db.rows(
                // Only the oldest waiting entry of each group, so a group's notifications go out one after another;
                // up to `limit` per receiver, so one receiver's backlog never hides another's entries.
                """
                SELECT * FROM (
                    SELECT *, ROW_NUMBER() OVER (PARTITION BY receiver ORDER BY id) AS rank FROM outbox
                    WHERE \(Self.waiting("outbox")) AND next_attempt_at <= ? \(skip)
                        AND NOT EXISTS (
                            SELECT 1 FROM outbox earlier
                            WHERE \(Self.waiting("earlier")) AND earlier.receiver = outbox.receiver
                                AND earlier.group_key = outbox.group_key AND earlier.id < outbox.id)
                ) WHERE rank <= ? ORDER BY id
                """,
                [now] + skipped + [max(limit, 0)]
            ).map(Self.outboxEntry)
        }
    }

    public func markDelivered(outboxID: Int64, at time: Int64) throws {
        try write("mark notification \(outboxID) delivered") { db in
            try db.run("UPDATE outbox SET delivered_at = ? WHERE id = ?", [time, outboxID])
        }
    }

    public func markFailed(outboxID: Int64, error: String, nextAttemptAt: Int64, abandon: Bool) throws {
        try write("record a failed delivery of notification \(outboxID)") { db in
            try db.run(
                """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, abandoned = ?
                WHERE id = ?
                """,
                [error, nextAttemptAt, abandon, outboxID])
        }
    }

    public func outboxCounts() throws -> (pending: Int, delivered: Int, abandoned: Int) {
        try read("count the notification outbox") { db in
            let row = try db.row(
                """
                SELECT
                    COALESCE(SUM(\(Self.waiting("outbox"))), 0) AS pending,
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

    public func pruneOutbox(finishedBefore time: Int64) throws -> Int {
        try write("prune the notification outbox") { db in
            // Done with at its delivery, its last attempt or (superseded) its queueing, whichever is latest.
            try db.run(
                """
                DELETE FROM outbox
                WHERE NOT (\(Self.waiting("outbox")))
                    AND MAX(created_at, next_attempt_at, COALESCE(delivered_at, 0)) < ?
                """,
                [time])
            return db.changesCount
        }
    }

    /// Queues `notification`, and marks the waiting entries of its receiver and group that it supersedes (see
    /// `AlertNotification.supersedes`).
    static func enqueue(_ notification: AlertNotification, at time: Int64, _ db: Database) throws {
        try db.run(
            "INSERT INTO outbox (receiver, group_key, notification, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
            [notification.receiver, notification.groupKey, try JSONColumn.text(notification), time, time])
        let id = db.lastInsertedRowID
        let earlier = try db.rows(
            """
            SELECT id, notification FROM outbox
            WHERE \(waiting("outbox")) AND receiver = ? AND group_key = ? AND id < ?
            """,
            [notification.receiver, notification.groupKey, id])
        for row in earlier {
            let queued: AlertNotification = try JSONColumn.decode(row, "notification")
            guard notification.supersedes(queued) else { continue }
            try db.run("UPDATE outbox SET superseded_by = ? WHERE id = ?", [id, try row.decode(forColumn: "id") as Int64])
        }
    }

    static func upsert(_ entry: Dispatcher.LogEntry, _ db: Database) throws {
        try db.run(
            """
            INSERT INTO notification_log
                (receiver, group_key, last_sent_at, firing_fingerprints, resolved_fingerprints)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (receiver, group_key) DO UPDATE SET last_sent_at = excluded.last_sent_at,
                firing_fingerprints = excluded.firing_fingerprints,
                resolved_fingerprints = excluded.resolved_fingerprints
            """,
            [
                entry.receiver, entry.groupKey, entry.sentAt, try JSONColumn.text(entry.firing.sorted()),
                try JSONColumn.text(entry.resolved.sorted()),
            ])
    }

    private static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        OutboxEntry(
            id: try row.decode(forColumn: "id"), notification: try JSONColumn.decode(row, "notification"),
            receiver: try row.text("receiver"), createdAt: try row.decode(forColumn: "created_at"),
            attempts: try row.decode(forColumn: "attempts"),
            nextAttemptAt: try row.decode(forColumn: "next_attempt_at"),
            deliveredAt: try row.decode(forColumn: "delivered_at"), lastError: try row.text("last_error"),
            abandoned: try row.decode(forColumn: "abandoned"))
    }
}
