import Foundation
import LedgerTestSupport
import LedgerMath
import Testing
@testable import PortfolioLedger

/// `report loans` and `report loan` documents round-trip through the encoder and `JSONDecoder`.
@Suite struct LoanDocumentTests {
    let dir = TemporaryDirectory()

    @Test func loansAndLoanDocumentsRoundTrip() throws {
        let book = try AnalyticsBook(dir: dir, nftCount: 2)
        let bend = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        let fixed = try book.addLoan(.nftfi, principal: "20", received: "19.8", terms: .fixedRepayment(repayment: dec("20.328767")), collateral: 1)
        let at = AnalyticsBook.day(10)
        let (states, cost, history) = try book.ledger.read { s in
            (try [bend, fixed].map { try s.loanState($0, at: at) },
             try s.borrowingCost(bend, at: at, numeraire: .usd),
             try s.loanHistory(bend, from: AnalyticsBook.day(0), to: at))
        }
        let loans = LoansDocument(states, at: at, knownAt: AnalyticsBook.day(11))
        let text = try expectRoundTrip(loans)
        #expect(text.hasPrefix("{\n  \"report\": \"loans\",\n  \"as_known_at\": \"") )
        #expect(loans.loans.map(\.priceLiquidation).last?.hasPrefix("no price liquidation: ") == true)
        #expect(loans.loans.first?.healthFactor != nil)

        let loan = LoanDocument(state: states[0], cost: cost, history: history)
        let loanText = try expectRoundTrip(loan)
        #expect(loanText.contains("\"as_known_at\": null"))
        #expect(!loanText.contains("\"assumptions\""))
        #expect(loan.history.points.count == history.points.count)
    }
}
