import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// `report valuation`, `policy list` and `query` documents round-trip.
@Suite struct ValuationAndCommandDocumentTests {
    let dir = TemporaryDirectory()

    @Test func valuationAndPolicyListRoundTrip() throws {
        let book = try AnalyticsBook(dir: dir)
        let loan = try book.addLoan(.benddao, principal: "20", days: nil,
                                    terms: .aaveIndex(rateRay: LoanAnalyticsTests.ray20, indexRayAtStart: LoanAnalyticsTests.ray1), lt: 0.8)
        _ = try CondorFixture.open(in: book, protecting: [loan], settle: false)
        try book.ledger.write { tx in
            _ = try tx.setBufferPolicy(.loan(loan), effectiveAt: AnalyticsBook.day(5), target: BufferTarget(minHealthFactor: 1.6), note: "keep HF ≥ 1.6")
        }
        let (valuation, policies) = try book.ledger.read { s in
            (try s.portfolioValuation(at: CondorFixture.quoteTime(2)), try s.bufferPolicies())
        }
        let plain = try expectRoundTrip(ValuationDocument(valuation))
        #expect(!plain.contains("yield") && !plain.contains("nft_usd_by_wallet"))
        let split = ValuationDocument(valuation, byWallet: ["0xabc": 1_000, nil: 2.5])
        let splitText = try expectRoundTrip(split)
        #expect(split.nftUSDByWallet?.map(\.wallet) == [nil, "0xabc"] && splitText.contains("\"wallet\": null"))
        let list = PolicyListDocument(policies)
        try expectRoundTrip(list)
        #expect(list.policies.first?.note == "keep HF ≥ 1.6")
    }

    @Test func valuationWithYieldPositions() throws {
        let fixture = YieldPositionTests()
        let (book, _, _, _, _) = try fixture.fundedVault()
        defer { withExtendedLifetime(fixture) {} }
        let valuation = try book.ledger.read { try $0.portfolioValuation(at: AnalyticsBook.day(20)) }
        let text = try expectRoundTrip(ValuationDocument(valuation))
        #expect(text.contains("\"yield_positions\": [") && text.contains("\"yield_usd\": "))
    }

    @Test func queryRowsKeepColumnOrderAndValues() throws {
        let row = QueryRowDocument(columns: ["b", "a", "c", "d"], values: [.integer(7), .text("1.50"), .blob([0, 255]), .null])
        #expect(try ReportJSONEncoder().encode(row) == "{\n  \"b\": 7,\n  \"a\": \"1.50\",\n  \"c\": \"00ff\",\n  \"d\": null\n}")
        let sorted = QueryRowDocument(columns: ["a", "b", "c"], values: [.real(0.25), .text("x"), .null])
        try expectRoundTrip(sorted)
    }
}
