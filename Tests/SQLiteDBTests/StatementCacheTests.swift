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

    @Test func manyInterleavedQueriesEachKeepTheirOwnStatement() throws {
        // More distinct SQL texts than the most-recently-used list holds, used in turn: every
        // lookup must still find the statement of its own SQL (equal text, not equal identity).
        let db = try Connection(path: dir.path("c.sqlite"))
        try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT; INSERT INTO t VALUES (1), (2), (3);")
        let queries = (0..<20).map { "SELECT k + \($0) FROM t WHERE k = ?" }
        var statements: [String: Statement] = [:]
        for round in 0..<3 {
            for (offset, sql) in queries.enumerated() {
                let copy = String(sql.utf8.map { Character(UnicodeScalar($0)) })   // same text, another string
                let value = try db.scalar(round == 1 ? copy : sql, Int64(2), as: Int64.self)
                #expect(value == 2 + Int64(offset))
                try db.withStatement(sql) { statement in
                    if let seen = statements[sql] { #expect(seen === statement) } else { statements[sql] = statement }
                }
            }
        }
    }

    @Test func resetCanKeepTheBindings() throws {
        let db = try Connection(path: dir.path("c.sqlite"))
        try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT; INSERT INTO t VALUES (1), (2);")
        try db.withStatement("SELECT count(*) FROM t WHERE k >= ?") { statement in
            try statement.bind(Int64(2))
            #expect(try statement.step() && statement.column(0, as: Int64.self) == 1)
            statement.reset(clearingBindings: false)
            #expect(try statement.step() && statement.column(0, as: Int64.self) == 1)   // still bound to 2
            statement.reset()
            #expect(try statement.step() && statement.column(0, as: Int64.self) == 0)   // NULL: k >= NULL is never true
        }
    }
}
