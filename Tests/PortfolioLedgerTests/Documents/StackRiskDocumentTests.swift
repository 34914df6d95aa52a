import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// `report break-even`, `borrowing-wacc`, `buffer` and `momentum` documents round-trip.
@Suite struct StackRiskDocumentTests {
    let dir = TemporaryDirectory()

    @Test func stackRiskDocumentsRoundTrip() throws {
        let floor = (0...90).map { d in (Double(d), (20...25).contains(d) ? 40.0 : 50.0) }
        let book = try AnalyticsBook(dir: dir, floor: floor, ethUSD: (-1...90).map { (Double($0), 2_000) })
        let loan = try book.addLoan(.other, principal: "20", received: "20", days: 60, terms: .fixedRepayment(repayment: dec("20.5")), lt: 0.8)
        try book.ledger.write { tx in
            _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: AnalyticsBook.day(5), target: BufferTarget(minHealthFactor: 1.6))
        }
        let at = AnalyticsBook.day(22)
        let (breakEven, wacc, period, buffer, momentum) = try book.ledger.read { s in
            (try s.stackBreakEven(.portfolio, at: at),
             try s.weightedBorrowingCost(at: at),
             try s.weightedBorrowingCost(from: AnalyticsBook.day(0), to: at),
             try s.collateralBuffer(at: at),
             try s.collectionMomentum(book.collection, from: AnalyticsBook.day(0), to: at, period: 2))
        }
        let breakEvenDocument = BreakEvenDocument(breakEven, knownAt: at)
        try expectRoundTrip(breakEvenDocument)
        #expect(breakEvenDocument.thresholds.contains { $0.threshold == "loan \(loan) liquidation" })
        let waccText = try expectRoundTrip(BorrowingWACCDocument(wacc))
        #expect(waccText.contains("\"by_protocol\": {\n    \"other\": {"))
        #expect(!waccText.contains("net_of_yield") && waccText.contains("\"from\": null"))
        try expectRoundTrip(BorrowingWACCDocument(period))
        let bufferDocument = BufferDocument(buffer)
        try expectRoundTrip(bufferDocument)
        #expect(bufferDocument.loansInBreach == [loan.rawValue] && bufferDocument.loans.first?.cure != nil)
        // The cure is its own document (DOCUMENTS-4): the keys and order `report buffer` has always written.
        let cureText = try ReportJSONEncoder().encode(try #require(bufferDocument.loans.first?.cure))
        #expect(cureText.matches(of: /"(\w+)":/).map { String($0.1) }
                == ["repayment", "repayment_usd", "extra_collateral_value", "extra_collateral_value_usd", "extra_nfts_at_current_price"])
        try expectRoundTrip(MomentumDocument(momentum, at: at))
    }

    @Test func keyedMembersKeepTheirOrderAndReadBackSorted() throws {
        let members = KeyedMembers([(key: "a", value: 1), (key: "b", value: 2)])
        #expect(try expectRoundTrip(members) == "{\n  \"a\": 1,\n  \"b\": 2\n}")
    }
}
