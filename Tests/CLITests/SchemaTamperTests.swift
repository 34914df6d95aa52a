import LedgerTestSupport
import Foundation
import Testing

/// `check` compares the ledger's schema with what the migrations create: tampering with the `sqlite3`
/// shell is a finding (exit 3), an index or view a user adds for their own queries is a note.
@Suite struct SchemaTamperTests {
    static var demo: String { SharedDemoLedger.path }
    let dir = TemporaryDirectory()

    /// A copy of the demo ledger for one test.
    func copyOfDemo() throws -> String {
        let path = dir.path("book.ledger")
        try FileManager.default.copyItem(atPath: Self.demo, toPath: path)
        return path
    }

    /// Runs the `sqlite3` shell on `path`, as someone bypassing portfolio-ledger would.
    func shell(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sqlite3 failed (is the sqlite3 shell installed?): \(message)")
    }

    @Test func droppingAnAppendOnlyTriggerAndDeletingFailsCheckNamingIt() throws {
        let path = try copyOfDemo()
        #expect(try CLIRunner.run(["check", path]).exitCode == 0)
        try shell(path, "DROP TRIGGER nft_trade_no_delete; DELETE FROM nft_trade WHERE nft_trade_id = (SELECT max(nft_trade_id) FROM nft_trade);")
        let result = try CLIRunner.run(["check", path])
        #expect(result.exitCode == 3)
        #expect(result.stdout.contains("schema: trigger nft_trade_no_delete on nft_trade is missing\n"))
        #expect(result.stderr == "portfolio-ledger: error: \(path): 1 finding(s)\n")
    }

    @Test(arguments: [
        ("CREATE TRIGGER audit AFTER INSERT ON loan BEGIN SELECT 1; END;", "schema: trigger audit on loan was not created by portfolio-ledger"),
        ("CREATE UNIQUE INDEX one_trade ON nft_trade(nft_id);", "schema: index one_trade on nft_trade was not created by portfolio-ledger and can refuse"),
        ("CREATE INDEX by_json ON nft(json(token_id));", "schema: index by_json on nft was not created by portfolio-ledger and can refuse"),
        ("CREATE INDEX some ON loan(protocol) WHERE protocol = 'nftfi';", "schema: index some on loan was not created by portfolio-ledger and can refuse"),
        ("ALTER TABLE loan ADD COLUMN extra TEXT;", "schema: table loan was changed: extra column extra TEXT"),
        ("DROP VIEW v_holding;", "schema: view v_holding is missing"),
        ("DROP INDEX nft_trade_by_nft;", "schema: index nft_trade_by_nft on nft_trade is missing"),
        ("PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'ON loan BEGIN', 'ON loan WHEN 0 BEGIN') WHERE name = 'loan_no_delete';",
         "schema: trigger loan_no_delete on loan was changed: its SQL differs"),
    ])
    func tamperingIsAFinding(sql: String, expected: String) throws {
        let path = try copyOfDemo()
        try shell(path, sql)
        let result = try CLIRunner.run(["check", path])
        #expect(result.exitCode == 3, "\(sql)")
        #expect(result.stdout.contains(expected), "\(sql): \(result.stdout)")
        #expect(result.stderr.hasSuffix("finding(s)\n"))
    }

    @Test func aUsersOwnIndexViewAndTableAreNotesAndPass() throws {
        let path = try copyOfDemo()
        try shell(path, "CREATE INDEX my_loans ON loan(protocol, started_at); CREATE VIEW my_view AS SELECT loan_id FROM loan; "
                      + "CREATE TABLE my_notes (id INTEGER PRIMARY KEY, body TEXT UNIQUE);")
        let result = try CLIRunner.run(["check", path])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == """
            note: index my_loans on loan was added (not part of the ledger's schema)
            note: table my_notes was added (not part of the ledger's schema)
            note: view my_view was added (not part of the ledger's schema)
            ok: \(path) passed integrity_check, foreign_key_check, the schema check and its balance assertions

            """)
        #expect(result.stderr.isEmpty)
    }
}
