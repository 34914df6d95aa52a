import Foundation
import LedgerMath
import LedgerTestSupport
import Testing
@testable import PortfolioLedger

/// The buffer's `add_collateral` and `sell_hedge` actions, every booking checked by hand against the
/// real rows it read (shared/data/real; quoted beside each expectation; the option prices
/// independently in Fixtures/replay_buffer_actions.py), and the written ledger.
@Suite struct ReplayBufferActionsHandCheckTests {
    let dir = TemporaryDirectory()

    /// The hand-checked policy with a third punk in reserve and the buffer `[sell_hedge, add_collateral]`
    /// at HF 1.5 (no cash), replayed 2021-01-04…2021-02-15.
    static let policy: ReplayPolicy = {
        var policy = ReplayTestData.handChecked
        policy.buffer = .init(belowHealthFactor: 1.5, cashETH: "0", actions: [.sellHedge, .addCollateral], reserveTokens: [.init(token: "1190")])
        return policy
    }()

    static func run() throws -> (ReplayRun, ReplayMarket) {
        let market = try ReplayTestData.market()
        return (try ReplayRun.simulate(policy, market: market, from: ReplayTestData.day("2021-01-04"), to: ReplayTestData.day("2021-02-15")), market)
    }

    @Test func everyBookingOfTheSmallPolicy() throws {
        let (run, _) = try Self.run()
        let mark4 = try instant("2021-01-04T23:59:59Z"), mark5 = try instant("2021-01-05T23:59:59Z"), mark14 = try instant("2021-01-14T23:59:59Z")
        let expiry = try instant("2021-02-02T21:00:00Z")   // first SPX close ≥ 2021-01-05 close + 28 days
        guard run.bookings.count == 8 else { Issue.record("bookings: \(run.bookings)"); return }
        // cryptopunks_daily_punksmarket.csv 2021-01-04: median 7.5 → three punks bought (the third in reserve, not pledged);
        // the loan is 0.4 × 2 × 7.5 = 6 ETH against the two.
        #expect(run.bookings[0] == .acquire(at: mark4, token: "6818", price: try dec("7.5")))
        #expect(run.bookings[1] == .acquire(at: mark4, token: "4915", price: try dec("7.5")))
        #expect(run.bookings[2] == .acquire(at: mark4, token: "1190", price: try dec("7.5")))
        #expect(run.bookings[3] == .borrow(at: mark4, principal: 6, refinancing: nil))
        // 2021-01-05 close: SPX 3726.86, VIX 25.34. Shorts 0.95 × → 3540, 1.05 × = 3913.2 → 3915, wings 25 out.
        // Contracts ⌊6.0033 ETH × 1025.65 USD/ETH (2021-01-05 snapshot) ÷ 2500⌋ = 2; fees 2 × 0.66 per leg.
        #expect(run.bookings[4] == .openCondor(at: try instant("2021-01-05T21:00:00Z"), legs: [
            OptionLeg(.put, strike: 3515, quantity: 2, premium: try dec("29.5"), expiry: expiry),
            OptionLeg(.put, strike: 3540, quantity: -2, premium: try dec("35.3"), expiry: expiry),
            OptionLeg(.call, strike: 3915, quantity: -2, premium: try dec("37.2"), expiry: expiry),
            OptionLeg(.call, strike: 3940, quantity: 2, premium: try dec("31.9"), expiry: expiry)], feesPerLeg: try dec("1.32")))
        // 2021-01-05 mark: median 5.04 → HF 2 × 5.04 × 0.65 ÷ 6.0033 = 1.091 < 1.5. sell_hedge first: closing the
        // condor the day it was sold costs its whole credit again plus fees (net −10.56 USD), so it is kept (noted);
        // add_collateral pledges punk 1190: HF 3 × 5.04 × 0.65 ÷ 6.0033 = 1.637 ≥ restore 1.625.
        #expect(run.bookings[5] == .pledge(at: mark5, token: "1190"))
        // 2021-01-14 mark: median 4.4 → HF 3 × 4.4 × 0.65 ÷ 6.032966949876405 = 1.422 < 1.5. SPX 3795.54, VIX 23.25,
        // 19 days left: closing prices 6.6, 8.8, 34.6, 28.4 (Fixtures/replay_buffer_actions.py).
        #expect(run.bookings[6] == .closeCondor(at: mark14, legs: [
            OptionLeg(.put, strike: 3515, quantity: -2, premium: try dec("6.6"), expiry: expiry),
            OptionLeg(.put, strike: 3540, quantity: 2, premium: try dec("8.8"), expiry: expiry),
            OptionLeg(.call, strike: 3915, quantity: 2, premium: try dec("34.6"), expiry: expiry),
            OptionLeg(.call, strike: 3940, quantity: -2, premium: try dec("28.4"), expiry: expiry)], feesPerLeg: try dec("1.32")))
        // Net proceeds: opening cash 2214.72 + closing cash −1685.28 = 529.44 USD, at 1132.0155910164729 USD/ETH
        // (2021-01-14 snapshot) = 0.467696 ETH, below the 0.752967 ETH that would restore HF 1.625 → all repaid,
        // interest first: 6.032966949876405455 − 6 (LedgerMath's Aave index, as in ReplayHandCheckTests).
        #expect(run.bookings[7] == .repayFromHedge(at: mark14, .init(interest: try dec("0.032966949876405455"), principal: try dec("0.434729050123594545")),
                                                    proceedsUSD: try dec("529.44"), usdPerETH: 1132.0155910164729))
    }

    @Test func theOutcomeAddsUpTheBookings() throws {
        let (run, _) = try Self.run()
        let o = run.outcome
        #expect(o.survived)
        #expect(o.collateralPledges == 1)
        #expect(o.hedgeSales == 1)
        #expect(o.hedgeRepaidETH == (try dec("0.467696")))
        #expect(o.bufferRepayments == 0)
        #expect(o.condorCycles == 1)
        #expect(o.hedgePnLUSD == (try dec("529.44")))
        #expect(o.notes.first == "2021-01-05: sell_hedge skipped; closing the condor would cost 2225.28 USD, more than the 2214.72 USD it brought in")
        // The reserve punk enters the stack's flows when pledged, at that mark's floor (5.04 ETH × the 2021-01-05 snapshot).
        let pledgeFlow = try #require(o.flowsUSD.first { $0.date == (try instant("2021-01-05T23:59:59Z")) })
        #expect(abs(pledgeFlow.amount + 5.04 * 1025.6547675669035) < 1e-9)
    }

    @Test func theWrittenLedgerPassesCheckRoundTripsAndAgreesWithTheSimulation() throws {
        let (run, market) = try Self.run()
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("actions.ledger"))
        try ReplayTestData.expectCheckAndRoundTrip(ledger, dir: dir, name: "actions")
        try ledger.read { book in
            let loan = try #require(try book.loans().first)
            let debt = try book.debtReplay(of: loan, at: run.to).debt(at: run.to, loan: loan.id)
            #expect(abs(debt.doubleValue - run.path.last!.debt) < 1e-12)
            // The reserve punk: held outside the loan, then pledged to it by the collateral_added event.
            func status(_ at: String) throws -> NFTHolding.Status? {
                try book.nfts(at: try instant(at)).first { $0.nft.tokenID.description == "1190" }?.status
            }
            #expect(try status("2021-01-04T23:59:59Z") == .held)
            #expect(try status("2021-01-05T23:59:59Z") == .pledged)
            #expect(try book.collateral(of: loan, at: run.to).count == 3)
            let kinds = try book.loanEvents(of: loan.id).map(\.detail.kind)
            #expect(kinds == [.collateralAdded, .repay])
            // The hedge: four opening and four closing trades; their cash is the simulation's hedge P&L.
            let hedge = try #require(try book.hedges().first)
            let trades = try book.optionTrades(of: hedge.id)
            #expect(trades.count == 8)
            #expect(trades.reduce(ExactDecimal.zero) { $0 - ExactDecimal($1.quantity) * $1.price * 100 - $1.fees } == run.outcome.hedgePnLUSD)
            #expect(try book.optionSettlements(of: hedge.id).isEmpty)
        }
    }

    @Test func theSamePolicyGivesTheSameBytes() throws {
        let (run, market) = try Self.run()
        let (again, _) = try Self.run()
        #expect(run.bookings == again.bookings)
        #expect(run.outcome == again.outcome)
        var exports: [String] = []
        for name in ["a", "b"] {
            let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("\(name).ledger"))
            var text = ""
            try ledger.exportJournal { text += $0 + "\n" }
            exports.append(text)
        }
        #expect(exports[0] == exports[1])
    }

    /// All three actions over the whole dip with a refinance (the pledged punk moves to the new loan)
    /// and a liquidation: the ledger still passes `check` and round-trips.
    @Test func allThreeActionsWithARefinanceAndALiquidationWriteACleanLedger() throws {
        var policy = Self.policy
        policy.collateral[1].boughtAt = "2020-12-05"
        policy.loan?.refinanceEveryDays = 45
        policy.loan?.targetLTV = 0.6
        policy.buffer?.actions = [.sellHedge, .addCollateral, .repay]
        policy.buffer?.cashETH = "1"
        policy.hedge?.maxLossPerDebt = 2
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(policy, market: market, from: ReplayTestData.day("2020-12-01"), to: ReplayTestData.day("2021-03-31"))
        let kinds = Set(run.bookings.map { "\($0)".prefix { $0 != "(" } })
        #expect(kinds.isSuperset(of: ["pledge", "repay", "repayFromHedge", "closeCondor", "borrow", "openCondor", "liquidation"]))
        let ledger = try Ledger.createReplay(of: run, market: market, at: dir.path("all.ledger"))
        try ReplayTestData.expectCheckAndRoundTrip(ledger, dir: dir, name: "all")
        try ledger.read { book in
            for loan in try book.loans() {
                let end = try book.loanEvents(of: loan.id).last?.occurredAt ?? run.to
                #expect(try book.outstandingPrincipal(of: loan.id, at: end) >= .zero)
            }
            let last = try #require(try book.loans().last)
            if run.outcome.survived {
                let debt = try book.debtReplay(of: last, at: run.to).debt(at: run.to, loan: last.id)
                #expect(abs(debt.doubleValue - run.path.last!.debt) < 1e-12)
            }
        }
    }
}
