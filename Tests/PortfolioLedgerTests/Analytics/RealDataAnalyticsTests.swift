import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Analytics on the real market data in `../shared/data/real` beside the package root (see its
/// README for sources). A missing file fails the test, naming it (``TestRequirement``).
@Suite struct RealDataAnalyticsTests {
    let dir = TemporaryDirectory()

    /// Rows of a CSV as dictionaries (the files have no quoted commas in the columns used).
    static func rows(_ relative: String, keep: (String) -> Bool = { _ in true }) throws -> [[String: String]] {
        let text = try String(contentsOfFile: try TestRequirement.realData(relative), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.filter(keep).map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    @Test func realSPXChainGivesARealizedThetaSeries() throws {
        // SPXW 2023-06-09 4000 put and 4300 call: quoted in all 7 sessions from 2023-04-14 to 2023-06-08.
        let symbols = ["SPXW230609P04000000", "SPXW230609C04300000"]
        let rows = try Self.rows("options/spx_option_chain_snapshots.csv") { line in symbols.contains { line.contains($0) } }
        #expect(rows.count == 14)
        let ledger = try Ledger.create(at: dir.path("real-options.ledger"), clock: { Instant(unixSeconds: 1_700_000_000) })
        let expiry = try instant("2023-06-09T20:00:00Z") // 16:00 New York (EDT), PM-settled SPXW
        let contracts: [OptionContractID] = try ledger.write { tx in
            let put = try tx.addOptionContract(root: .spxw, type: .put, strike: dec("4000"), expiresAt: expiry)
            let call = try tx.addOptionContract(root: .spxw, type: .call, strike: dec("4300"), expiresAt: expiry)
            let quotes = try rows.map { r -> OptionQuote in
                let c = (r["option_type"] == "P") ? put : call
                // A session's snapshot is taken as of its 16:00 New York close (20:00Z in EDT).
                return OptionQuote(contractID: c, quotedAt: try instant((r["session_date"] ?? "") + "T20:00:00Z"),
                                   bid: Double(r["bid_pts"] ?? ""), ask: Double(r["ask_pts"] ?? ""),
                                   impliedVol: Double(r["implied_volatility_decimal"] ?? ""), underlying: Double(r["underlying_last_pts"] ?? ""))
            }
            _ = try tx.addOptionQuotes(quotes)
            return [put, call]
        }
        // Long one of each; quotes are weeks apart, so accept any quote age.
        let report = try ledger.read {
            try $0.thetaDecay(positions: contracts.map { ($0, 1) }, from: instant("2023-04-01T00:00:00Z"), to: instant("2023-06-09T00:00:00Z"),
                              market: OptionMarketInputs(rate: 0.05, maxQuoteAgeSeconds: nil))
        }
        #expect(report.points.count == 7)
        for p in report.points {
            #expect(p.modelThetaPerDayUSD < 0) // long options lose time value
            #expect(p.extrinsicUSD > 0)
            #expect(p.markSources.isEmpty) // every leg marked at its real mid
        }
        // 2023-04-14: put mid 50.4 (OTM, all extrinsic) + call mid 34.55 (OTM) → 8,495 USD of time value.
        #expect(close(report.points.first?.extrinsicUSD, 100 * (50.4 + 34.55), 1e-6))
        // By 2023-06-08 almost all of it has gone: realized decay ≈ −(8,495 − 100 × (0.125 + 6.6)).
        #expect(close(report.points.last?.cumulativeRealizedUSD, -(100 * (50.4 + 34.55) - 100 * (0.125 + 6.6)), 1e-6))
    }

    @Test func cryptoPunksFloorProxyGivesAPlausibleLoanHistory() throws {
        let floors = try Self.rows("nft/cryptopunks_daily_punksmarket.csv") { $0.hasPrefix("2021-0") }
        let ethRows = try Self.rows("market/eth_usd_daily_coingecko.csv") { $0.hasPrefix("2020-12") || $0.hasPrefix("2021-0") }
        let ledger = try Ledger.create(at: dir.path("real-punks.ledger"), clock: { Instant(unixSeconds: 1_700_000_000) })
        let start = try instant("2021-01-01T00:00:00Z")
        let loan: LoanID = try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            let punk = try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
            _ = try tx.recordNFTTrade(nft: punk, side: .acquire, tradedAt: instant("2020-12-31T00:00:00Z"), price: eth("10"))
            // Floor proxy: the median sale price per day (min is polluted by near-zero transfers).
            let floor = try tx.addPriceSeries(name: "punks-median", kind: .floor, quote: Currency("ETH"), collection: punks)
            _ = try tx.addObservations(try floors.map { PriceObservation(observedAt: try instant(($0["date"] ?? "") + "T00:00:00Z"),
                                                                          price: Double($0["median_price_eth"] ?? "") ?? 0) }, to: floor)
            let fx = try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: Currency("USD"))
            _ = try tx.addObservations(try ethRows.map { PriceObservation(observedAt: try ISO8601.parse($0["snapshot_utc"] ?? ""),
                                                                       price: Double($0["price_usd"] ?? "") ?? 0) }, to: fx)
            // An illustrative BendDAO-style loan: 4 ETH at 20 %/year, LT 0.9.
            return try tx.addLoan(NewLoan(lendingProtocol: .benddao, currency: Currency("ETH"), principal: dec("4"), startedAt: start,
                                          terms: .aaveIndex(rateRay: "200000000000000000000000000", indexRayAtStart: "1000000000000000000000000000"),
                                          liquidationThreshold: 0.9, collateral: [punk]))
        }
        let history = try ledger.read {
            try $0.loanHistory(loan, from: start, to: instant("2021-04-05T00:00:00Z"), policy: PricingPolicy(maxAgeSeconds: 3 * 86_400))
        }
        #expect(history.points.count >= 90)
        var previousDebt = ExactDecimal.zero
        for p in history.points {
            #expect(p.debt >= previousDebt)
            previousDebt = p.debt
            let hf = try #require(p.healthFactor?.doubleValue)
            #expect(hf > 0.5 && hf < 100)
            #expect(close(hf, (p.collateralValue?.doubleValue ?? 0) * 0.9 / p.debt.doubleValue, 1e-9))
        }
        let minimum = try #require(history.minimumHealthFactor)
        #expect(history.points.contains { $0.at == minimum.at })
        // The liquidation floor in USD uses the real ETH/USD of the day.
        let state = try ledger.read { try $0.loanState(loan, at: instant("2021-02-01T00:00:00Z")) }
        #expect((state.risk?.usdConversion.first?.series) == "ETHUSD")
        #expect((state.risk?.liquidationFloorPriceUSD ?? 0) > 0)
    }
}
