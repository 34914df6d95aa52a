import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

@Suite struct LedgerJournalTests {
    let dir = TemporaryDirectory()

    @Test func correctionChangesTheCurrentViewButNotThePast() throws {
        let book = try SampleBook(dir: dir)
        try book.clock.set("2021-03-20T00:00:00Z")
        let fee = try book.ledger.write { tx in try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-19"), .fee(amount: dec("1.5"))) }
        try book.clock.set("2021-03-25T00:00:00Z")
        try book.ledger.write { tx in
            let fixed = try tx.recordLoanEvent(loan: book.loan, at: instant("2021-03-19"), .fee(amount: dec("0.15")))
            try tx.supersede(.loanEvent(fee), by: .loanEvent(fixed), reason: "fee was 0.15, not 1.5")
        }
        func fees(_ knownAt: Instant?) throws -> [String] {
            try book.ledger.read(asKnownAt: knownAt) { s in
                try s.loanEvents(of: book.loan).compactMap { if case .fee(let a) = $0.detail { a.description } else { nil } }
            }
        }
        #expect(try fees(nil) == ["0.15"])
        #expect(try fees(instant("2021-03-22T00:00:00Z")) == ["1.5"])
        #expect(try fees(instant("2021-03-19T00:00:00Z")) == [])
        // The view for other tools shows the current knowledge.
        let db = try Connection(path: book.ledger.path, mode: .readOnly)
        var viewFees: [String] = []
        try db.query("SELECT amount FROM v_cash_flow WHERE description = 'loan fee paid'") { viewFees.append(try $0.column(0)) }
        #expect(viewFees == ["0.15"])
        // Voiding the loan hides it (and its proceeds) from now on only.
        try book.clock.set("2021-03-26T00:00:00Z")
        try book.ledger.write { tx in try tx.void(.loan(book.loan), reason: "booked twice") }
        #expect(try book.ledger.read { try $0.loan(book.loan) } == nil)
        #expect(try book.ledger.read(asKnownAt: instant("2021-03-25T12:00:00Z")) { try $0.loan(book.loan) }?.principal == dec("1000"))
    }

    @Test func journalAndBalanceAssertions() throws {
        let book = try SampleBook(dir: dir)
        let eth = try Currency("ETH")
        try book.ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: instant("2021-03-01"), amount: Money(dec("4200"), eth))
            _ = try tx.assertBalance(at: instant("2021-03-11T12:00:00Z"), amount: Money(.zero, eth))       // 4200 − 4200: holds
            _ = try tx.assertBalance(at: instant("2021-03-13T00:00:00Z"), amount: Money(dec("1000"), eth)) // really 995
        }
        try book.ledger.read { (s: LedgerSnapshot) throws in
            let journal = try s.journal(from: instant("2021-01-01"), to: instant("2021-12-31"))
            #expect(journal.map(\.description) == ["deposit", "nft purchase", "loan proceeds received"])
            #expect(journal.map(\.amount.amount.description) == ["4200", "-4200", "995"])
            #expect(try s.cashBalance(eth, at: instant("2021-03-13")) == dec("995"))
            let failures = try s.balanceAssertionFailures()
            #expect(failures.count == 1)
            #expect(try failures.first?.actual == dec("995"))
            #expect(try failures.first?.difference == dec("-5"))
        }
        let report = try book.ledger.check()
        #expect(report.integrity.isClean && report.balanceFailures.count == 1 && !report.isClean)
    }

    @Test func ironCondorIsBookedAsFourTradesAndSettles() throws {
        let book = try SampleBook(dir: dir)
        let expiry = try instant("2021-04-16T13:30:00Z")
        let legs = try [(OptionType.put, "3700", 1, "5.2"), (.put, "3800", -1, "9.1"), (.call, "4100", -1, "8.4"), (.call, "4250", 1, "2.05")]
            .map { OptionLeg($0.0, strike: try dec($0.1), quantity: $0.2, premium: try dec($0.3), expiry: expiry) }
        let hedge = try book.ledger.write { tx in
            try tx.openIronCondor(name: "Q2 hedge", root: .spx, legs: legs, tradedAt: instant("2021-03-15T15:00:00Z"),
                                  feesPerLeg: dec("0.65"), protecting: [book.loan])
        }
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(try s.hedge(hedge)?.protectedLoans == [book.loan])
            let positions = try s.positions(of: hedge, at: instant("2021-03-20"))
            #expect(positions.map(\.quantity) == [1, -1, -1, 1])
            #expect(positions.map(\.contract.strike.description) == ["3700", "3800", "4100", "4250"])
            let premiums = try s.journal(from: instant("2021-03-15"), to: instant("2021-03-15T23:59:59Z"))
                .filter { $0.description.hasPrefix("option premium") }.map(\.amount.amount)
            #expect(try premiums.reduce(ExactDecimal.zero, +) == dec("1025")) // (9.1 + 8.4 − 5.2 − 2.05) × 100
        }
        // Settlement at 4120.5: the short 4100 call pays 20.5 points × 100.
        try book.ledger.write { tx in
            for position in try tx.current.positions(of: hedge, at: expiry) {
                _ = try tx.settleContract(position.contract.id, settlementValue: dec("4120.5"))
            }
        }
        let cash = try book.ledger.read { s in
            try s.optionSettlements(of: hedge).map(\.cashAmount.description)
        }
        #expect(cash.sorted() == ["-2050", "0", "0", "0"])
        #expect(throws: LedgerError.self) {
            try book.ledger.write { tx in
                let contract = try #require(try tx.current.positions(of: hedge, at: expiry).first?.contract.id)
                _ = try tx.settleContract(contract, settlementValue: dec("4120.5"))
            }
        }
    }

    @Test func refinanceClosesTheOldLoanAndMovesTheCollateral() throws {
        let book = try SampleBook(dir: dir)
        let newLoan = try book.ledger.write { tx in
            try tx.addLoan(NewLoan(lendingProtocol: .blend, currency: Currency("ETH"), principal: dec("1016.438356164383561643"),
                                   startedAt: instant("2021-04-01"), terms: .continuous(rateBps: 1200), collateral: [book.punk],
                                   refinances: book.loan))
        }
        try book.ledger.read { (s: LedgerSnapshot) throws in
            #expect(try s.loanStatus(book.loan, at: instant("2021-04-02")) == .closed)
            #expect(try s.holding(of: book.punk, at: instant("2021-04-02"))?.pledgedTo == newLoan)
            #expect(try s.loan(newLoan)?.refinancesLoanID == book.loan)
        }
    }
}
