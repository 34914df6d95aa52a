import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Issue 21, hedge effectiveness: beta and correlation against numpy on the bundled real data
/// (CryptoPunks daily median, CoinGecko ETH/USD, FRED SPX), the minimum sample, and the hedge's
/// P&L on the worst floor days and over the NFT drawdown, worked by hand.
@Suite struct HedgeEffectivenessTests {
    let dir = TemporaryDirectory()

    /// The three real series stored at midnight UTC of their dates.
    func realBook() throws -> Ledger {
        let ledger = try Ledger.create(at: dir.path("real.ledger"), clock: { Instant(unixSeconds: 1_700_000_000) })
        func load(_ relative: String, _ column: String) throws -> [PriceObservation] {
            try RealDataAnalyticsTests.rows(relative).compactMap { r in
                guard let value = Double(r[column] ?? ""), let date = r["date"] else { return nil }
                return PriceObservation(observedAt: try instant(date + "T00:00:00Z"), price: value)
            }
        }
        let floor = try load("nft/cryptopunks_daily_punksmarket.csv", "median_price_eth")
        let eth = try load("market/eth_usd_daily_coingecko.csv", "price_usd")
        let spx = try load("market/spx_daily_close_fred.csv", "close_index_points")
        try ledger.write { tx in
            let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb", name: "CryptoPunks")
            try tx.addObservations(floor, to: try tx.addPriceSeries(name: "punks-median", kind: .floor, quote: .eth, collection: punks))
            try tx.addObservations(eth, to: try tx.addPriceSeries(name: "ETHUSD", kind: .fx, base: "ETH", quote: .usd))
            try tx.addObservations(spx, to: try tx.addPriceSeries(name: "SPX", kind: .index, quote: .usd))
        }
        return ledger
    }

    @Test func betaAndCorrelationMatchNumpyOnRealData() throws {
        let ledger = try realBook()
        #expect(HedgeEffectivenessFixture.windows.count == 2)
        for w in HedgeEffectivenessFixture.windows {
            let report = try ledger.read {
                try $0.hedgeEffectiveness(floorSeries: "punks-median", ethUSDSeries: "ETHUSD", spxSeries: "SPX",
                                          from: instant(w.from + "T00:00:00Z"), to: instant(w.to + "T23:59:59Z"))
            }
            #expect(report.days.count == w.days)
            let (first, last) = (try instant(w.firstDay + "T00:00:00Z"), try instant(w.lastDay + "T00:00:00Z"))
            #expect(report.days.first == first && report.days.last == last)
            let pairs: [(String, ReturnRegression)] = [("floorUSD~spx", report.floorUSDToSPX), ("floorUSD~eth", report.floorUSDToETH),
                                                       ("floorETH~spx", report.floorETHToSPX), ("floorETH~eth", report.floorETHToETH)]
            for (key, r) in pairs {
                // 1e-9 relative: both sides sum the same ~700 doubles in a different order (numpy pairwise).
                let beta = try #require(w.betas[key]), corr = try #require(w.correlations[key])
                #expect(abs(r.beta - beta) <= 1e-9 * abs(beta), "\(w.from) \(key) beta \(r.beta) vs numpy \(beta)")
                #expect(abs(r.correlation - corr) <= 1e-9 * abs(corr), "\(w.from) \(key) correlation \(r.correlation) vs numpy \(corr)")
            }
            // log(floor USD) = log(floor ETH) + log(ETH/USD), so β(floor USD, ETH) = β(floor ETH, ETH) + 1.
            #expect(abs(report.floorUSDToETH.beta - report.floorETHToETH.beta - 1) <= 1e-12)
            // No hedges booked: the worst days show a zero hedge P&L, not a missing one; no NFT held: no drawdown.
            #expect(report.worstFloorDays.count == 5 && report.worstFloorDays.allSatisfy { $0.hedgePnLUSD == 0 })
            #expect(zip(report.worstFloorDays, report.worstFloorDays.dropFirst()).allSatisfy { $0.floorUSDReturn <= $1.floorUSDReturn })
            #expect(report.drawdown == nil)
        }
    }

    @Test func tooFewAlignedDaysIsRefusedNamingTheCount() throws {
        let ledger = try realBook()
        // 2021-03-01 … 2021-03-20: SPX has 15 sessions, so at most 14 returns.
        #expect(throws: AnalyticsError.self) {
            try ledger.read { try $0.hedgeEffectiveness(floorSeries: "punks-median", ethUSDSeries: "ETHUSD", spxSeries: "SPX",
                                                        from: instant("2021-03-01T00:00:00Z"), to: instant("2021-03-20T00:00:00Z")) }
        }
        let small = try ledger.read { try $0.hedgeEffectiveness(floorSeries: "punks-median", ethUSDSeries: "ETHUSD", spxSeries: "SPX",
                                                                from: instant("2021-03-01T00:00:00Z"), to: instant("2021-03-20T00:00:00Z"),
                                                                minimumSamples: 5) }
        #expect(small.samples == small.days.count - 1 && small.samples >= 5)
        #expect(throws: AnalyticsError.unknownEntity(kind: "price series", id: "nope")) {
            try ledger.read { try $0.hedgeEffectiveness(floorSeries: "nope", ethUSDSeries: "ETHUSD", spxSeries: "SPX",
                                                        from: instant("2021-01-01T00:00:00Z"), to: instant("2021-03-20T00:00:00Z")) }
        }
        #expect(throws: AnalyticsError.self) { // the floor must be quoted in ETH
            try ledger.read { try $0.hedgeEffectiveness(floorSeries: "SPX", ethUSDSeries: "ETHUSD", spxSeries: "SPX",
                                                        from: instant("2021-01-01T00:00:00Z"), to: instant("2021-03-20T00:00:00Z")) }
        }
    }

    /// Hand-made: one ape at a 50 ETH floor that drops to 40 on day 10 and recovers to 45 on day 11
    /// (ETH/USD 2,000, except 2,100 on day 20 — a constant series has no variance and is refused),
    /// and a short SPXW condor opened on day 0 for a 10-point credit.
    @Test func hedgePnLOnTheWorstDayAndOverTheDrawdownByHand() throws {
        func price(_ d: Int) -> Double { d < 10 ? 50 : d == 10 ? 40 : 45 }
        let floor: [(Double, Double)] = (0...29).map { (Double($0), price($0)) }
        let book = try AnalyticsBook(dir: dir, floor: floor, ethUSD: (0...90).map { (Double($0), $0 == 20 ? 2_100 : 2_000) })
        let day = AnalyticsBook.day
        try book.ledger.write { tx in
            let spx = try tx.addPriceSeries(name: "SPX", kind: .index, quote: .usd)
            try tx.addObservations((0...29).map { PriceObservation(observedAt: day(Double($0)), price: 4_300 + Double($0 % 3)) }, to: spx)
            let expiry = day(40)
            let legs = try condorLegs(["4000", "4100", "4500", "4600"], premiums: ["5", "10", "8", "3"], expiry: expiry)
            _ = try tx.openIronCondor(name: "condor", root: .spxw, legs: legs, tradedAt: day(0))
            var quotes: [OptionQuote] = []
            // Marks: at the premiums on days 0 and 9 (P&L 0); on day 10 the short put is worth more, the call side less.
            for (strike, type, marks) in [("4000", OptionType.put, [5.0, 5, 7]), ("4100", .put, [10, 10, 15]), ("4500", .call, [8, 8, 2]),
                                          ("4600", .call, [3, 3, 0.5])] {
                let c = try tx.addOptionContract(root: .spxw, type: type, strike: dec(strike), expiresAt: expiry)
                for (d, mark) in zip([0.0, 9, 10], marks) { quotes.append(OptionQuote(contractID: c, quotedAt: day(d), mark: mark, underlying: 4_300)) }
            }
            _ = try tx.addOptionQuotes(quotes)
        }
        let report = try book.ledger.read {
            try $0.hedgeEffectiveness(floorSeries: "apes-floor", ethUSDSeries: "ETHUSD", spxSeries: "SPX", from: day(0), to: day(29),
                                      worstDays: 1, market: OptionMarketInputs(rate: 0.05, maxQuoteAgeSeconds: nil))
        }
        #expect(report.samples == 29)
        let worst = try #require(report.worstFloorDays.first)
        #expect(worst.day == day(10) && worst.previousDay == day(9))
        #expect(close(worst.floorUSDReturn, log(40.0 / 50), 1e-15))
        // Day-10 value: 100 × (7 − 15 − 2 + 0.5) = −950 USD; premiums +1,000 → P&L +50 (it was 0 on day 9).
        #expect(close(worst.hedgePnLUSD, 50, 1e-9))
        // NFT layer: 1 × 50 × 2,000 = 100,000 from day 0, 80,000 on day 10: a 20,000 USD fall, 50 of it offset.
        let drawdown = try #require(report.drawdown)
        #expect(drawdown.peak == day(0) && drawdown.trough == day(10))
        #expect(close(drawdown.nftLossUSD, 20_000, 1e-9))
        #expect(close(drawdown.hedgePnLUSD, 50, 1e-9))
        #expect(close(drawdown.offsetShare, 50.0 / 20_000, 1e-15))
    }
}
