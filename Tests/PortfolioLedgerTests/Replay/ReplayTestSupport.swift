import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// The real history in the shared data folder (`../shared` from the package root), read through
/// `#filePath`; a missing file fails the test (it is never skipped).
enum ReplayTestData {
    static func market(filePath: String = #filePath) throws -> ReplayMarket {
        try ReplayMarket(punksDaily: try text("nft/cryptopunks_daily_punksmarket.csv", filePath: filePath),
                         ethUSD: try text("market/eth_usd_daily_coingecko.csv", filePath: filePath),
                         spx: try text("market/spx_daily_close_fred.csv", filePath: filePath), vix: try text("market/vix_daily_cboe.csv", filePath: filePath))
    }

    /// A file of the shared data folder, as text.
    static func text(_ path: String, filePath: String = #filePath) throws -> String {
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let real = root.deletingLastPathComponent().appendingPathComponent("shared/data/real")
        return try String(contentsOf: real.appendingPathComponent(path), encoding: .utf8)
    }

    /// TEST FIXTURE, not market data: the real ETH/USD, SPX and VIX with a made-up CryptoPunks
    /// floor of `floors[day]` ETH (else `otherwise`) on every day of `[from, to]`. The bundled
    /// daily sales summary ends on 2021-04-05 and the stored SPX chains are 2022–2023, so a
    /// replay that reaches the chains needs a floor series that does not exist in the data.
    static func marketWithMadeUpFloor(from: String, to: String, otherwise: Double, floors: [String: Double]) throws -> ReplayMarket {
        var csv = "date,median_price_eth,min_price_eth\n"
        var day = try ISO8601.parse(from)
        while day <= (try ISO8601.parse(to)) {
            let date = ISO8601.formatDate(day), floor = floors[date] ?? otherwise
            csv += "\(date),\(floor),\(floor)\n"
            day = day.adding(seconds: 86_400)
        }
        return try ReplayMarket(punksDaily: csv, ethUSD: try text("market/eth_usd_daily_coingecko.csv"),
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

    /// `check` is clean, and export → import → export gives the same bytes and the same book.
    static func expectCheckAndRoundTrip(_ ledger: Ledger, dir: TemporaryDirectory, name: String) throws {
        #expect(try ledger.check().isClean)
        var journal = ""
        try ledger.exportJournal { journal += $0 + "\n" }
        let file = dir.path("\(name).jsonl")
        try Data(journal.utf8).write(to: URL(fileURLWithPath: file))
        let copy = try Ledger.create(at: dir.path("\(name)-copy.ledger"))
        _ = try copy.importJournal(file: file)
        #expect(try copy.check().isClean)
        #expect(try ExportRoundTripTests.bookContent(dir.path("\(name)-copy.ledger")) == ExportRoundTripTests.bookContent(dir.path("\(name).ledger")))
        var again = ""
        try copy.exportJournal { again += $0 + "\n" }
        #expect(again == journal)
    }
}
