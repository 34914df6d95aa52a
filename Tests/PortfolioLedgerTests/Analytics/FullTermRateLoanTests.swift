import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// The `full_term_rate` interest model (Arcade v3), added through the recipe "add an interest
/// model" of docs/architecture.md: one migration and three Swift files.
///
/// Reference values are the contract's integer arithmetic (ARC3 `InterestCalculator.sol`,
/// nft-lending.md §6: `interest = principal · proratedInterestRate / (1e18 · 1e4)`, truncated) run
/// in Python, independent of our code:
///
///     P = 20 * 10**18; R = 164383561643835616438   # 20 % APR over 30 days, in 1e18-scaled bps
///     P * R // (10**18 * 10**4)                     # 328767123287671232 → 0.328767123287671232 ETH
///     12345678 * 1645 * 10**17 // 10**22           # 164.5 bps of 12.345678 (6 decimals) → 203086
///
/// Exact: integers, no tolerance.
@Suite struct FullTermRateLoanTests {
    let dir = TemporaryDirectory()
    static let f1Rate = "164.383561643835616438" // 0.20 · 30/365 · 1e4, to 18 decimals (F1's example)

    @Test func interestIsFixedWheneverRepaidAndMatchesTheContract() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.arcade, principal: "20", terms: .fullTermRate(rateBps: dec(Self.f1Rate)))
        try book.ledger.read { (s: LedgerSnapshot) throws in
            for day in [0.5, 10, 30] {
                let state = try s.loanState(loan, at: AnalyticsBook.day(day))
                #expect(state.accruedInterest == (try dec("0.328767123287671232")))
                #expect(state.debt == (try dec("20.328767123287671232")))
            }
            #expect(try s.loan(loan)?.terms.model == .fullTermRate)
        }
        // Repaid on day 5: the whole full-term interest is due, nothing is left.
        try book.event(loan, day: 5, .repay(interest: dec("0.328767123287671232"), principal: dec("20")))
        try book.event(loan, day: 5, .close)
        let cost = try book.ledger.read { try $0.borrowingCost(loan, at: AnalyticsBook.day(40), numeraire: .usd) }
        #expect(cost.cost == (try dec("0.328767123287671232")))
    }

    @Test func truncatesToTheTokensSmallestUnit() throws {
        let model = try LoanRecord.model(.fullTermRate(rateBps: dec("164.5")), principal: dec("12.345678"), start: AnalyticsBook.day(0),
                                         maturity: AnalyticsBook.day(30), protocol: .arcade, decimals: 6)
        #expect(try model.debt(at: AnalyticsBook.day(1)) == (try dec("12.548764")))
    }

    @Test func storedTermsAndTheJournalRoundTrip() throws {
        let book = try AnalyticsBook(dir: dir)
        _ = try book.addLoan(.arcade, principal: "20", terms: .fullTermRate(rateBps: dec(Self.f1Rate)))
        #expect(try LoanTermsCoding.encode(.fullTermRate(rateBps: dec("164.5"))) == #"{"model":"full_term_rate","rate_bps":"164.5"}"#)
        var lines: [String] = []
        _ = try book.ledger.exportJournal { lines.append($0) }
        #expect(lines.contains { $0.contains(#""terms":{"model":"full_term_rate","rate_bps":"\#(Self.f1Rate)"}"#) })
        let journal = dir.path("book.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: journal))
        let copy = try Ledger.create(at: dir.path("copy.ledger"))
        _ = try copy.importJournal(file: journal)
        let loans = try copy.read { try $0.loans() }
        #expect(loans.map(\.terms) == [.fullTermRate(rateBps: try dec(Self.f1Rate))])
    }

    @Test(arguments: [("-1", "terms.rate_bps"), ("10000001", "terms.rate_bps"), ("1.0000000000000000001", "terms.rate_bps")])
    func refusesRatesOutOfRange(rate: String, field: String) throws {
        let book = try AnalyticsBook(dir: dir)
        let error = #expect(throws: LedgerError.self) { try book.addLoan(.arcade, principal: "20", terms: .fullTermRate(rateBps: dec(rate))) }
        guard case .invalidValue(let named, _)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(named == field)
    }

    @Test func needsAMaturity() throws {
        let book = try AnalyticsBook(dir: dir)
        #expect(throws: LedgerError.invalidValue(field: "maturity_at", reason: "a full-term-rate loan needs a maturity")) {
            try book.addLoan(.arcade, principal: "20", days: nil, terms: .fullTermRate(rateBps: dec("100")))
        }
    }
}
