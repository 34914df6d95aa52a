import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct TransactionTests {
    let dir = TemporaryDirectory()
    struct Boom: Error, Equatable { var tag: Int }

    func open(_ name: String = "t.sqlite") throws -> Connection {
        let db = try Connection(path: dir.path(name))
        try db.executeScript("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT")
        return db
    }

    func count(_ db: Connection) throws -> Int { try db.scalar("SELECT count(*) FROM t", as: Int.self) }

    @Test func commitPersists() throws {
        let db = try open()
        try db.write { db in try db.execute("INSERT INTO t VALUES (1, 'a')") }
        #expect(try count(try open()) == 1)
    }

    @Test func throwRollsBackEverythingAndRethrowsTheFirstError() throws {
        let db = try open()
        let error = #expect(throws: Boom.self) {
            try db.write { db in
                try db.execute("INSERT INTO t VALUES (1, 'a')")
                try db.execute("INSERT INTO t VALUES (2, 'b')")
                throw Boom(tag: 7)
            }
        }
        #expect(error == Boom(tag: 7))
        #expect(db.isAutocommit)
        #expect(try count(db) == 0)
        #expect(try count(try open()) == 0)
    }

    @Test func sqlErrorInsideRollsBackEarlierWork() throws {
        let db = try open()
        #expect(throws: SQLiteError.self) {
            try db.write { db in
                try db.execute("INSERT INTO t VALUES (1, 'a')")
                try db.execute("INSERT INTO t VALUES (1, 'duplicate')")
            }
        }
        #expect(try count(db) == 0)
    }

    @Test func nestedScopeIsASavepoint() throws {
        let db = try open()
        try db.write { db in
            try db.execute("INSERT INTO t VALUES (1, 'outer')")
            #expect(throws: Boom.self) {
                try db.write { db in
                    try db.execute("INSERT INTO t VALUES (2, 'inner')")
                    try db.write { db in try db.execute("INSERT INTO t VALUES (3, 'innermost')") }
                    throw Boom(tag: 1)
                }
            }
            try db.write { db in try db.execute("INSERT INTO t VALUES (4, 'second inner')") }
        }
        var keys: [Int64] = []
        try db.query("SELECT k FROM t ORDER BY k") { keys.append(try $0.column(0)) }
        #expect(keys == [1, 4])
    }

    @Test func writeIsBeginImmediate() throws {
        let a = try open(), b = try open()
        try a.write { _ in
            // The writer holds the lock from BEGIN, so another writer cannot start (busy).
            let other = try Connection(path: dir.path("t.sqlite"), options: .init(busyTimeoutMilliseconds: 50))
            let error = #expect(throws: SQLiteError.self) { try other.write { _ in } }
            #expect(error?.primaryCode == .busy)
            _ = b
        }
    }

    @Test func readerSeesCommittedSnapshotWhileAWriteIsOpen() throws {
        let writer = try open(), reader = try open()
        try writer.execute("INSERT INTO t VALUES (1, 'committed')")
        try writer.write { db in
            try db.execute("INSERT INTO t VALUES (2, 'uncommitted')")
            // WAL: the reader is not blocked and sees only committed rows.
            #expect(try count(reader) == 1)
        }
        #expect(try count(reader) == 2)
    }

    @Test func readScopeKeepsOneSnapshot() throws {
        let writer = try open(), reader = try open()
        try writer.execute("INSERT INTO t VALUES (1, 'a')")
        try reader.read { db in
            #expect(try count(db) == 1)
            try writer.execute("INSERT INTO t VALUES (2, 'b')")
            #expect(try count(db) == 1)
        }
        #expect(try count(reader) == 2)
    }

    @Test func readOnlyConnectionRefusesWrites() throws {
        _ = try open()
        let ro = try Connection(path: dir.path("t.sqlite"), mode: .readOnly)
        let error = #expect(throws: SQLiteError.self) { try ro.execute("INSERT INTO t VALUES (1, 'x')") }
        #expect(error?.primaryCode == .readOnly)
    }
}
