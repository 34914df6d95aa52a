import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// `replay` documents round-trip: a comparison, and sweep points with and without buffer actions.
@Suite struct ReplayDocumentTests {
    @Test func comparisonAndSweepDocumentsRoundTrip() throws {
        let market = try ReplayTestData.market()
        let from = try ReplayTestData.day("2020-12-01"), to = try ReplayTestData.day("2021-03-31")
        let comparison = try ReplayComparison.run(ReplayTestData.handChecked, market: market, from: from, to: to)
        let document = ReplayComparisonDocument(comparison, from: from, to: to)
        let text = try expectRoundTrip(document)
        #expect(text.contains("\"from\": \"2020-12-01\"") && document.layers.count == comparison.layers.count)
        #expect(text.contains("{\n      \"layer\": \"") && !text.contains("collateralPledges"))

        let grid = ReplayGrid(ltvs: [0.4], bufferHealthFactors: [nil, 1.5], bufferActions: [[.repay]], hedge: [false])
        let points = try ReplaySweep.run(ReplayTestData.handChecked, grid: grid, market: market, from: from, to: to)
        let plain = try expectRoundTrip(points.map { ReplaySweepPointDocument($0, showActions: false) })
        #expect(!plain.contains("bufferActions"))
        let withActions = try expectRoundTrip(points.map { ReplaySweepPointDocument($0, showActions: true) })
        #expect(withActions.contains("\"bufferActions\": ") && withActions.contains("\"hedgeSales\": "))
    }
}
