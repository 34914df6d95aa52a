import Foundation
import LedgerMath
import Testing

@Suite struct TimeWeightedReturnTests {
    let t0 = Instant(unixSeconds: 1_704_067_200)
    func day(_ n: Int64) -> Instant { t0.adding(seconds: n * 86_400) }

    /// Textbook case: +10 %, then a deposit doubles the capital, then −5 %: TWR = 1.1 × 0.95 − 1,
    /// whatever the deposit's size.
    @Test func chainsSubPeriodsIndependentlyOfTheFlowSize() {
        for deposit in [0.0, 1.0, 1_000_000.0] {
            let r = TimeWeightedReturn.chain([.init(start: day(0), end: day(100), startCapital: 100, endValue: 110),
                                              .init(start: day(100), end: day(365), startCapital: 110 + deposit, endValue: (110 + deposit) * 0.95)])
            let v = r.value
            #expect(abs((v?.cumulative ?? 0) - 0.045) < 1e-12)
            #expect(abs((v?.annualized ?? 0) - 0.045) < 1e-12) // exactly one year
            #expect(v?.isShorterThanAYear == false)
        }
    }

    @Test func aLiabilityEarnsWhenItShrinks() {
        let r = TimeWeightedReturn.chain([.init(start: day(0), end: day(73), startCapital: -100, endValue: -102)])
        #expect(abs((r.value?.cumulative ?? 0) + 0.02) < 1e-12)
        #expect(abs((r.value?.annualized ?? 0) - (pow(0.98, 5) - 1)) < 1e-12)
    }

    @Test func emptyPeriodsAreSkippedAndCapitalFromNothingIsUndefined() {
        let skipped = TimeWeightedReturn.chain([.init(start: day(0), end: day(10), startCapital: 0, endValue: 0),
                                                .init(start: day(10), end: day(20), startCapital: 50, endValue: 55)])
        #expect(skipped.value?.since == day(10) && abs((skipped.value?.cumulative ?? 0) - 0.1) < 1e-12)
        if case .undefined(let reason) = TimeWeightedReturn.chain([.init(start: day(0), end: day(10), startCapital: 0, endValue: 5)]) {
            #expect(reason.contains("no capital"))
        } else { Issue.record("capital from nothing must be undefined") }
        #expect(TimeWeightedReturn.chain([]).value == nil)
        #expect(TimeWeightedReturn.chain([.init(start: day(0), end: day(10), startCapital: 10, endValue: -1)]).value == nil)
        #expect(TimeWeightedReturn.chain([.init(start: day(0), end: day(10), startCapital: .nan, endValue: 1)]).value == nil)
    }

    @Test func moneyMultipleCountsGrossFlows() {
        // Buy 100, borrow 60 (a distribution), repay 63, terminal 150: D = 60 + 150, C = 100 + 63.
        let m = MoneyMultiple(startValue: 0, flows: [-100, 60, -63], terminalValue: 150)
        #expect(m.contributions == 163 && m.distributions == 210)
        #expect(abs((m.multiple ?? 0) - 210.0 / 163) < 1e-15)
        #expect(abs((m.holdingPeriodReturn ?? 0) - 47.0 / 163) < 1e-15)
        // Debt still owed at the end is a contribution still due.
        let loan = MoneyMultiple(startValue: 0, flows: [10], terminalValue: -10.5)
        #expect(loan.contributions == 10.5 && loan.distributions == 10)
        #expect(MoneyMultiple(startValue: 0, flows: [], terminalValue: 0).multiple == nil)
    }
}
