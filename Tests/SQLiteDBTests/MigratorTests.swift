import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct MigratorTests {
    let dir = TemporaryDirectory()
    let v1 = (fileName: "0001_first.sql", sql: "CREATE TABLE a (x INTEGER) STRICT;")
    let v2 = (fileName: "0002_second.sql", sql: "CREATE TABLE b (y TEXT) STRICT;")

    func version(_ db: Connection) throws -> Int { try db.scalar("PRAGMA user_version", as: Int.self) }

    @Test func appliesPendingMigrationsInOrderOnce() throws {
        let db = try Connection(path: dir.path("m.sqlite"))
        #expect(try Migrator(files: [v1]).migrate(db, now: 10) == ["0001_first.sql"])
        #expect(try Migrator(files: [v2, v1]).migrate(db, now: 20) == ["0002_second.sql"])
        #expect(try Migrator(files: [v1, v2]).migrate(db, now: 30) == [])
        #expect(try version(db) == 2)
        var rows: [String] = []
        try db.query("SELECT name || '@' || applied_at FROM schema_migration ORDER BY version") { rows.append(try $0.column(0)) }
        #expect(rows == ["0001_first.sql@10", "0002_second.sql@20"])
    }

    @Test func failingMigrationLeavesThePreviousVersion() throws {
        let db = try Connection(path: dir.path("m.sqlite"))
        let bad = (fileName: "0002_bad.sql", sql: "CREATE TABLE b (y TEXT) STRICT; INSERT INTO nowhere VALUES (1);")
        let error = #expect(throws: MigrationError.self) { try Migrator(files: [v1, bad]).migrate(db, now: 1) }
        guard case .failed(let name, let sqlError) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(name == "0002_bad.sql")
        #expect(sqlError.primaryCode == .error)
        #expect(try version(db) == 1)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'b'", as: Int.self) == 0)
    }

    @Test func refusesANewerDatabase() throws {
        let db = try Connection(path: dir.path("m.sqlite"))
        try Migrator(files: [v1, v2]).migrate(db, now: 1)
        let error = #expect(throws: MigrationError.self) { try Migrator(files: [v1]).migrate(db, now: 2) }
        #expect(error == .newerSchema(databaseVersion: 2, knownVersion: 1))
    }

    @Test func refusesAnEditedAppliedMigration() throws {
        let db = try Connection(path: dir.path("m.sqlite"))
        try Migrator(files: [v1]).migrate(db, now: 1)
        let edited = (fileName: v1.fileName, sql: v1.sql + " -- edited")
        let error = #expect(throws: MigrationError.self) { try Migrator(files: [edited, v2]).migrate(db, now: 2) }
        guard case .editedMigration(let name, _, _) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(name == "0001_first.sql")
        #expect(try version(db) == 1)
    }

    @Test func refusesGapsDuplicatesAndBadNames() {
        #expect(throws: MigrationError.gapInNumbering(missing: 2)) {
            try Migrator(files: [v1, (fileName: "0003_third.sql", sql: "")])
        }
        #expect(throws: MigrationError.duplicateNumber(2, "0002_again.sql")) {
            try Migrator(files: [v1, v2, (fileName: "0002_again.sql", sql: "")])
        }
        #expect(throws: MigrationError.gapInNumbering(missing: 1)) { try Migrator(files: [v2]) }
        for name in ["1_short.sql", "0001-dash.sql", "0001_x.txt", "abcd_x.sql", "0000_zero.sql"] {
            #expect(throws: MigrationError.badFileName(name)) { try Migrator(files: [(fileName: name, sql: "")]) }
        }
    }

    @Test func checksumIsStableFNV1a() {
        // FNV-1a 64 of the empty string and of "a" (published test vectors).
        #expect(Migration(number: 1, name: "x", sql: "").checksum == "cbf29ce484222325")
        #expect(Migration(number: 1, name: "x", sql: "a").checksum == "af63dc4c8601ec8c")
    }
}
