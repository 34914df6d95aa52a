import Foundation
import LedgerTestSupport
import Testing
@testable import SQLiteDB

@Suite struct UntrustedSQLTests {
    let dir = TemporaryDirectory()

    func confined() throws -> Connection {
        let path = dir.path("u.sqlite")
        let writer = try Connection(path: path)
        try writer.executeScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2); CREATE VIEW v AS SELECT upper('a') AS a, x FROM t;")
        writer.close()
        let db = try Connection(path: path, mode: .readOnly)
        try db.confineUntrustedSQL()
        return db
    }

    @Test func settingsAreOnAfterConfining() throws {
        let db = try confined()
        #expect(db.isEnabled(DatabaseConfigOption.defensive))
        #expect(!db.isEnabled(DatabaseConfigOption.trustedSchema))
        #expect(!db.isEnabled(DatabaseConfigOption.loadExtension))
        #expect(!db.isEnabled(DatabaseConfigOption.fts3Tokenizer))
    }

    @Test func addressRevealingFunctionsAttachAndSettingPragmasAreDenied() throws {
        let db = try confined()
        for sql in ["SELECT fts3_tokenizer('simple')", "SELECT load_extension('x')", "ATTACH ':memory:' AS m", "PRAGMA trusted_schema = ON",
                    "PRAGMA main.cache_size = 5"] {
            #expect(throws: SQLiteError.self, "\(sql)") { try db.execute(sql) }
        }
        #expect(try db.scalar("SELECT count(*) FROM v", as: Int.self) == 2)
        #expect(try db.scalar("SELECT count(*) FROM pragma_table_info('t')", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA trusted_schema", as: Int.self) == 0)
    }

    @Test func aStatementPreparedBeforeConfiningIsPreparedAgain() throws {
        let path = dir.path("c.sqlite")
        let db = try Connection(path: path)
        #expect(try db.scalarIfAny("SELECT length(fts3_tokenizer('simple'))", as: Int.self) != nil)
        try db.confineUntrustedSQL()
        #expect(throws: SQLiteError.self) { try db.scalarIfAny("SELECT length(fts3_tokenizer('simple'))", as: Int.self) }
    }

    @Test func aDeadlineInterruptsALongStatementAndIsRemovedAfterwards() throws {
        let db = try confined()
        let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"
        let error = #expect(throws: SQLiteError.self) {
            try db.withDeadline(seconds: 0.2) { _ = try db.scalar(endless, as: Int.self) }
        }
        #expect(error?.primaryCode == .interrupt)
        // No handler is left behind: a later statement runs to its end.
        #expect(try db.scalar("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) SELECT max(x) FROM c", as: Int.self) == 100_000)
    }
}

@Suite struct SchemaDescriptionTests {
    @Test(arguments: [
        ("CREATE TABLE t (\n  a  INTEGER, -- note\n  b TEXT /* x */ )", "create table t(a integer,b text)"),
        ("CREATE TRIGGER x BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'Keep  THIS'); END",
         "create trigger x before delete on t begin select raise(abort,'Keep  THIS');end"),
        ("create table T(A)", "create table t(a)"),
    ])
    func normalizeIgnoresLayoutAndCaseButNotStringLiterals(sql: String, expected: String) {
        #expect(SchemaDescription.normalize(sql) == expected)
    }

    @Test func differencesNameMissingChangedAndExtraObjects() throws {
        let expected = try Connection(path: ":memory:", mode: .memory)
        try expected.executeScript("CREATE TABLE t (a INTEGER, b TEXT); CREATE INDEX t_a ON t(a); CREATE TRIGGER t_keep BEFORE DELETE ON t BEGIN SELECT RAISE(ABORT, 'no'); END;")
        let found = try Connection(path: ":memory:", mode: .memory)
        try found.executeScript("CREATE TABLE t (a INTEGER, b TEXT, c REAL); CREATE INDEX t_a ON t(a); CREATE UNIQUE INDEX t_b ON t(b); CREATE VIEW w AS SELECT a FROM t;")
        let differences = try SchemaDescription(of: found).differences(from: SchemaDescription(of: expected))
        #expect(differences.count == 4)
        guard differences.count == 4 else { return }
        guard case .changed(let table, _, let detail) = differences[0] else { Issue.record("\(differences[0])"); return }
        #expect(table.name == "t" && detail.hasPrefix("extra column c REAL"))
        guard case .missing(let trigger) = differences[1] else { Issue.record("\(differences[1])"); return }
        #expect(trigger.label == "trigger t_keep on t")
        guard case .extra(let index) = differences[2], case .extra(let view) = differences[3] else { Issue.record("\(differences)"); return }
        #expect(index.name == "t_b" && index.canRefuseWrites)
        #expect(view.name == "w")
        #expect(try SchemaDescription(of: expected).differences(from: SchemaDescription(of: expected)).isEmpty)
    }
}
