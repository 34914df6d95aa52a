import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

@Suite struct ReplaySweepTests {
    @Test func aSweepPointIsTheReplayOfItsPolicyInGridOrder() throws {
        let market = try ReplayTestData.market()
        let from = try ReplayTestData.day("2020-12-01"), to = try ReplayTestData.day("2021-03-31")
        let grid = ReplayGrid(ltvs: [0.2, 0.4, 0.6], bufferHealthFactors: [nil, 1.5], hedge: [true, false])
        let points = try ReplaySweep.run(ReplayTestData.handChecked, grid: grid, market: market, from: from, to: to)
        #expect(points.count == 12)
        #expect(points.map(\.ltv) == [0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.6, 0.6])
        #expect(points.map(\.hedge) == Array(repeating: [true, false], count: 6).flatMap { $0 })
        for point in points {
            let alone = try ReplayRun.simulate(point.policy, market: market, from: from, to: to, recordPath: false)
            #expect(alone.outcome == point.outcome)
            #expect(point.policy.buffer?.belowHealthFactor == point.bufferHealthFactor)
        }
        // The same grid again: the same outcomes, whatever order the cores finished in.
        let again = try ReplaySweep.run(ReplayTestData.handChecked, grid: grid, market: market, from: from, to: to)
        #expect(again.map(\.outcome) == points.map(\.outcome))
    }

    @Test func aSweepRefusesAPolicyWithoutALoan() throws {
        var policy = ReplayTestData.handChecked
        policy.loan = nil
        policy.buffer = nil
        policy.hedge = nil
        #expect(throws: LedgerError.invalidValue(field: "loan", reason: "a sweep varies the loan; the policy has none")) {
            try ReplaySweep.policy(policy, ltv: 0.3, bufferHealthFactor: nil, hedge: false)
        }
    }

    @Test func gridSteps() {
        #expect(ReplayGrid.steps(0.2, 0.6, by: 0.05) == [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6])
        #expect(ReplayGrid.steps(1.1, 2.0, by: 0.1).count == 10)
    }
}
