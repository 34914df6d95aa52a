import LedgerTestSupport
import Testing
@testable import SQLiteDB

/// Reading result columns by name: the record layer's way to read rows, so a column added to a
/// SELECT cannot shift the others.
@Suite struct ColumnByNameTests {
    let dir = TemporaryDirectory()

    func open() throws -> Connection {
        let db = try Connection(path: dir.path("n.sqlite"))
        try db.executeScript("CREATE TABLE t (a INTEGER, b TEXT) STRICT; INSERT INTO t VALUES (1, 'x'), (2, NULL);")
        return db
    }

    @Test func readsByNameWhateverTheColumnOrder() throws {
        let db = try open()
        for sql in ["SELECT a, b FROM t ORDER BY a", "SELECT b, 0 AS pad, a FROM t ORDER BY a"] {
            var rows: [(Int64, String?)] = []
            try db.query(sql) { s in rows.append((try s.column("a", as: Int64.self), try s.column("b", as: String?.self))) }
            #expect(rows.map(\.0) == [1, 2])
            #expect(rows.map(\.1) == ["x", nil])
        }
    }

    @Test func nullTestByName() throws {
        let db = try open()
        var nulls: [Bool] = []
        try db.query("SELECT b FROM t ORDER BY a") { s in nulls.append(try s.isNull("b")) }
        #expect(nulls == [false, true])
    }

    @Test func unknownOrAmbiguousNameIsAnErrorNamingIt() throws {
        let db = try open()
        let unknown = #expect(throws: SQLiteError.self) { try db.query("SELECT a FROM t") { s in _ = try s.column("c", as: Int64.self) } }
        #expect(unknown?.message.contains("no result column is named \"c\"") == true)
        let twice = #expect(throws: SQLiteError.self) { try db.query("SELECT a, a FROM t") { s in _ = try s.column("a", as: Int64.self) } }
        #expect(twice?.message.contains("two result columns are named \"a\"") == true)
    }

    final class AB: StatementColumns {
        nonisolated(unsafe) static var resolutions = 0
        let a: Int32, b: Int32
        init(resolvingIn s: Statement) throws {
            Self.resolutions += 1
            a = try s.columnIndex("a")
            b = try s.columnIndex("b")
        }
    }

    final class B: StatementColumns {
        let b: Int32
        init(resolvingIn s: Statement) throws { b = try s.columnIndex("b") }
    }

    @Test func resolvedColumnsAreKeptWithTheStatement() throws {
        let db = try open()
        let sql = "SELECT b, 0 AS pad, a FROM t WHERE a = ?"
        func read(_ a: Int64) throws -> (Int64, String?) {
            try db.withStatement(sql) { s in
                try s.bind(a)
                _ = try s.step()
                let c = try s.columns(AB.self)
                return (try s.column(c.a, as: Int64.self), try s.column(c.b, as: String?.self))
            }
        }
        let before = AB.resolutions
        #expect(try read(1) == (1, "x"))
        #expect(try read(2) == (2, nil))
        #expect(AB.resolutions == before + 1, "resolved once for the cached statement")
        // Another set replaces it on the same statement, and a wrong name is still an error.
        #expect(try db.withStatement(sql) { s in try s.columns(B.self).b } == 0)
        let unknown = #expect(throws: SQLiteError.self) { try db.withStatement("SELECT a FROM t") { s in _ = try s.columns(AB.self) } }
        #expect(unknown?.message.contains("no result column is named \"b\"") == true)
    }
}
