import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Other tools read and (try to) write the file: the `sqlite3` shell and Python's sqlite3 module.
@Suite struct ExternalClientTests {
    let dir = TemporaryDirectory()

    /// Runs `program` (which must be installed: a missing `sqlite3` or `python3` fails the test,
    /// naming it, instead of counting "command not found" as a refused write).
    static func run(_ program: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestRequirement.program(program, package: program == "python3" ? "python3" : "sqlite3"))
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static let bookedTables = ["import_source", "collection", "nft", "nft_trade", "loan", "loan_collateral", "loan_event", "hedge",
                               "hedge_loan", "option_contract", "option_trade", "option_settlement", "price_series",
                               "price_observation", "option_quote", "external_flow", "balance_assertion", "entry_correction"]

    @Test(arguments: bookedTables)
    func shellCannotUpdateOrDeleteBookedRows(table: String) throws {
        let book = try SampleBook(dir: dir)
        let before = try logicalDump(book.ledger.path)
        for sql in ["UPDATE \(table) SET recorded_at = recorded_at + 1;", "DELETE FROM \(table);"] {
            let result = try Self.run("sqlite3", [book.ledger.path, sql])
            // A table with no rows has nothing to refuse; the trigger text is in the schema either way.
            let rows = try Self.run("sqlite3", [book.ledger.path, "SELECT count(*) FROM \(table);"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(rows) != nil, "counting the rows of \(table) failed: \(rows)")
            if rows != "0" {
                #expect(result.status == 19, "\(sql): expected SQLITE_CONSTRAINT (19), got \(result.status)")
                #expect(result.err.contains("append-only"), "\(result.err)")
            }
        }
        let schema = try Self.run("sqlite3", [book.ledger.path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = '\(table)' AND name IN ('\(table)_no_update', '\(table)_no_delete', '\(table)_no_replace');"])
        #expect(schema.out.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        #expect(try logicalDump(book.ledger.path) == before)
    }

    @Test func shellInsertOrReplaceCannotOverwrite() throws {
        let book = try SampleBook(dir: dir)
        let before = try logicalDump(book.ledger.path)
        let result = try Self.run("sqlite3", [book.ledger.path,
            "INSERT OR REPLACE INTO loan SELECT loan_id, protocol, external_ref, currency, '1', amount_received, started_at, maturity_at, interest_model, terms, max_ltv, liquidation_threshold, refinances_loan_id, recorded_at, source_id, wallet, opened_at, opening_principal, opening_interest_paid FROM loan;"])
        #expect(result.status == 19, "expected SQLITE_CONSTRAINT (19) from the trigger, got \(result.status): \(result.err)")
        #expect(result.err.contains("append-only"), "\(result.err)")
        #expect(try logicalDump(book.ledger.path) == before)
    }

    @Test func pythonReadsEveryViewWithExactText() throws {
        let book = try SampleBook(dir: dir)
        try book.ledger.write { tx in
            let series = try tx.addPriceSeries(name: "punks floor", kind: .floor, quote: Currency("ETH"), collection: book.punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-12"), price: 30.5)], to: series)
            _ = try tx.openIronCondor(name: "hedge", root: .spxw, legs: [
                OptionLeg(.put, strike: dec("3700"), quantity: 1, premium: dec("5.2"), expiry: instant("2021-04-16T20:00:00Z")),
                OptionLeg(.put, strike: dec("3800"), quantity: -1, premium: dec("9.1"), expiry: instant("2021-04-16T20:00:00Z")),
                OptionLeg(.call, strike: dec("4100"), quantity: -1, premium: dec("8.4"), expiry: instant("2021-04-16T20:00:00Z")),
                OptionLeg(.call, strike: dec("4250"), quantity: 1, premium: dec("2.05"), expiry: instant("2021-04-16T20:00:00Z")),
            ], tradedAt: instant("2021-03-15T15:00:00Z"))
        }
        let script = """
            import sqlite3, sys, json
            con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
            out = {}
            for (name,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'view' AND name LIKE 'v_%' ORDER BY name"):
                cur = con.execute("SELECT * FROM " + name)
                out[name] = {"columns": [d[0] for d in cur.description], "rows": [list(r) for r in cur.fetchall()]}
            print(json.dumps(out))
            """
        let result = try Self.run("python3", ["-c", script, book.ledger.path])
        #expect(result.status == 0, "\(result.err)")
        let views = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: [String: Any]] ?? [:]
        let documented = ["v_book_version", "v_cash_flow", "v_current_external_flow", "v_current_loan", "v_current_loan_event", "v_current_nft_trade",
                          "v_current_option_settlement", "v_current_option_trade", "v_current_yield_flow", "v_derived_status", "v_hedge_leg_day", "v_holding",
                          "v_latest_price", "v_loan", "v_loan_collateral", "v_loan_day", "v_option_position", "v_portfolio_day",
                          "v_reserve_index", "v_return_layer", "v_wallet_day", "v_yield_position"]
        #expect(views.keys.sorted() == documented)
        let loanRows = views["v_loan"]?["rows"] as? [[Any]] ?? []
        let loanColumns = views["v_loan"]?["columns"] as? [String] ?? []
        let principal = loanColumns.firstIndex(of: "principal").flatMap { loanRows.first?[$0] as? String }
        #expect(principal == "1000")
        let status = loanColumns.firstIndex(of: "status").flatMap { loanRows.first?[$0] as? String }
        #expect(status == "open")
        #expect((views["v_option_position"]?["rows"] as? [[Any]])?.count == 4)
        #expect((views["v_holding"]?["rows"] as? [[Any]])?.count == 1)
        let latest = views["v_latest_price"]?["rows"] as? [[Any]] ?? []
        #expect(latest.count == 1)
        let cashColumn = (views["v_cash_flow"]?["columns"] as? [String])?.firstIndex(of: "description") ?? 0
        let cashDescriptions = (views["v_cash_flow"]?["rows"] as? [[Any]] ?? []).compactMap { $0[cashColumn] as? String }
        #expect(cashDescriptions.contains("nft purchase") && cashDescriptions.contains("option premium received"))
    }
}
