import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// `report returns`, `report cost` and `report stress` documents round-trip.
@Suite struct ReturnDocumentTests {
    let dir = TemporaryDirectory()

    @Test func returnsCostAndStressDocumentsRoundTrip() throws {
        let rates = (-1...90).map { (Double($0), 2_000 + 10 * Double($0)) }
        let book = try AnalyticsBook(dir: dir, ethUSD: rates)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        _ = try CondorFixture.open(in: book, protecting: [loan], settle: false)
        let at = CondorFixture.quoteTime(2)
        let (returns, cost, carry, stress) = try book.ledger.read { s in
            (try s.fullStackReturn(.portfolio, from: AnalyticsBook.day(-1), to: at, numeraire: .usd),
             try s.portfolioBorrowingCost(at: at, numeraire: .usd),
             try s.netCarry(at: at, numeraire: .usd),
             try s.stress(at: at, shock: MarketShock(floor: .relative(-0.55), ethUSD: .relative(-0.2), spx: .relative(-0.05),
                                                     impliedVol: .absolute(0.10))))
        }
        let returnsText = try expectRoundTrip(ReturnsDocument(returns))
        #expect(!returnsText.contains("\"yield_alone\""))
        #expect(returnsText.contains("\"time_weighted_return\": {"))
        let costText = try expectRoundTrip(CostDocument(cost, carry: carry, knownAt: at))
        #expect(!costText.contains("\"net_carry\""))
        let stressDocument = StressDocument(stress)
        try expectRoundTrip(stressDocument)
        #expect(stressDocument.loans.first?.liquidates == true)
        #expect(stressDocument.verdict.contains("NOT"))
    }
}
