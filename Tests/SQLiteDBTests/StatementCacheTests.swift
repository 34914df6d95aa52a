import Testing
@testable import SQLiteDB

@Suite struct StatementCacheTests {
    let dir = TemporaryDirectory()

    @Test func repeatedSQLReusesOnePreparedStatement() throws {
        let db = try Connection(path: dir.path("c.sqlite"))
        try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) STRICT")
        let before = db.cachedStatementCount
        for k in 0..<100 { try db.execute("INSERT INTO t (k, v) VALUES (?, ?)", Int64(k), "v\(k)") }
        #expect(db.cachedStatementCount == before + 1)
        var first: Statement?
        var second: Statement?
        try db.withStatement("SELECT v FROM t WHERE k = ?") { first = $0 }
        try db.withStatement("SELECT v FROM t WHERE k = ?") { second = $0 }
        #expect(first === second)
    }

    @Test func statementIsResetAfterUseEvenMidIteration() throws {
        let db = try Connection(path: dir.path("c.sqlite"))
        try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT; INSERT INTO t VALUES (1), (2), (3);")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.query("SELECT k FROM t ORDER BY k") { _ in throw Stop() }
        }
        // A statement left mid-iteration would keep a read transaction open.
        #expect(db.isAutocommit)
        var all: [Int64] = []
        try db.query("SELECT k FROM t ORDER BY k") { all.append(try $0.column(0)) }
        #expect(all == [1, 2, 3])
    }

    @Test func nestedUseOfTheSameSQLGetsAFreshStatement() throws {
        let db = try Connection(path: dir.path("c.sqlite"))
        try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT; INSERT INTO t VALUES (1), (2);")
        var pairs: [(Int64, Int64)] = []
        try db.query("SELECT k FROM t ORDER BY k") { outer in
            let a: Int64 = try outer.column(0)
            try db.query("SELECT k FROM t ORDER BY k") { inner in pairs.append((a, try inner.column(0))) }
        }
        #expect(pairs.map { "\($0.0)\($0.1)" } == ["11", "12", "21", "22"])
    }

    @Test func multipleStatementsInOnePrepareAreRefused() throws {
        let db = try Connection(path: dir.path("c.sqlite"))
        let error = #expect(throws: SQLiteError.self) { try db.execute("SELECT 1; SELECT 2") }
        #expect(error?.extendedCode == .misuse)
    }
}
