import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// A loan already running when the book starts (issue 19, decisions WALLETS-4).
///
/// Worked example, by hand: 10 ETH borrowed on 2021-01-01 at 36.5 % simple pro-rata interest
/// (truncated, not capped). The book opens on 2021-03-02, 60 days later; by then the borrower had
/// paid 0.6 ETH of interest and repaid 2 ETH of principal.
/// - Interest accrued by the opening: 10 × 0.365 × 60/365 = 0.6 ETH, all paid; so the debt at the
///   opening is 10 − 2 = 8 ETH of principal and nothing accrued.
/// - 30 days later (2021-04-01): interest 8 × 0.365 × 30/365 = 0.24 ETH; debt 8.24 ETH.
/// - Cash: the 10 ETH received in January and the 2.6 ETH repaid before March were not this
///   book's: its ETH cash stays 0 through the opening; the journal shows +8 (loan enters) and −8
///   (the owner assumes it) at the opening.
/// - Books: on 2021-04-01 the balance sheet owes 8 ETH of principal (accrued 0.24 at mark); the
///   income statement from 2021-03-01 shows a −8 ETH equity flow (not P&L) and no interest expense.
@Suite struct RunningLoanTests {
    let dir = TemporaryDirectory()
    static let wallet = "0xcccccccccccccccccccccccccccccccccccccc03"

    func book() throws -> (Ledger, NFTID, LoanID) {
        let ledger = try Ledger.create(at: dir.path("running.ledger"))
        let ids = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("42"))
            // The book opens on 2021-03-02: the punk (bought long ago for 25 ETH) and the loan against it.
            _ = try tx.openNFTPosition(nft: punk, openedAt: instant("2021-03-02"), cost: dec("25"), currency: Currency("ETH"), wallet: Self.wallet)
            let loan = try tx.openRunningLoan(NewLoan(lendingProtocol: .arcade, externalRef: "arc-7", currency: Currency("ETH"), principal: dec("10"),
                                                      startedAt: instant("2021-01-01"), maturityAt: instant("2021-07-01"),
                                                      terms: .simpleProRata(rateBps: 3650, roundsUp: false, capAtMaturity: false),
                                                      collateral: [punk], wallet: Self.wallet),
                                              openedAt: instant("2021-03-02"), principalRepaid: dec("2"), interestPaid: dec("0.6"))
            return (punk, loan)
        }
        return (ledger, ids.0, ids.1)
    }

    @Test func debtAndAccruedInterestAfterTheOpeningFollowTheTerms() throws {
        let (ledger, punk, loan) = try book()
        let eth = try Currency("ETH")
        let (atOpening, later, before, pledged, cashAtOpening) = try ledger.read { book in
            (try book.loanState(loan, at: instant("2021-03-02")), try book.loanState(loan, at: instant("2021-04-01")),
             try book.loanStatus(loan, at: instant("2021-03-01")), try book.nfts(at: instant("2021-03-02")).first { $0.nft.id == punk }?.status,
             try book.cashBalance(eth, at: instant("2021-03-03")))
        }
        #expect(before == .notStarted)   // not part of the book before its opening
        #expect(atOpening.status == .open)
        #expect(atOpening.outstandingPrincipal == (try dec("8")))
        #expect(atOpening.debt == (try dec("8")))
        #expect(atOpening.accruedInterest == .zero)
        #expect(later.debt == (try dec("8.24")))
        #expect(later.accruedInterest == (try dec("0.24")))
        #expect(pledged == .pledged)
        #expect(cashAtOpening == .zero)
    }

    @Test func thePreOpeningCashIsNotTheBooksAndTheLoanIsAnEquityFlow() throws {
        let (ledger, _, loan) = try book()
        let eth = try Currency("ETH"), flag = PricingPolicy(onMissingPrice: .flag)
        let (journal, sheet, statement) = try ledger.read { book in
            (try book.journal(from: Instant(unixSeconds: 0), to: instant("2021-04-01")), try book.balanceSheet(at: instant("2021-04-01"), policy: flag),
             try book.incomeStatement(from: instant("2021-03-01"), to: instant("2021-04-01"), policy: flag))
        }
        let loanRows = journal.filter { $0.kind == .runningLoanOpened || $0.kind == .runningLoanAssumed || $0.loanID == loan }
        #expect(loanRows.map(\.kind) == [.runningLoanAssumed, .runningLoanOpened])
        #expect(loanRows.allSatisfy { $0.at == (try? instant("2021-03-02")) })
        #expect(loanRows.first { $0.kind == .runningLoanOpened }?.amount == Money(try dec("8"), eth))
        #expect(loanRows.first { $0.kind == .runningLoanAssumed }?.amount == Money(try dec("-8"), eth))
        #expect(loanRows.first { $0.kind == .runningLoanOpened }?.loanID == loan)
        #expect(!journal.contains { $0.kind == .loanProceeds })
        #expect(sheet.booked(eth).cash == .zero)
        #expect(sheet.booked(eth).loanPrincipal == (try dec("8")))
        #expect(sheet.booked(eth).equity == (try dec("17")))   // the punk at its 25 ETH cost − 8 owed
        let income = try #require(statement.booked.first { $0.currency == eth })
        #expect(income.amount(.withdrawal) == (try dec("-8")))
        #expect(income.amount(.deposit) == (try dec("25")))   // the punk brought in
        #expect(income.amount(.originationFee) == .zero && income.amount(.interestPaid) == .zero)
        #expect(income.profitAndLoss == .zero)
        #expect(statement.bookedReconciliation.allSatisfy { $0.holds })
        // v_cash_flow says the same as the journal.
        let db = try Connection(path: ledger.path, mode: .readOnly)
        defer { db.close() }
        var rows: [String] = []
        try db.query("SELECT description || ' ' || direction || ' ' || amount || ' ' || flow_at FROM v_cash_flow WHERE entry_table = 'loan' ORDER BY description") {
            rows.append(try $0.column(0))
        }
        #expect(rows == ["running loan assumed -1 8 2021-03-02T00:00:00Z", "running loan opened 1 8 2021-03-02T00:00:00Z"])
        #expect(try db.scalar("SELECT outstanding_principal_approx FROM v_loan", as: Double.self) == 8)
    }

    @Test func repayingAfterTheOpeningIsThisBooksCashAndInterest() throws {
        let (ledger, _, loan) = try book()
        let eth = try Currency("ETH")
        try ledger.write { tx in
            _ = try tx.recordLoanEvent(loan: loan, at: instant("2021-04-01"), .repay(interest: dec("0.24"), principal: dec("8")))
            _ = try tx.recordLoanEvent(loan: loan, at: instant("2021-04-01"), .close)
        }
        let (cash, status, statement) = try ledger.read { book in
            (try book.cashBalance(eth, at: instant("2021-04-02")), try book.loanStatus(loan, at: instant("2021-04-02")),
             try book.incomeStatement(from: instant("2021-03-01"), to: instant("2021-04-02"), policy: PricingPolicy(onMissingPrice: .flag)))
        }
        #expect(cash == (try dec("-8.24")))
        #expect(status == .closed)
        let income = try #require(statement.booked.first { $0.currency == eth })
        #expect(income.amount(.interestPaid) == (try dec("-0.24")))
        #expect(income.amount(.principalReleased) == .zero)
        #expect(statement.bookedReconciliation.allSatisfy { $0.holds })
    }

    @Test func refusalsNameTheField() throws {
        let ledger = try Ledger.create(at: dir.path("refusals.ledger"))
        let nft = try ledger.write { tx in
            let c = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let n = try tx.addNFT(collection: c, tokenID: TokenID("1"))
            _ = try tx.openNFTPosition(nft: n, openedAt: instant("2021-01-01"), cost: nil, currency: Currency("ETH"))
            return n
        }
        let loan = NewLoan(lendingProtocol: .nftfi, currency: try Currency("ETH"), principal: try dec("10"), startedAt: try instant("2021-02-01"),
                           terms: .continuous(rateBps: 1000), collateral: [nft])
        for (openedAt, repaid, interest, field) in [("2021-02-01", "0", "0", "opened_at"), ("2021-03-01", "10", "0", "principal_repaid"),
                                                    ("2021-03-01", "-1", "0", "principal_repaid"), ("2021-03-01", "1", "-0.1", "interest_paid")] {
            do {
                try ledger.write { tx in
                    _ = try tx.openRunningLoan(loan, openedAt: instant(openedAt), principalRepaid: dec(repaid), interestPaid: dec(interest))
                }
                Issue.record("booked a running loan opened \(openedAt) with \(repaid) repaid")
            } catch LedgerError.invalidValue(let named, _) { #expect(named == field) }
        }
        #expect(try count(ledger.path, "loan") == 0)
    }

    /// The running loan survives export → import → export, re-imports as a duplicate, and is
    /// voided like any loan.
    @Test func roundTripsThroughTheJournalAndIsVoidedLikeAnyLoan() throws {
        let (ledger, _, loan) = try book()
        var first = ""
        try ledger.exportJournal { first += $0 + "\n" }
        let line = try #require(first.split(separator: "\n").first { $0.contains("\"type\":\"opening_loan\"") })
        #expect(line.contains("\"started_at\":\"2021-01-01T00:00:00Z\""))
        #expect(line.contains("\"opened_at\":\"2021-03-02T00:00:00Z\",\"principal_repaid\":\"2\",\"interest_paid\":\"0.6\""))
        let file = dir.path("running.jsonl")
        try Data(first.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: file)
        var second = ""
        try copy.exportJournal { second += $0 + "\n" }
        #expect(second == first)
        #expect(try copy.read { try $0.loanState(LoanID(1), at: instant("2021-04-01")).debt } == (try dec("8.24")))
        // The same ref with another opening is a conflict, not a second loan.
        let changed = dir.path("changed.jsonl")
        try Data(first.replacingOccurrences(of: "\"interest_paid\":\"0.6\"", with: "\"interest_paid\":\"0.5\"").utf8).write(to: URL(fileURLWithPath: changed))
        #expect(throws: (any Error).self) { _ = try copy.importJournal(file: changed) }
        try ledger.write { tx in try tx.void(.loan(loan), reason: "not ours") }
        #expect(try ledger.read { try $0.journal(from: Instant(unixSeconds: 0), to: instant("2021-04-01")).filter { $0.entryTable == "loan" } }.isEmpty)
    }
}
