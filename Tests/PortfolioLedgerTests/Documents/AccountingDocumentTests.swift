import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// `report statement` and `report balance-sheet` documents round-trip, with and without the yield
/// keys (present only for books with yield positions), and returns and cost with them.
@Suite struct AccountingDocumentTests {
    let dir = TemporaryDirectory()

    @Test func statementAndBalanceSheetRoundTrip() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        _ = try CondorFixture.open(in: book, protecting: [loan])
        let (statement, sheet) = try book.ledger.read { s in
            (try s.incomeStatement(from: AnalyticsBook.day(-1), to: AnalyticsBook.day(10), numeraire: .usd),
             try s.balanceSheet(at: AnalyticsBook.day(10), numeraire: .usd))
        }
        let statementText = try expectRoundTrip(StatementDocument(statement))
        #expect(!statementText.contains("yield"))
        let sheetText = try expectRoundTrip(BalanceSheetDocument(sheet, numeraire: .usd))
        #expect(!sheetText.contains("yield"))
        #expect(sheetText.hasPrefix("{\n  \"report\": \"balance-sheet\",\n  \"at\": "))
    }

    @Test func yieldKeysAppearForBooksWithYieldPositions() throws {
        let fixture = YieldPositionTests()
        let (book, _, _, _, _) = try fixture.fundedVault()
        defer { withExtendedLifetime(fixture) {} }
        let at = AnalyticsBook.day(60)
        let (statement, sheet, returns, cost, carry) = try book.ledger.read { s in
            (try s.incomeStatement(from: AnalyticsBook.day(-1), to: at, numeraire: .eth),
             try s.balanceSheet(at: AnalyticsBook.day(20), numeraire: .eth),
             try s.fullStackReturn(.portfolio, from: AnalyticsBook.day(-1), to: at, numeraire: .eth),
             try s.portfolioBorrowingCost(at: at, numeraire: .eth),
             try s.netCarry(at: at, numeraire: .eth))
        }
        let statementText = try expectRoundTrip(StatementDocument(statement))
        #expect(statementText.contains("\"yield_income\": ") && statementText.contains("\"unrealized_yield_change\": "))
        let sheetDocument = BalanceSheetDocument(sheet, numeraire: .eth)
        let sheetText = try expectRoundTrip(sheetDocument)
        #expect(sheetText.contains("\"yield_at_cost\": ") && sheetText.contains("\"yield_at_mark\": "))
        #expect(sheetDocument.yieldPositions?.count == 1)
        let returnsText = try expectRoundTrip(ReturnsDocument(returns))
        #expect(returnsText.contains("\"yield_alone\": {") && returnsText.contains("\"per_yield_position\": ["))
        let costText = try expectRoundTrip(CostDocument(cost, carry: carry))
        #expect(costText.contains("\"net_carry\": ["))
    }
}
