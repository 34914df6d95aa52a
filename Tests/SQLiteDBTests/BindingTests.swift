import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct BindingTests {
    let dir = TemporaryDirectory()

    func open() throws -> Connection {
        let db = try Connection(path: dir.path("b.sqlite"))
        try db.executeScript("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, f INTEGER) STRICT")
        return db
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1, 0, 1, Int64(Int32.max) + 1, Int64.max])
    func int64RoundTrip(value: Int64) throws {
        let db = try open()
        try db.execute("INSERT INTO v (i) VALUES (?)", value)
        #expect(try db.scalar("SELECT i FROM v", as: Int64.self) == value)
    }

    @Test(arguments: ["", "a", "Ünïcødé €", "🦄 punks #7804", "line\nbreak\ttab", "'); DROP TABLE v; --", "nul\u{0}inside"])
    func stringRoundTrip(value: String) throws {
        let db = try open()
        try db.execute("INSERT INTO v (t) VALUES (?)", value)
        #expect(try db.scalar("SELECT t FROM v", as: String.self) == value)
        #expect(try db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'v'", as: Int.self) == 1)
    }

    @Test(arguments: [0.0, -0.0, 1.5, -1e-300, 1e300, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude])
    func doubleRoundTrip(value: Double) throws {
        let db = try open()
        try db.execute("INSERT INTO v (r) VALUES (?)", value)
        #expect(try db.scalar("SELECT r FROM v", as: Double.self).bitPattern == value.bitPattern || value == 0)
    }

    @Test func boolBlobAndNullRoundTrip() throws {
        let db = try open()
        try db.execute("INSERT INTO v (f, b, t, i) VALUES (?, ?, ?, ?)", true, Blob([0, 255, 7]), String?.none, Int64?.none)
        try db.execute("INSERT INTO v (f, b) VALUES (?, ?)", false, Blob([]))
        var rows: [(Bool, Blob, String?, Int64?)] = []
        try db.query("SELECT f, b, t, i FROM v ORDER BY rowid") { row in
            rows.append((try row.column(0), try row.column(1), try row.column(2), try row.column(3)))
        }
        #expect(rows.count == 2)
        #expect(rows[0].0 == true && rows[0].1 == Blob([0, 255, 7]) && rows[0].2 == nil && rows[0].3 == nil)
        #expect(rows[1].0 == false && rows[1].1 == Blob([]))
    }

    @Test func optionalWithValueBindsTheValue() throws {
        let db = try open()
        try db.execute("INSERT INTO v (t, i) VALUES (?, ?)", Optional("x"), Optional(Int64(42)))
        #expect(try db.scalar("SELECT t FROM v", as: String?.self) == "x")
        #expect(try db.scalar("SELECT i FROM v", as: Int64?.self) == 42)
    }

    @Test func readingNullAsNonOptionalIsATypedError() throws {
        let db = try open()
        try db.execute("INSERT INTO v (i) VALUES (NULL)")
        let error = #expect(throws: SQLiteError.self) { try db.scalar("SELECT i FROM v", as: Int64.self) }
        #expect(error?.extendedCode == .mismatch)
    }

    @Test func wrongParameterCountIsATypedError() throws {
        let db = try open()
        let error = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO v (i, t) VALUES (?, ?)", Int64(1)) }
        #expect(error?.extendedCode == .range)
        #expect(try db.scalar("SELECT count(*) FROM v", as: Int.self) == 0)
    }

    @Test func strictTableRejectsWrongType() throws {
        let db = try open()
        let error = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO v (i) VALUES (?)", "not a number") }
        #expect(error?.extendedCode == .constraintDataType)
    }

    @Test func errorCarriesSQLButNeverBoundValues() throws {
        let db = try open()
        try db.executeScript("CREATE TABLE c (x TEXT NOT NULL CHECK (length(x) < 5)) STRICT")
        let secret = "top-secret-wallet-0xabc"
        let error = #expect(throws: SQLiteError.self) { try db.execute("INSERT INTO c (x) VALUES (?)", secret) }
        #expect(error?.extendedCode == .constraintCheck)
        #expect(error?.primaryCode == .constraint)
        #expect(error?.sql == "INSERT INTO c (x) VALUES (?)")
        #expect(error.map { !$0.description.contains(secret) } == true)
    }
}
