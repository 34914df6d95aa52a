import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// A read snapshot's memo (decisions D22) returns exactly what the queries return without it.
@Suite struct SnapshotMemoTests {
    let dir = TemporaryDirectory()

    @Test func memoizedReadsEqualUnmemoizedOnes() throws {
        let book = try AnalyticsBook(dir: dir, nftCount: 2)
        try book.ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: AnalyticsBook.day(-2), amount: eth("100"))
            _ = try tx.recordExternalFlow(.deposit, at: AnalyticsBook.day(-2), amount: Money(try dec("5000"), try Currency("USD")))
        }
        let first = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")))
        let second = try book.addLoan(.benddao, principal: "10", days: nil, terms: .continuous(rateBps: 1_000), lt: 0.9, collateral: 1, startDay: 5)
        _ = try CondorFixture.open(in: book, protecting: [first])
        try book.event(first, day: 30, .repay(interest: dec("0.328767"), principal: dec("20")))
        try book.event(first, day: 30, .close)
        try book.event(second, day: 12, .borrowMore(amount: dec("2")))
        let instants = [-3.0, -2, 0, 5, 12, 29.5, 30, 45, 90].map(AnalyticsBook.day)

        for knownAt in [nil, Instant(unixSeconds: 1_700_000_000), Instant(unixSeconds: 1_600_000_000)] {
            try book.ledger.read(asKnownAt: knownAt) { memoized in
                #expect(memoized.memo != nil)
                let plain = LedgerSnapshot(db: memoized.db, knownAt: knownAt)
                #expect(try memoized.loans() == plain.loans())
                #expect(try memoized.hedges() == plain.hedges())
                for id in [first, second, LoanID(99)] {
                    #expect(try memoized.loan(id) == plain.loan(id))
                    #expect(try memoized.loanEvents(of: id) == plain.loanEvents(of: id))
                }
                for id in try plain.hedges().map(\.id) + [HedgeID(99)] { #expect(try memoized.hedge(id) == plain.hedge(id)) }
                for (i, at) in instants.enumerated() {
                    #expect(try memoized.loans(openAt: at) == plain.loans(openAt: at))
                    for currency in ["ETH", "USD", "EUR"] {
                        #expect(try memoized.cashBalance(Currency(currency), at: at) == plain.cashBalance(Currency(currency), at: at))
                    }
                    for from in instants[...i] { #expect(try memoized.journal(from: from, to: at) == plain.journal(from: from, to: at)) }
                    #expect(try memoized.journal(from: at, to: instants[0]) == plain.journal(from: at, to: instants[0]))
                }
            }
        }
        // A transaction's snapshot sees its own writes: it has no memo.
        try book.ledger.write { tx in #expect(tx.current.memo == nil) }
    }
}
