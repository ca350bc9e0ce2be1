import Foundation
import SentinelAct
import Testing

@testable import SentinelStore

@Suite struct OpeningTests {
    @Test func fileWrittenByANewerSchemaIsRefusedWithItsPath() throws {
        let f = try StoreFixture()
        try f.store.close()
        let newer = SQLiteMigration.all + [SQLiteMigration(identifier: "v99", sql: "CREATE TABLE later (x INTEGER)")]
        try SQLiteFindingsStore(path: f.path, migrations: newer).close()

        let error = try #require(throws: StoreError.self) { try SQLiteFindingsStore(path: f.path) }
        #expect(error.kind == .newerSchema)
        #expect(error.description.hasPrefix(f.path + ": error:"))
        #expect(error.description.contains("v99"))
    }

    @Test func fileThatIsNotADatabaseIsRefusedWithItsPath() throws {
        let f = try StoreFixture()
        let textFile = f.directory.appendingPathComponent("notes.txt").path
        try String(repeating: "these are not the tables you are looking for\n", count: 100)
            .write(toFile: textFile, atomically: true, encoding: .utf8)

        let error = try #require(throws: StoreError.self) { try SQLiteFindingsStore(path: textFile) }
        #expect(error.kind == .notADatabase)
        #expect(error.description.hasPrefix(textFile + ": error:"))
    }

    @Test func missingFolderIsACannotOpenError() throws {
        let f = try StoreFixture()
        let path = f.directory.appendingPathComponent("no/such/folder/findings.sqlite").path
        let error = try #require(throws: StoreError.self) { try SQLiteFindingsStore(path: path) }
        #expect(error.kind == .cannotOpen)
        #expect(error.description.contains(path))
    }

    @Test func olderSchemaIsBroughtUpToDate() throws {
        let f = try StoreFixture()
        try f.store.close()
        try FileManager.default.removeItem(atPath: f.path)
        // A file written by the first version (v1 only), with a finding.
        let old = try SQLiteFindingsStore(path: f.path, migrations: [SQLiteMigration.v1])
        try old.append(StoreBatch(findings: [Make.finding(time: 1)]))
        try old.close()
        let upgraded = try SQLiteFindingsStore(path: f.path)
        #expect(try upgraded.findings(FindingQuery()).findings.count == 1)
        #expect(try upgraded.pairs(PairQuery()).isEmpty)  // v2's table is there
        try upgraded.close()
    }

    @Test func outboxEntriesOfAnOlderFileKeepTheOrderOfTheirGroups() throws {
        let f = try StoreFixture()
        try f.store.close()
        try FileManager.default.removeItem(atPath: f.path)
        // A file written before v3, with notifications waiting in three groups, one named with a NUL character.
        let old = try SQLiteFindingsStore(path: f.path, migrations: [SQLiteMigration.v1, SQLiteMigration.v2])
        try old.write("queue notifications as v2 did") { db in
            for (n, group) in ["g", "h", "g\u{0}x", "g"].enumerated() {
                let notification = Make.notification(id: "n-\(n + 1)", groupKey: group)
                try db.run(
                    "INSERT INTO outbox (receiver, notification, created_at, next_attempt_at) VALUES (?, ?, 0, 0)",
                    [notification.receiver, try JSONColumn.text(notification)])
            }
        }
        try old.close()
        let upgraded = try SQLiteFindingsStore(path: f.path)
        #expect(try upgraded.dueOutbox(now: 0, limit: 10).map(\.notification.id) == ["n-1", "n-2", "n-3"])
        try upgraded.close()
    }
}
