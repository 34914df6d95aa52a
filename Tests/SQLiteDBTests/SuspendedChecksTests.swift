import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct SuspendedChecksTests {
    let dir = TemporaryDirectory()
    struct Boom: Error {}

    func open() throws -> Connection {
        let db = try Connection(path: dir.path("s.sqlite"))
        try db.executeScript("""
            PRAGMA foreign_keys = ON;
            CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY) STRICT;
            CREATE TABLE IF NOT EXISTS child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id)) STRICT;
            CREATE TABLE IF NOT EXISTS log (n INTEGER NOT NULL) STRICT;
            CREATE TRIGGER IF NOT EXISTS child_logged AFTER INSERT ON child BEGIN INSERT INTO log VALUES (NEW.id); END;
            """)
        return db
    }

    @Test func triggersAndForeignKeysAreOffInsideAndBackOnAfterEvenInsideATransaction() throws {
        let db = try open()
        #expect(db.isEnabled(.triggers) && db.isEnabled(.foreignKeys))
        try db.write { db in
            try db.withSuspended([.triggers, .foreignKeys]) {
                #expect(!db.isEnabled(.triggers) && !db.isEnabled(.foreignKeys))
                try db.execute("INSERT INTO child VALUES (1, 42)")   // no parent 42, no log row
            }
            #expect(db.isEnabled(.triggers) && db.isEnabled(.foreignKeys))
            // The statement prepared while they were off is prepared again with them on.
            #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO child VALUES (2, 42)") }
            try db.execute("INSERT INTO parent VALUES (7)")
            try db.execute("INSERT INTO child VALUES (3, 7)")
        }
        #expect(try db.scalar("SELECT group_concat(n) FROM log", as: String.self) == "3")
        #expect(try db.scalar("SELECT count(*) FROM child", as: Int.self) == 2)
    }

    @Test func restoredWhenTheBodyThrowsAndNestedCallsCompose() throws {
        let db = try open()
        #expect(throws: Boom.self) {
            try db.withSuspended(.triggers) {
                try db.withSuspended([.triggers, .foreignKeys]) {
                    #expect(!db.isEnabled(.triggers) && !db.isEnabled(.foreignKeys))
                }
                // The inner call restored only what it switched off.
                #expect(!db.isEnabled(.triggers) && db.isEnabled(.foreignKeys))
                throw Boom()
            }
        }
        #expect(db.isEnabled(.triggers) && db.isEnabled(.foreignKeys))
    }
}
