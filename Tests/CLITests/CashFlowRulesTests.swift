import Foundation
import LedgerMath
import PortfolioLedger
import SQLiteDB
import Testing

/// The cash-flow rules are written twice, and must say the same: `v_cash_flow` (a view other tools
/// read, as currently known) and the snapshot's journal query (the same rules with visibility as
/// known at any instant, which a view cannot take as a parameter). On both golden books the
/// journal, read as currently known, equals the view row for row: table, id, instant, currency,
/// signed exact amount, description (decoded into a ``JournalEntryKind``), NFT, loan and hedge.
/// A rule changed in one place and not the other fails here.
@Suite struct CashFlowRulesTests {
    @Test(arguments: ["demo", "realistic"])
    func journalEqualsTheViewRowForRow(book: String) throws {
        let path = try (book == "demo" ? GoldenBooks.demo : GoldenBooks.realistic).get()
        let journal = try Ledger.openReadOnly(at: path).read { try $0.journal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799)) }
        let fromSwift = journal.map { e in
            [e.entryTable, String(e.entryID), String(e.at.unixSeconds), e.amount.currency.code, e.amount.amount.description, e.kind.rawValue,
             e.nftID.map { String($0.rawValue) } ?? "NULL", e.loanID.map { String($0.rawValue) } ?? "NULL",
             e.hedgeID.map { String($0.rawValue) } ?? "NULL"].joined(separator: "|")
        }
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var fromView: [String] = []
        try db.query("""
            SELECT entry_table, entry_id, flow_at_unix, currency, CASE WHEN direction < 0 AND amount <> '0' THEN '-' || amount ELSE amount END,
                   description, COALESCE(nft_id, 'NULL'), COALESCE(loan_id, 'NULL'), COALESCE(hedge_id, 'NULL')
            FROM v_cash_flow ORDER BY flow_at_unix, entry_table, entry_id, description
            """) { row in
            fromView.append(try (0..<row.columnCount).map { try row.column($0, as: String.self) }.joined(separator: "|"))
        }
        #expect(fromView.count >= 10, "the \(book) book has a journal to compare")
        #expect(fromSwift.sorted() == fromView.sorted())
        // Every rule of the view has its kind (and the decoding refused nothing).
        let kinds = Set(fromView.map { $0.split(separator: "|", omittingEmptySubsequences: false)[5] })
        #expect(kinds.allSatisfy { JournalEntryKind(rawValue: String($0)) != nil })
    }
}
