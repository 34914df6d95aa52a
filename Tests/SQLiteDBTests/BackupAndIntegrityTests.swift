import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct BackupAndIntegrityTests {
    let dir = TemporaryDirectory()

    /// Every row of every table, as text, in a stable order: a logical dump.
    func dump(_ db: Connection) throws -> [String] {
        var tables: [String] = []
        try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { tables.append(try $0.column(0)) }
        var lines: [String] = []
        for table in tables {
            // Table names come from sqlite_schema, not from a user; quoting keeps them identifiers.
            try db.query("SELECT * FROM \"\(table)\" ORDER BY 1, 2") { row in
                var cells: [String] = [table]
                for i in 0..<row.columnCount { cells.append((try row.column(i, as: String?.self)) ?? "NULL") }
                lines.append(cells.joined(separator: "|"))
            }
        }
        var schema: [String] = []
        try db.query("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name") { schema.append(try $0.column(0)) }
        return schema + lines
    }

    func populated() throws -> Connection {
        let db = try Connection(path: dir.path("src.sqlite"), options: .init(applicationID: 42))
        try db.executeScript("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id), amount TEXT NOT NULL) STRICT;
            CREATE INDEX child_parent ON child(parent_id);
            """)
        try db.write { db in
            for i in 1...500 {
                try db.execute("INSERT INTO parent VALUES (?, ?)", Int64(i), "p\(i) ünï")
                try db.execute("INSERT INTO child VALUES (?, ?, ?)", Int64(i), Int64(i), "20.328767123287671232")
            }
        }
        return db
    }

    @Test func backupIsAnIdenticalLogicalDatabase() throws {
        let source = try populated()
        let copyPath = dir.path("copy.sqlite")
        try source.backup(to: copyPath)
        let copy = try Connection(path: copyPath, mode: .readWrite(create: false), options: .init(applicationID: 42))
        #expect(try dump(copy) == dump(source))
        #expect(try copy.integrityCheck().isClean)
        #expect(try copy.scalar("PRAGMA application_id", as: Int32.self) == 42)
    }

    @Test func backupWhileAnotherConnectionWritesIsConsistent() throws {
        let source = try populated()
        let writer = try Connection(path: dir.path("src.sqlite"))
        try writer.write { db in
            try db.execute("INSERT INTO parent VALUES (1001, 'uncommitted')")
            try source.backup(to: dir.path("copy.sqlite"))
        }
        let copy = try Connection(path: dir.path("copy.sqlite"), mode: .readOnly)
        #expect(try copy.scalar("SELECT count(*) FROM parent", as: Int.self) == 500)
    }

    @Test func integrityCheckFindsAPlantedForeignKeyViolation() throws {
        let db = try populated()
        #expect(try db.integrityCheck().isClean)
        try db.executeScript("PRAGMA foreign_keys = OFF")
        try db.execute("INSERT INTO child VALUES (9999, 123456, '1')")
        try db.executeScript("PRAGMA foreign_keys = ON")
        let report = try db.integrityCheck()
        #expect(!report.isClean)
        #expect(report.integrityProblems.isEmpty)
        #expect(report.foreignKeyViolations == [.init(table: "child", rowID: 9999, parentTable: "parent", foreignKeyIndex: 0)])
    }

    @Test func foreignKeysAreEnforcedByDefault() throws {
        let db = try populated()
        let error = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO child VALUES (9999, 123456, '1')") }
        #expect(error?.extendedCode == .constraintForeignKey)
    }
}
