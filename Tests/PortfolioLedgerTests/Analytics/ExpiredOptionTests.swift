import LedgerTestSupport
import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// An SPX (AM) iron condor that expired on 2023-06-16 without a booked settlement: its value and
/// P&L are fixed at expiry (the settlement value of the expiry day) and do not move afterwards.
/// SPX closes are the real FRED series (`../shared/data/real/market/spx_daily_close_fred.csv`).
@Suite struct ExpiredOptionTests {
    let dir = TemporaryDirectory()
    static let spxFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/data/real/market/spx_daily_close_fred.csv")
    static let expiry = "2023-06-16T13:30:00Z"   // SPX AM: 09:30 New York (EDT)

    /// SPX closes from 2023-05-15 to `last`, each at the 16:00 New York close (20:00 UTC).
    static func closes(through last: String) throws -> [PriceObservation] {
        let text = try String(contentsOf: spxFile, encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().compactMap { line -> PriceObservation? in
            let cells = line.split(separator: ",").map(String.init)
            guard cells.count == 2, cells[0] >= "2023-05-15", cells[0] <= last, let close = Double(cells[1]) else { return nil }
            return PriceObservation(observedAt: try instant(cells[0] + "T20:00:00Z"), price: close)
        }
    }

    /// The condor 4000/4100/4300/4400, one lot, opened 2023-05-15 at the close; one quote per leg at
    /// the open and at the 2023-06-15 close (implied vol only, underlying the SPX close).
    func book(closesThrough last: String) throws -> (Ledger, HedgeID) {
        let ledger = try Ledger.create(at: dir.path("condor.ledger"))
        let closes = try Self.closes(through: last)
        try #require(closes.contains { $0.observedAt == (try instant("2023-06-16T20:00:00Z")) }, "the SPX close of 2023-06-16 is in the shared data")
        let hedge = try ledger.write { tx in
            let spx = try tx.addPriceSeries(name: "SPX", kind: .index)
            try tx.addObservations(closes, to: spx)
            let expiry = try instant(Self.expiry)
            let legs = [OptionLeg(.put, strike: 4000, quantity: 1, premium: try dec("3.1"), expiry: expiry),
                        OptionLeg(.put, strike: 4100, quantity: -1, premium: try dec("6.4"), expiry: expiry),
                        OptionLeg(.call, strike: 4300, quantity: -1, premium: try dec("9.8"), expiry: expiry),
                        OptionLeg(.call, strike: 4400, quantity: 1, premium: try dec("2.9"), expiry: expiry)]
            let hedge = try tx.openIronCondor(name: "SPX Jun-2023", root: .spx, legs: legs, tradedAt: instant("2023-05-15T20:00:00Z"),
                                              feesPerLeg: dec("0.65"))
            for position in try tx.current.positions(of: hedge, at: instant("2023-05-16")) {
                for (day, level) in [("2023-05-15", closes.first), ("2023-06-15", closes.first { $0.observedAt == (try? instant("2023-06-15T20:00:00Z")) })] {
                    try tx.addOptionQuotes([OptionQuote(contractID: position.contract.id, quotedAt: instant(day + "T20:00:00Z"), impliedVol: 0.15,
                                                        underlying: try #require(level).price)])
                }
            }
            return hedge
        }
        return (ledger, hedge)
    }

    static let after = ["2023-06-16T13:30:00Z", "2023-06-17", "2023-06-30", "2023-07-31", "2024-01-02"]

    @Test func valueAndPnLAreTheSameAtEveryInstantAfterExpiry() throws {
        let (ledger, hedge) = try book(closesThrough: "2023-06-30")
        let market = OptionMarketInputs(underlyingSeries: "SPX")
        let valuations = try ledger.read { book in try Self.after.dropFirst().map { try book.hedgeValuation(hedge, at: instant($0), market: market) } }
        // Short 4300 call and long 4400 call at the 2023-06-16 close 4409.59: (−109.59 + 9.59) × 100.
        for v in valuations {
            #expect(abs(v.valueUSD - -10_000) < 1e-9, "\(v.at)")
            #expect(v.pnlUSD == valuations[0].pnlUSD, "\(v.at)")
            #expect(v.legs.allSatisfy { $0.markSource == .settlementEstimatedFromClose && $0.underlying == 4409.59 && $0.extrinsic == 0 })
        }
        // Net credit (6.4 + 9.8 − 3.1 − 2.9) × 100 = 1,020; fees 4 × 0.65.
        #expect(abs(valuations[0].pnlUSD - (-10_000 + 1_020 - 2.6)) < 1e-9)
    }

    @Test func beforeTheCloseIsKnownTheLastQuoteStandsInThenTheCloseFixesIt() throws {
        let (ledger, hedge) = try book(closesThrough: "2023-06-30")
        let market = OptionMarketInputs(underlyingSeries: "SPX")
        try ledger.read { book in
            // At the AM expiry instant the day's close is not yet observed: never a future value.
            let atExpiry = try book.hedgeValuation(hedge, at: instant(Self.expiry), market: market)
            #expect(atExpiry.legs.allSatisfy { $0.markSource == .settlementEstimatedFromQuote && $0.underlying == 4425.84 })
            let later = try book.hedgeValuation(hedge, at: instant("2023-06-16T20:00:00Z"), market: market)
            #expect(later.legs.allSatisfy { $0.markSource == .settlementEstimatedFromClose })
        }
    }

    @Test func aStoredSettlementSeriesWinsAndNoSeriesFallsBackToTheQuote() throws {
        let (ledger, hedge) = try book(closesThrough: "2023-06-20")
        try ledger.read { book in
            // Any index series named as the settlement series is read as stored settlement values.
            let stored = try book.hedgeValuation(hedge, at: instant("2023-07-31"), market: OptionMarketInputs(underlyingSeries: "SPX", settlementSeries: "SPX"))
            #expect(stored.legs.allSatisfy { $0.markSource == .expirySettlementValue })
            let noSeries = try book.hedgeValuation(hedge, at: instant("2023-07-31"), market: OptionMarketInputs())
            #expect(noSeries.legs.allSatisfy { $0.markSource == .settlementEstimatedFromQuote && $0.underlying == 4425.84 })
        }
    }

    @Test func theDecaySeriesWorksAfterExpiry() throws {
        let (ledger, hedge) = try book(closesThrough: "2023-06-30")
        let decay = try ledger.read { try $0.thetaDecay(hedge, from: instant("2023-05-15"), to: instant("2023-07-31"), market: OptionMarketInputs(underlyingSeries: "SPX")) }
        #expect(decay.points.count == 2 && decay.skipped.isEmpty)
    }
}
