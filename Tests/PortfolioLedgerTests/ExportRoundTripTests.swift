import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// `exportJournal` → `importJournal` into an empty ledger rebuilds the same book.
@Suite struct ExportRoundTripTests {
    let dir = TemporaryDirectory()

    /// Every booked table's rows without `recorded_at` and `source_id` (an import stamps its own).
    static func bookContent(_ path: String) throws -> [String] {
        let db = try Connection(path: path, mode: .readOnly)
        var tables: [String] = []
        try db.query("""
            SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('schema_migration', 'ledger_setting', 'import_source')
              AND name NOT LIKE 'sqlite_%' ORDER BY name
            """) { tables.append(try $0.column(0)) }
        var lines: [String] = []
        for table in tables {
            var columns: [String] = []
            try db.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", table) { columns.append(try $0.column(0)) }
            let kept = columns.filter { $0 != "recorded_at" && $0 != "source_id" }
            // Names come from sqlite_schema and pragma_table_info, not from a user.
            let list = kept.map { "\"\($0)\"" }.joined(separator: ", ")
            try db.query("SELECT \(list) FROM \"\(table)\" ORDER BY 1, 2") { row in
                var cells = [table]
                for i in 0..<row.columnCount { cells.append(row.isNull(i) ? "NULL" : try row.column(i, as: String.self)) }
                lines.append(cells.joined(separator: "|"))
            }
        }
        return lines
    }

    @Test func aBookWithCorrectionsRefinanceAndACondorRoundTrips() throws {
        let book = try SampleBook(dir: dir)
        let eth = try Currency("ETH")
        try book.clock.set("2021-03-20T00:00:00Z")
        let fee = try book.ledger.write { tx in try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-19"), .fee(amount: dec("1.5"))) }
        try book.clock.set("2021-03-25T00:00:00Z")
        try book.ledger.write { tx in
            let fixed = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-19"), .fee(amount: dec("0.15")))
            try tx.supersede(.loanEvent(fee), by: .loanEvent(fixed), reason: "fee was 0.15, not 1.5")
            let flow = try tx.recordExternalFlow(.deposit, at: instant("2021-03-01"), amount: Money(dec("4200"), eth), note: "wallet \"main\"\nline 2")
            try tx.void(.externalFlow(flow), reason: "duplicate")
            _ = try tx.recordExternalFlow(.withdrawal, at: instant("2021-03-02"), amount: Money(dec("0.000000000000000001"), eth))
            _ = try tx.assertBalance(at: instant("2021-03-13"), amount: Money(dec("-3205"), eth))
            _ = try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: eth, principal: dec("1016.438356164383561643"),
                                       startedAt: instant("2021-04-01"), terms: .continuous(rateBps: 1200), collateral: [book.punk],
                                       refinances: book.loan))
            let expiry = try instant("2021-04-16T20:00:00Z")
            let hedge = try tx.openIronCondor(name: "condor", root: .spxw, legs: [
                OptionLeg(.put, strike: dec("3700"), quantity: 2, premium: dec("5.2"), expiry: expiry),
                OptionLeg(.put, strike: dec("3800"), quantity: -2, premium: dec("9.1"), expiry: expiry),
                OptionLeg(.call, strike: dec("4100"), quantity: -2, premium: dec("8.4"), expiry: expiry),
                OptionLeg(.call, strike: dec("4250"), quantity: 2, premium: dec("2.05"), expiry: expiry),
            ], tradedAt: instant("2021-03-15T15:00:00Z"), feesPerLeg: dec("0.65"), protecting: [book.loan])
            let series = try tx.addPriceSeries(name: "floor", kind: .floor, quote: eth, collection: book.punks)
            try tx.addObservations([PriceObservation(observedAt: instant("2021-03-12"), price: 30.123456789012345),
                                    PriceObservation(observedAt: instant("2021-03-13"), price: 1e-7)], to: series)
            for position in try tx.current.positions(of: hedge, at: expiry) {
                try tx.addOptionQuotes([OptionQuote(contractID: position.contract.id, quotedAt: instant("2021-03-16T20:00:00Z"),
                                                    bid: 1.25, ask: 1.5, impliedVol: 0.2134, underlying: 3974.54)])
                _ = try tx.settleContract(position.contract.id, settlementValue: dec("4120.5"))
            }
            _ = try tx.setBufferPolicy(.loan(book.loan), effectiveAt: instant("2021-03-12"), target: BufferTarget(minHealthFactor: 1.6), note: "keep HF ≥ 1.6")
            _ = try tx.setBufferPolicy(.portfolio, effectiveAt: instant("2021-03-12"), target: BufferTarget(maxLTV: 0.35))
            try tx.addCollectionDailySales([
                CollectionDailySales(day: instant("2021-03-11"), quote: eth, salesCount: 117, volume: 2575.09, minPrice: 16.99, medianPrice: 21.99,
                                     maxPrice: 4200),
                CollectionDailySales(day: instant("2021-03-12"), quote: eth, salesCount: 3, volume: 60, minPrice: 19, medianPrice: 20, maxPrice: 21,
                                     advancing: 1, declining: 2),
            ], collection: book.punks)
        }
        let journal = dir.path("book.jsonl")
        var text = ""
        let lines = try book.ledger.exportJournal { text += $0 + "\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: journal))
        #expect(lines == text.split(separator: "\n").count)

        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        let summary = try copy.importJournal(file: journal)
        #expect(summary.inserted == lines)
        // Corrections are renumbered in file order (docs/import.md, "Export"): compared without their id.
        func withoutCorrectionIDs(_ rows: [String]) -> [String] {
            rows.map { $0.hasPrefix("entry_correction|") ? $0.split(separator: "|", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset != 1 }.map(\.element).joined(separator: "|") : $0 }.sorted()
        }
        let original = withoutCorrectionIDs(try Self.bookContent(book.ledger.path)), rebuilt = withoutCorrectionIDs(try Self.bookContent(copy.path))
        #expect(rebuilt == original, "only in original: \(original.filter { !rebuilt.contains($0) }); only in copy: \(rebuilt.filter { !original.contains($0) })")
        // The corrections behave the same: as known before them the originals are visible.
        #expect(try copy.read { try $0.loanEvents(of: book.loan).compactMap { if case .fee(let a) = $0.detail { a.description } else { nil } } } == ["0.15"])
        #expect(try copy.check().balanceFailures.map { "\($0.assertion.amount) \($0.actual) \($0.difference)" }
                == book.ledger.check().balanceFailures.map { "\($0.assertion.amount) \($0.actual) \($0.difference)" })
        // Exporting the copy gives the same lines in the same order.
        var again: [String] = []
        try copy.exportJournal { again.append($0) }
        #expect(again == text.split(separator: "\n").map(String.init))
    }
}
