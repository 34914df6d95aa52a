import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// Condors priced from the stored SPX chains (shared/data/real/options). The bundled floor proxy
/// ends on 2021-04-05 and the chains are 2022–2023, so these replays run on a TEST FIXTURE floor
/// (``ReplayTestData/marketWithMadeUpFloor(from:to:otherwise:floors:)``) beside the real ETH/USD,
/// SPX, VIX and option quotes; the expectations quote the real chain rows they read.
@Suite struct ReplayStoredQuotesTests {
    let dir = TemporaryDirectory()

    static func quotes() throws -> ReplayOptionQuotes {
        try ReplayOptionQuotes(csv: try ReplayTestData.text("options/spx_option_chain_snapshots.csv"))
    }

    /// Made-up floor: 60 ETH, 50 on 2023-04-17 (HF 1.35 at 40 % LTV and a 65 % threshold).
    static func aprilMarket() throws -> ReplayMarket {
        var market = try ReplayTestData.marketWithMadeUpFloor(from: "2023-04-10", to: "2023-05-20", otherwise: 60, floors: ["2023-04-17": 50])
        market.optionQuotes = try quotes()
        return market
    }

    static var sellTheHedge: ReplayPolicy {
        var policy = ReplayTestData.handChecked
        policy.buffer = .init(belowHealthFactor: 1.5, cashETH: "0", actions: [.sellHedge])
        return policy
    }

    @Test func theChainReadsOnlyTwoSidedSPXWQuotes() throws {
        let quotes = try Self.quotes()
        #expect(quotes.sessions.map(ISO8601.formatDate) == ["2022-02-04", "2022-06-10", "2023-04-14", "2023-04-17", "2023-05-05", "2023-05-19",
                                                           "2023-05-23", "2023-05-26", "2023-06-08", "2023-09-01", "2023-09-14"])
        let chain = try #require(quotes.chain(on: try instant("2022-02-04T21:00:00Z")))
        // 2022-02-04,2022-03-04,28,SPXW,P,4275,…,bid 42,ask 42.7 → mid 42.35; the expiry at the 16:00 New York close.
        let quote = try #require(chain.quote(.put, strike: 4275, expiry: try instant("2022-03-04T21:00:00Z")))
        #expect(quote.mid == (try dec("42.35")))
        // 2022-02-04,2022-02-07,3,SPXW,P,3850,…,bid 0,ask 0.05: one-sided, not kept.
        #expect(chain.quote(.put, strike: 3850, expiry: try instant("2022-02-07T21:00:00Z")) == nil)
        #expect(chain.quotes.allSatisfy { $0.bid.signum > 0 && $0.ask >= $0.bid })
    }

    @Test func aBadRowNamesItsLine() throws {
        let csv = "session_date,expiration_date,root,option_type,strike_pts,bid_pts,ask_pts\n2022-02-04,2022-03-04,SPXW,X,4275,42,42.7\n"
        #expect(throws: LedgerError.invalidValue(field: "q.csv:2 option_type", reason: "'X' is not C or P")) {
            try ReplayOptionQuotes(csv: csv, file: "q.csv")
        }
        #expect(throws: LedgerError.invalidValue(field: "q.csv:1", reason: "the header lacks 'bid_pts'")) {
            try ReplayOptionQuotes(csv: "session_date,expiration_date,root,option_type,strike_pts,ask_pts\n", file: "q.csv")
        }
        let badDate = "session_date,expiration_date,root,option_type,strike_pts,bid_pts,ask_pts\n2022-02-04,2022-3-4,SPXW,P,4275,42,42.7\n"
        #expect(throws: LedgerError.invalidValue(field: "q.csv:2 expiration_date", reason: "'2022-3-4' is not a date YYYY-MM-DD")) {
            try ReplayOptionQuotes(csv: badDate, file: "q.csv")
        }
    }

    @Test func aCondorSoldOnAQuotedSessionIsPricedAtTheMids() throws {
        var market = try ReplayTestData.marketWithMadeUpFloor(from: "2022-02-01", to: "2022-03-10", otherwise: 80, floors: [:])
        market.optionQuotes = try Self.quotes()
        let run = try ReplayRun.simulate(ReplayTestData.handChecked, market: market,
                                         from: ReplayTestData.day("2022-02-03"), to: ReplayTestData.day("2022-03-10"))
        guard case let .openCondor(at, legs, _) = run.bookings[4] else { Issue.record("\(run.bookings)"); return }
        // SPX 2022-02-04 close 4500.53: shorts 0.95 × → 4275, 1.05 × → 4725 (both quoted), wings 25 out.
        // Expiry: the first quoted SPXW expiry ≥ 28 days out, 2022-03-04. Rows (bid, ask) → mid:
        // P4250 38/38.7 → 38.35, P4275 42/42.7 → 42.35, C4725 9.3/9.7 → 9.5, C4750 6.5/6.9 → 6.7.
        let expiry = try instant("2022-03-04T21:00:00Z")
        #expect(at == (try instant("2022-02-04T21:00:00Z")))
        #expect(legs.map(\.strike) == [4250, 4275, 4725, 4750])
        #expect(legs.map(\.premium) == [try dec("38.35"), try dec("42.35"), try dec("9.5"), try dec("6.7")])
        #expect(legs.allSatisfy { $0.expiry == expiry })
        #expect(run.outcome.notes.contains("2022-02-04: condor priced from the stored quotes (mid of bid and ask, strikes snapped to quoted ones)"))
        // Settled at the 2022-03-04 close, 4328.87 (spx_daily_close_fred.csv): every leg out of the money.
        #expect(run.bookings.contains(.settleCondor(at: expiry, settlementValue: try dec("4328.87"))))
        // Without the quotes the same day is priced by the model (tick-rounded, a 28-day expiry on the SPX closes).
        market.optionQuotes = nil
        let model = try ReplayRun.simulate(ReplayTestData.handChecked, market: market,
                                           from: ReplayTestData.day("2022-02-03"), to: ReplayTestData.day("2022-03-10"))
        guard case let .openCondor(_, modelLegs, _) = model.bookings[4] else { Issue.record("\(model.bookings)"); return }
        #expect(modelLegs.map(\.premium) != legs.map(\.premium))
    }

    @Test func sellingTheHedgeOnAQuotedSessionClosesAtTheMids() throws {
        let run = try ReplayRun.simulate(Self.sellTheHedge, market: try Self.aprilMarket(),
                                         from: ReplayTestData.day("2023-04-13"), to: ReplayTestData.day("2023-05-20"))
        let expiry = try instant("2023-05-12T20:00:00Z")
        // Sold 2023-04-14 (SPX 4137.64): put 0.95 × → 3930; call 1.05 × = 4344.5 → 4345 is not quoted, 4340 and 4350
        // tie and the tie goes away from spot → 4350; wings 3905, 4375. 38 contracts: ⌊48.0… ETH × 2012.79 USD ÷ 2500⌋.
        // Rows 2023-04-14,2023-05-12: P3905 14/14.4, P3930 16.4/16.8, C4350 5.8/6.1, C4375 3.9/4.2.
        guard case let .openCondor(_, legs, fees) = run.bookings[3] else { Issue.record("\(run.bookings)"); return }
        #expect(legs == [OptionLeg(.put, strike: 3905, quantity: 38, premium: try dec("14.2"), expiry: expiry),
                         OptionLeg(.put, strike: 3930, quantity: -38, premium: try dec("16.6"), expiry: expiry),
                         OptionLeg(.call, strike: 4350, quantity: -38, premium: try dec("5.95"), expiry: expiry),
                         OptionLeg(.call, strike: 4375, quantity: 38, premium: try dec("4.05"), expiry: expiry)])
        #expect(fees == (try dec("25.08")))
        // Closed 2023-04-17 at the mark (HF 100 × 0.65 ÷ 48.1 = 1.35 < 1.5). Rows 2023-04-17,2023-05-12:
        // P3905 11.3/11.7, P3930 13.3/13.8, C4350 5.4/5.7, C4375 3.6/3.9.
        let mark = try instant("2023-04-17T23:59:59Z")
        #expect(run.bookings[4] == .closeCondor(at: mark, legs: [
            OptionLeg(.put, strike: 3905, quantity: -38, premium: try dec("11.5"), expiry: expiry),
            OptionLeg(.put, strike: 3930, quantity: 38, premium: try dec("13.55"), expiry: expiry),
            OptionLeg(.call, strike: 4350, quantity: 38, premium: try dec("5.55"), expiry: expiry),
            OptionLeg(.call, strike: 4375, quantity: -38, premium: try dec("3.75"), expiry: expiry)], feesPerLeg: try dec("25.08")))
        // Opening cash (16.6 + 5.95 − 14.2 − 4.05) × 38 × 100 − 4 × 25.08 = 16239.68; closing cash
        // (11.5 − 13.55 − 5.55 + 3.75) × 38 × 100 − 100.32 = −14730.32; net 1509.36 USD
        // at 2118.5987891538853 USD/ETH (2023-04-17 snapshot) = 0.712433 ETH (rounded down to 10⁻⁶), all repaid.
        guard case let .repayFromHedge(at, repayment, proceeds, fx) = run.bookings[5] else { Issue.record("\(run.bookings)"); return }
        #expect(at == mark)
        #expect(proceeds == (try dec("1509.36")))
        #expect(fx == 2118.5987891538853)
        #expect(repayment.total == (try dec("0.712433")))
        #expect(run.outcome.hedgePnLUSD == (try dec("1509.36")))
        #expect(run.outcome.notes.contains("2023-04-17: condor closed at the stored quotes (mid of bid and ask)"))
        // Written as a ledger: the closing trades are the hedge's, `check` passes, nothing stays open.
        let ledger = try Ledger.createReplay(of: run, market: try Self.aprilMarket(), at: dir.path("quotes.ledger"))
        #expect(try ledger.check().isClean)
        try ledger.read { book in
            let hedge = try #require(try book.hedges().first)
            #expect(try book.optionTrades(of: hedge.id).count == 8)
            #expect(try book.positions(of: hedge.id, at: mark).allSatisfy { $0.quantity == 0 })
        }
    }
}
