import DemoData
import Foundation
import LedgerMath
import PortfolioLedger

/// The replay sweep (docs/replay.md): 100 policy points (LTV 15–60 % × buffer trigger HF 1.1–2.0,
/// hedge on) over 2019-01-01…2021-04-05 on the bundled history, on every core, against the same
/// points run one after another on one core. Every point's outcome must be identical on both sides.
func replaySweepJob(_ config: Config) throws -> Comparison {
    let market = try ReplayMarket(punksDaily: BundledHistory.punksDaily, ethUSD: BundledHistory.ethUSD, spx: BundledHistory.spx, vix: BundledHistory.vix)
    let from = try ISO8601.parse("2019-01-01"), to = try ISO8601.parse("2021-04-05")
    let grid = ReplayGrid(ltvs: ReplayGrid.steps(0.15, 0.6, by: 0.05), bufferHealthFactors: ReplayGrid.steps(1.1, 2.0, by: 0.1), hedge: [true])
    let base = sweepBasePolicy
    var parallel = Side("Swift: ReplaySweep.run, \(ProcessInfo.processInfo.activeProcessorCount) cores")
    var serial = Side("the same points on one core, one after another")
    var outcomes: ([ReplayOutcome], [ReplayOutcome]) = ([], [])
    try interleaved(config.repetitions, ours: {
        let m = try Measure.run { try ReplaySweep.run(base, grid: grid, market: market, from: from, to: to) }
        outcomes.0 = m.result.map(\.outcome)
        parallel.add(seconds: m.seconds, kib: m.kib)
    }, baseline: {
        let m = try Measure.run {
            try grid.ltvs.flatMap { ltv in
                try grid.bufferHealthFactors.map { trigger in
                    let policy = try ReplaySweep.policy(base, ltv: ltv, bufferHealthFactor: trigger, hedge: true)
                    return try ReplayRun.simulate(policy, market: market, from: from, to: to, recordPath: false).outcome
                }
            }
        }
        outcomes.1 = m.result
        serial.add(seconds: m.seconds, kib: m.kib)
    })
    guard outcomes.0 == outcomes.1 else { throw BenchError.failed("replay sweep: the parallel and serial outcomes differ") }
    let survived = outcomes.0.filter(\.survived).count
    return Comparison(job: "replay sweep", size: "\(grid.count) points, 2019-01-01…2021-04-05", ours: parallel, baseline: serial, target: .none,
                      notes: [String(format: "%.0f points/s; the 100-point sweep took %.3f s (target < 10 s: %@); %d of %d points survived",
                                     Double(grid.count) / parallel.median, parallel.median, parallel.median < 10 ? "met" : "MISSED",
                                     survived, grid.count)])
}

/// Two punks held from the start; 20 % APR BendDAO-style loan, threshold 65 %; 0.5 ETH reserve;
/// a monthly 50-point condor sized at half the debt.
let sweepBasePolicy = ReplayPolicy(
    name: "bench: two punks", collateral: [.init(token: "6818"), .init(token: "4915")],
    loan: .init(rateBps: 2000, targetLTV: 0.4, liquidationThreshold: 0.65),
    buffer: .init(belowHealthFactor: 1.5, cashETH: "0.5"), hedge: .init(maxLossPerDebt: 0.5))
