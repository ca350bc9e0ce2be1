import GRDB

/// One step of the SQLite schema. The migrator applies each once per file, in order, and records its identifier in
/// the file (GRDB's `grdb_migrations` table): that list is the file's schema version. Never edit a shipped step;
/// add the next one.
struct SQLiteMigration: Sendable {
    let identifier: String
    let sql: String
    /// What SQL cannot do, run after `sql` in the same transaction.
    var then: @Sendable (Database) throws -> Void = { _ in }

    /// Every step this version of Sentinel knows, oldest first.
    static let all: [SQLiteMigration] = [v1, v2, v3]

    // AUTOINCREMENT keeps ids from being reused after deletions: an id a client holds never names another row.
    static let v1 = SQLiteMigration(
        identifier: "v1",
        sql: """
            CREATE TABLE transitions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                rule TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
                previous TEXT NOT NULL,
                severity TEXT NOT NULL,
                labels TEXT NOT NULL,
                value REAL,
                annotations TEXT NOT NULL
            );
            CREATE INDEX transitions_time ON transitions (time);
            CREATE INDEX transitions_rule ON transitions (rule);
            CREATE INDEX transitions_fingerprint ON transitions (fingerprint);

            CREATE TABLE findings (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                rule TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                severity TEXT NOT NULL,
                labels TEXT NOT NULL,
                event_id TEXT,
                model TEXT,
                prompt TEXT,
                response TEXT,
                prompt_guard TEXT,
                response_guard TEXT,
                flagged INTEGER NOT NULL CHECK (flagged IN (0, 1)),
                raw TEXT NOT NULL,
                input_label TEXT CHECK (input_label IN ('safe', 'unsafe')),
                output_label TEXT CHECK (output_label IN ('safe', 'unsafe')),
                review_note TEXT,
                reviewer TEXT,
                reviewed_at INTEGER,
                version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                dpo_pair_id INTEGER,
                trace_json TEXT
            );
            CREATE INDEX findings_time ON findings (time);
            CREATE INDEX findings_rule ON findings (rule);
            CREATE INDEX findings_model ON findings (model);
            CREATE INDEX findings_fingerprint ON findings (fingerprint);
            CREATE INDEX findings_review_queue ON findings (flagged, reviewed_at);

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                receiver TEXT NOT NULL,
                notification TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                delivered_at INTEGER,
                last_error TEXT,
                abandoned INTEGER NOT NULL DEFAULT 0 CHECK (abandoned IN (0, 1))
            );
            CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND abandoned = 0;

            CREATE TABLE notification_log (
                receiver TEXT NOT NULL,
                group_key TEXT NOT NULL,
                last_sent_at INTEGER NOT NULL,
                firing_fingerprints TEXT NOT NULL,
                resolved_fingerprints TEXT NOT NULL,
                PRIMARY KEY (receiver, group_key)
            ) WITHOUT ROWID;

            CREATE TABLE silences (
                id TEXT NOT NULL PRIMARY KEY,
                matchers TEXT NOT NULL,
                starts_at INTEGER NOT NULL,
                ends_at INTEGER NOT NULL,
                created_by TEXT NOT NULL,
                comment TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """)

    /// DPO pairs: one per normalised prompt, linked to the finding of their rejected answer.
    static let v2 = SQLiteMigration(
        identifier: "v2",
        sql: """
            CREATE TABLE dpo_pairs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                prompt TEXT NOT NULL,
                prompt_key TEXT NOT NULL UNIQUE,
                chosen TEXT NOT NULL,
                rejected TEXT NOT NULL,
                model TEXT,
                rule TEXT NOT NULL,
                categories TEXT NOT NULL,
                rejected_guard TEXT,
                chosen_guard TEXT,
                rejected_event_id TEXT NOT NULL,
                chosen_event_id TEXT,
                source TEXT NOT NULL,
                safety_instruction TEXT,
                verdict TEXT CHECK (verdict IN ('accepted', 'rejected')),
                reviewer TEXT,
                reviewed_at INTEGER,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX dpo_pairs_time ON dpo_pairs (time);
            CREATE INDEX dpo_pairs_rejected_event ON dpo_pairs (rejected_event_id);
            CREATE INDEX findings_event_id ON findings (event_id);
            """)

    /// The outbox keeps each entry's group key (filled in from their notification for the entries still waiting, the
    /// only ones it is read for) and which later entry of its group superseded it: see `FindingsStore.dueOutbox`.
    static let v3 = SQLiteMigration(
        identifier: "v3",
        sql: """
            ALTER TABLE outbox ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
            ALTER TABLE outbox ADD COLUMN superseded_by INTEGER;
            CREATE INDEX outbox_group ON outbox (receiver, group_key, id)
                WHERE delivered_at IS NULL AND abandoned = 0 AND superseded_by IS NULL;
            """,
        then: { db in
            struct Grouped: Decodable { var groupKey: String }
            for row in try db.rows("SELECT id, notification FROM outbox WHERE delivered_at IS NULL AND abandoned = 0") {
                let notification: Grouped = try JSONColumn.decode(row, "notification")
                try db.run(
                    "UPDATE outbox SET group_key = ? WHERE id = ?",
                    [notification.groupKey, row.decode(forColumn: "id") as Int64])
            }
        })
}
