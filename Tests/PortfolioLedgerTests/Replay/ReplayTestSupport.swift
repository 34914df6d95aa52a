import Foundation
import LedgerMath
@testable import PortfolioLedger

/// The real history in the shared data folder (`../shared` from the package root), read through
/// `#filePath`; a missing file fails the test (it is never skipped).
enum ReplayTestData {
    static func market(filePath: String = #filePath) throws -> ReplayMarket {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let real = root.deletingLastPathComponent().appendingPathComponent("shared/data/real")
        func text(_ path: String) throws -> String { try String(contentsOf: real.appendingPathComponent(path), encoding: .utf8) }
        return try ReplayMarket(punksDaily: try text("nft/cryptopunks_daily_punksmarket.csv"), ethUSD: try text("market/eth_usd_daily_coingecko.csv"),
                                spx: try text("market/spx_daily_close_fred.csv"), vix: try text("market/vix_daily_cboe.csv"))
    }

    /// Two punks held from the start, 40 % LTV on a 20 % APR BendDAO-style loan (threshold 65 %),
    /// a 2 ETH reserve that repays when HF < 1.4, and a 1-lot-sized monthly 25-point condor.
    static let handChecked = ReplayPolicy(
        name: "hand-checked",
        collateral: [.init(token: "6818"), .init(token: "4915")],
        loan: .init(rateBps: 2000, targetLTV: 0.4, liquidationThreshold: 0.65),
        buffer: .init(belowHealthFactor: 1.4, cashETH: "2"),
        hedge: .init(wingWidthPoints: 25, tenorDays: 28, maxLossPerDebt: 1))

    static func day(_ text: String) throws -> Instant { try ISO8601.parse(text) }
}
