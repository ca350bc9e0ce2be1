import Foundation
import GRDB

/// The embedded findings store: one SQLite file in WAL mode, written through a single writer connection and read
/// through a pool of readers, so the HTTP API reads while the evaluation loop appends.
///
/// ```swift
/// let store = try SQLiteFindingsStore(path: "/var/lib/sentinel/findings.sqlite")
/// try store.append(StoreBatch(transitions: transitions, findings: findings, outbox: notifications))
/// let page = try store.findings(FindingQuery(rule: "UnsafeAnswerRate", reviewed: false))
/// ```
public final class SQLiteFindingsStore: FindingsStore {
    /// The database file.
    public let path: String
    private let pool: DatabasePool
    private let checkpointer: WALCheckpointer

    /// Opens the store at `path`, creating the file and its schema when missing and bringing an older schema up to
    /// date. Throws a `StoreError` naming the file when it is not a SQLite database or was written by a newer Sentinel.
    public convenience init(path: String) throws {
        try self.init(path: path, migrations: SQLiteMigration.all)
    }

    init(path: String, migrations: [SQLiteMigration]) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process (a backup, the sqlite3 shell) may hold the file briefly; wait rather than fail.
        configuration.busyMode = .timeout(10)
        // GRDB opens pools in WAL mode with `synchronous = NORMAL`: a committed transaction survives a crash of the
        // process, since it is in the WAL file; only a power loss or kernel crash can lose the last few. Commits
        // then never fsync; checkpoints do, and `WALCheckpointer` runs them off the committing thread.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            checkpointer = try WALCheckpointer(path: path)
        } catch {
            throw Self.storeError(error, path: path, action: "open the findings store")
        }
        try migrate(to: migrations)
    }

    private func migrate(to migrations: [SQLiteMigration]) throws {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                try migration.then(db)
            }
        }
        let applied = try read("read the schema version") { db in try migrator.appliedIdentifiers(db) }
        let unknown = applied.subtracting(migrations.map(\.identifier))
        guard unknown.isEmpty else {
            throw StoreError(
                .newerSchema, path: path,
                "written by a newer version of Sentinel (it has schema migrations this one does not know: "
                    + "\(unknown.sorted().joined(separator: ", "))); upgrade Sentinel or use another file")
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw Self.storeError(error, path: path, action: "bring the schema up to date")
        }
    }

    @discardableResult
    public func append(_ batch: StoreBatch) throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        let queuedAt = batch.queuedAt ?? Int64(Date().timeIntervalSince1970 * 1000)
        return try write("append a batch") { db in
            for transition in batch.transitions { try Self.insert(transition, db) }
            let ids = try batch.findings.map { try Self.insert($0, db) }
            for notification in batch.outbox { try Self.enqueue(notification, at: queuedAt, db) }
            for entry in batch.notificationLog { try Self.upsert(entry, db) }
            for pair in batch.pairs { try Self.insert(pair, at: queuedAt, db) }
            // On the latest finding of the traced event and rule: an earlier one with a reused id keeps its own.
            for trace in batch.traces {
                try db.run(
                    "UPDATE findings SET trace_json = ? WHERE id = (SELECT max(id) FROM findings WHERE event_id = ? AND rule = ?)",
                    [trace.json, trace.eventID, trace.rule])
            }
            return ids
        }
    }

    public func close() throws {
        do {
            try checkpointer.close()
            try pool.close()
        } catch {
            throw Self.storeError(error, path: path, action: "close the findings store")
        }
    }

    /// Runs `body` in a write transaction (rolled back when it throws), the one path every write takes.
    func write<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.storeError(error, path: path, action: action)
        }
    }

    /// Runs `body` on a reader connection, concurrently with the writer and other readers.
    func read<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.storeError(error, path: path, action: action)
        }
    }

    /// Says what failed and on which file. Errors meant for the caller (`ReviewConflict`, `StoreError`) pass unchanged.
    private static func storeError(_ error: any Error, path: String, action: String) -> any Error {
        switch error {
        case is StoreError, is ReviewConflict:
            return error
        case let error as DatabaseError where error.resultCode == .SQLITE_NOTADB:
            return StoreError(
                .notADatabase, path: path,
                "not a SQLite database, so not a findings store (\(error.message ?? "file is not a database")); "
                    + "pass the path of a findings store or of a file to create")
        case let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN:
            return StoreError(
                .cannotOpen, path: path,
                "cannot \(action) (\(error.message ?? "unable to open database file")); check that the folder exists "
                    + "and is writable")
        case let error as DatabaseError:
            return StoreError(
                .failed, path: path, "cannot \(action): \(error.message ?? "SQLite error \(error.resultCode)")")
        case is JSONColumn.Corrupt, is CorruptText, is RowDecodingError:
            return StoreError(.corruptRecord, path: path, "cannot \(action): a stored row is damaged: \(error)")
        default:
            return StoreError(.failed, path: path, "cannot \(action): \(error)")
        }
    }
}
