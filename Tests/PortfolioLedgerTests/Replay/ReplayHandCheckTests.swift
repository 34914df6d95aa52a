import Foundation
import LedgerMath
import Testing
@testable import PortfolioLedger

/// Every booking of a small replay, checked by hand against the real data rows it read
/// (shared/data/real; the rows are quoted beside each expectation).
@Suite struct ReplayHandCheckTests {
    @Test func everyBookingOfTheSmallPolicy() throws {
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(ReplayTestData.handChecked, market: market,
                                         from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-02-15"))
        let mark12 = try instant("2021-01-12T23:59:59Z")
        // cryptopunks_daily_punksmarket.csv 2021-01-12: median 5.5 ETH → both tokens at 5.5.
        // Loan: 0.4 × 2 × 5.5 = 4.4 ETH. The reserve is deposited at the first mark.
        let expiry = try instant("2021-02-10T21:00:00Z")   // first SPX close ≥ entry + 28 days (16:00 New York, EST)
        let entry = try instant("2021-01-13T21:00:00Z")    // first SPX close after the loan: 3809.84, VIX 22.21
        guard run.bookings.count == 7 else { Issue.record("bookings: \(run.bookings)"); return }
        #expect(run.bookings[0] == .deposit(at: mark12, amount: try dec("2")))
        #expect(run.bookings[1] == .acquire(at: mark12, token: "6818", price: try dec("5.5")))
        #expect(run.bookings[2] == .acquire(at: mark12, token: "4915", price: try dec("5.5")))
        #expect(run.bookings[3] == .borrow(at: mark12, principal: try dec("4.4"), refinancing: nil))
        // Strikes: 0.95 × 3809.84 = 3619.35 → 3620, 1.05 × 3809.84 = 4000.33 → 4000, wings 25 points out.
        // Contracts: ⌊4.4 ETH × 1045.4068 USD/ETH (2021-01-13 snapshot) × 1 ÷ (25 × 100)⌋ = ⌊1.84⌋ = 1.
        // Premiums: Black–Scholes, σ = 0.2221, r = 0.001, q = 0.015, T = 28/365, rounded to 0.10
        // (independently: Fixtures/replay_condor_premiums.py).
        guard case let .openCondor(at, legs, fees) = run.bookings[4] else { Issue.record("\(run.bookings[4])"); return }
        #expect(at == entry)
        #expect(fees == (try dec("0.66")))
        #expect(legs == [OptionLeg(.put, strike: 3595, quantity: 1, premium: try dec("21.8"), expiry: expiry),
                         OptionLeg(.put, strike: 3620, quantity: -1, premium: try dec("26.8"), expiry: expiry),
                         OptionLeg(.call, strike: 4000, quantity: -1, premium: try dec("28.4"), expiry: expiry),
                         OptionLeg(.call, strike: 4025, quantity: 1, premium: try dec("23.7"), expiry: expiry)])
        // 2021-01-14: median 4.4 → value 8.8, debt after 2 days at 20 % = 4.404824560904535372
        // (Aave index, LedgerMath's IndexedDebtLoan), HF = 8.8 × 0.65 ÷ 4.4048 = 1.2986 < 1.4.
        // Restore to 0.65 ÷ 0.4 = 1.625: debt 8.8 × 0.65 ÷ 1.625 = 3.52 → repay 0.884824560904535372,
        // interest first (0.004824560904535372), then 0.88 of principal.
        #expect(run.bookings[5] == .repay(at: try instant("2021-01-14T23:59:59Z"),
                                           .init(interest: try dec("0.004824560904535372"), principal: try dec("0.88"))))
        // Settled at the 2021-02-10 close, 3909.88: every leg out of the money.
        #expect(run.bookings[6] == .settleCondor(at: expiry, settlementValue: try dec("3909.88")))
    }

    @Test func theOutcomeAddsUpTheBookings() throws {
        let market = try ReplayTestData.market()
        let run = try ReplayRun.simulate(ReplayTestData.handChecked, market: market,
                                         from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-02-15"))
        let o = run.outcome
        #expect(o.survived)
        #expect(o.condorCycles == 1)
        // Credit (26.8 + 28.4 − 21.8 − 23.7) × 100 = 970, fees 4 × 0.66 = 2.64, settlement 0.
        #expect(o.hedgePnLUSD == (try dec("967.36")))
        #expect(o.bufferRepayments == 1)
        #expect(o.bufferCashUsedETH == (try dec("0.884824560904535372")))
        // Lowest HF at a mark: 2021-01-14 (before the repayment), 8.8 × 0.65 ÷ 4.404824560904535372.
        #expect(o.minimumHealthFactorAt == (try instant("2021-01-14T23:59:59Z")))
        #expect(abs(o.minimumHealthFactor! - 8.8 * 0.65 / 4.404824560904535372) < 1e-12)
        #expect(o.notes == ["2021-02-10: no condor sold; its expiry would fall after the end of the replay"])
        #expect(run.bookings.count == 7)
    }

    @Test func shortStrikesByDelta() throws {
        // The 2021-01-13 condor with hedge.shortDelta = 0.16 (Fixtures/replay_condor_premiums.py:
        // put 3585 at Δ −0.1580, call 4055 at Δ 0.1584, the first 5-point strikes inside 0.16).
        var policy = ReplayTestData.handChecked
        policy.hedge?.shortDelta = 0.16
        let run = try ReplayRun.simulate(policy, market: try ReplayTestData.market(),
                                         from: ReplayTestData.day("2021-01-12"), to: ReplayTestData.day("2021-02-15"))
        guard case let .openCondor(_, legs, _) = run.bookings[4] else { Issue.record("\(run.bookings[4])"); return }
        #expect(legs.map(\.strike) == [3560, 3585, 4055, 4080])
    }
}
