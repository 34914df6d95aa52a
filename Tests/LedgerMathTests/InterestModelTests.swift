import BigInt
import Testing
@testable import LedgerMath

/// Worked examples F1–F5 of the NFT-lending fact sheet §9 (principal 20 ETH, 30 days, 20 % APR).
/// The sheet prints 6 decimals; the wei values asserted here are read from
/// `Fixtures/interest_contract_reference.json`, written by `Fixtures/interest_contract_port.py` (a
/// port of the contracts' integer arithmetic, standard-library Python; rerun command in its header),
/// and each is also checked against the sheet's rounded figure. Exact equality: both sides are
/// integer arithmetic, so there is no tolerance.
@Suite("Interest models: fact sheet F1–F5")
struct InterestModelTests {
    let ref: InterestReference
    init() throws { ref = try InterestReference.shared.get() }
    let t0 = Instant(unixSeconds: 1_700_000_000)
    let day: Int64 = 86_400
    func at(days: Int64) -> Instant { t0.adding(seconds: days * day) }

    /// `value` rounded half-even to 6 decimals equals the sheet's figure.
    func matchesSheet(_ value: ExactDecimal, _ sheet: String, places: Int = 6) throws -> Bool {
        value.rounded(scale: places, mode: .halfEven) == (try exact(sheet))
    }

    @Test("F1 fixed repayment: M whenever repaid; NFTfi 5 % admin fee")
    func f1() throws {
        let m = try ref.amount("f1_maximum_repayment")   // 20·(1 + 0.20·30/365), truncated to the wei
        let loan = try FixedRepaymentLoan(principal: 20, repayment: m, start: t0, durationSeconds: 30 * day)
        for d: Int64 in [0, 1, 10, 30] { #expect(try loan.debt(at: at(days: d)) == m) }
        #expect(try loan.debt(at: t0.adding(seconds: 1)) == m)
        #expect(loan.interest == (try ref.amount("f1_interest")))
        let fee = BorrowingCost.feeOnInterest(loan.interest, feeBps: 500)
        #expect(fee == (try ref.amount("f1_admin_fee_500_bps")))
        #expect(m - fee == (try ref.amount("f1_lender_receives")))
        #expect(try matchesSheet(fee, "0.016438"))
        #expect(try matchesSheet(m - fee, "20.312329"))
        let (split, after) = try loan.applyingPayment(m, at: at(days: 3))
        #expect(split.interest == loan.interest)
        #expect(split.principal == 20)
        #expect(try after.debt(at: at(days: 4)) == .zero)
        #expect(throws: InterestModelError.beforeStart(start: t0, at: t0.adding(seconds: -1))) { try loan.debt(at: t0.adding(seconds: -1)) }
        #expect(throws: InterestModelError.self) { try loan.applyingPayment(m + 1, at: at(days: 3)) }
    }

    @Test("F1 Arcade V3: interest = P·rate/(1e18·1e4), fixed")
    func f1Arcade() throws {
        let loan = try FixedRepaymentLoan.arcadeV3(principal: 20, proratedInterestRate: BigInt(164) * SolidityFixedPoint.wad,
                                                   start: t0, durationSeconds: 30 * day)
        #expect(try loan.debt(at: at(days: 30)) == ref.amount("f1_arcade_v3_repayment_164_bps"))
    }

    @Test("F2 simple pro-rata: 30 days at 20 % on 20 ETH")
    func f2() throws {
        let arcade = try SimpleInterestLoan.arcadeV4(principal: 20, rateBps: 2000, start: t0, durationSeconds: 30 * day)
        let interest = try arcade.interestDue(at: at(days: 30))
        #expect(interest == (try ref.amount("f2_arcade_v4_interest_day_30")))
        #expect(try matchesSheet(interest, "0.328767"))
        // Arcade caps at maturity: nothing more accrues afterwards.
        #expect(try arcade.debt(at: at(days: 45)) == arcade.debt(at: at(days: 30)))
        #expect(try arcade.interestDue(at: at(days: 45)) == ref.amount("f2_arcade_v4_interest_day_45"))
        // Gondi rounds up (mulDivUp), one wei more here; uncapped.
        let gondi = try SimpleInterestLoan.gondi(principal: 20, aprBps: 2000, start: t0, durationSeconds: 30 * day)
        #expect(try gondi.interestDue(at: at(days: 30)) == ref.amount("f2_gondi_interest_day_30"))
        #expect(try gondi.interestDue(at: at(days: 60)) == ref.amount("f2_gondi_interest_day_60"))
        #expect(try gondi.interestDue(at: at(days: 60)) > gondi.interestDue(at: at(days: 30)))
        let carried = try SimpleInterestLoan.gondi(principal: 20, aprBps: 2000, start: t0, durationSeconds: 30 * day,
                                                   accruedInterest: exact("0.5"))
        #expect(try carried.debt(at: t0) == exact("20.5"))
    }

    @Test("F2 Arcade partial payment: 5 ETH on day 10, then day 30")
    func f2ArcadePartial() throws {
        let loan = try SimpleInterestLoan.arcadeV4(principal: 20, rateBps: 2000, start: t0, durationSeconds: 30 * day)
        let (split, after) = try loan.applyingPayment(5, at: at(days: 10))
        #expect(split.interest == (try ref.amount("f2_arcade_partial_interest")))
        #expect(split.principal == (try ref.amount("f2_arcade_partial_principal")))
        #expect(try matchesSheet(split.interest, "0.109589"))
        #expect(try matchesSheet(split.principal, "4.890411"))
        #expect(after.balanceUnits == (try ref.units("f2_arcade_partial_balance")))
        let day30 = try after.interestDue(at: at(days: 30))
        #expect(day30 == (try ref.amount("f2_arcade_partial_interest_day_30")))
        #expect(try matchesSheet(day30, "0.165585"))
        #expect(try matchesSheet(split.interest + day30, "0.275174"))
        // After maturity Arcade wants the whole balance.
        #expect(throws: InterestModelError.self) { try after.applyingPayment(1, at: at(days: 31)) }
        let full = try after.debt(at: at(days: 31))
        let (last, closed) = try after.applyingPayment(full, at: at(days: 31))
        #expect(last.interest == day30)
        #expect(try closed.debt(at: at(days: 40)) == .zero)
    }

    @Test("F2 NFTfi pro-rata truncates the rate to whole bps")
    func f2NFTfi() throws {
        let loan = try NFTfiProRataLoan(principal: 20, maximumRepayment: ref.amount("f1_maximum_repayment"), start: t0, durationSeconds: 30 * day)
        #expect(loan.rateBps == (try ref.integer("f2_nftfi_pro_rata_rate_bps")))
        #expect(try loan.interestDue(at: at(days: 10)) == ref.amount("f2_nftfi_pro_rata_interest_day_10"))
        #expect(try loan.interestDue(at: at(days: 30)) == ref.amount("f2_nftfi_pro_rata_interest_day_30"))
        #expect(throws: InterestModelError.self) { try loan.applyingPayment(10, at: at(days: 10)) }
        let (split, after) = try loan.applyingPayment(exact("20.328"), at: at(days: 30))
        #expect(split.interest == (try exact("0.328")))
        #expect(try after.debt(at: at(days: 31)) == .zero)
    }

    @Test("F3 continuous compounding (Blend wadExp): 20·e^{0.2·30/365}")
    func f3() throws {
        let lien = try ContinuousCompoundingLoan(amount: 20, rateBps: 2000, start: t0)
        let debt = try lien.debt(at: at(days: 30))
        // wadExp path, to the wei; the real-valued formula gives …852577.5 wei: 17 wei apart.
        #expect(debt == (try ref.amount("f3_blend_debt_day_30")))
        #expect(try matchesSheet(debt, "20.331484"))
        #expect(try matchesSheet(debt - 20, "0.331484"))
        #expect(try lien.debt(at: t0) == 20)
        // Effective APY e^0.2 − 1 = 22.14 % (sheet, 2 decimals of a percent).
        let year = try lien.debt(at: t0.adding(seconds: Instant.secondsPerYear))
        #expect(year == (try ref.amount("f3_blend_debt_day_365")))
        #expect(isClose(year.doubleValue / 20 - 1, 0.2214, relative: 3e-4))
        // Refinance capitalises: amount ← debt, t0 ← t_refi.
        let refi = try lien.refinanced(at: at(days: 30), newRateBps: 1000)
        #expect(try refi.debt(at: at(days: 30)) == debt)
        #expect(try refi.debt(at: at(days: 60)) > debt)
        let (split, after) = try lien.applyingPayment(debt, at: at(days: 30))
        #expect(split.principal == 20)
        #expect(split.interest == debt - 20)
        #expect(try after.debt(at: at(days: 30)) == .zero)
        #expect(throws: InterestModelError.self) { try lien.applyingPayment(1, at: at(days: 30)) }
        #expect(throws: InterestModelError.self) { try ContinuousCompoundingLoan(amount: 1, rateBps: 100_001, start: t0) }
    }

    @Test("wadExp matches solmate at known points")
    func wadExp() {
        #expect(SolidityFixedPoint.wadExp(0) == SolidityFixedPoint.wad)
        #expect(SolidityFixedPoint.wadExp(SolidityFixedPoint.wad) == BigInt("2718281828459045235"))   // solmate test: e
        #expect(SolidityFixedPoint.wadExp(-SolidityFixedPoint.wad) == BigInt("367879441171442321"))   // solmate test: 1/e
        #expect(SolidityFixedPoint.wadExp(BigInt("-42139678854452767551")) == 0)
        #expect(SolidityFixedPoint.wadExp(BigInt("135305999368893231589")) == nil)
    }

    @Test("F4 Aave-style index: 3-term compounding, ray half-up")
    func f4() throws {
        let reserve = ReserveBorrowIndex.initial(rateRay: RateUnits.ray(fromBps: 2000), at: t0)
        let factor = try reserve.normalizedDebt(at: at(days: 30))
        #expect(factor == (try ref.integer("f4_index_factor_day_30")))
        // Sheet: 1.0165742062 (10 places); the contract's truncations give …2059940: within 3e-10.
        #expect(isClose(RateUnits.fraction(fromRay: factor).doubleValue, 1.0165742062, relative: 3e-10))
        let loan = try IndexedDebtLoan(borrowing: 20, at: t0, reserve: reserve)
        let debt = try loan.debt(at: at(days: 30))
        #expect(debt == (try ref.amount("f4_debt_day_30")))
        #expect(try matchesSheet(debt, "20.331484"))
        // A later observation (rate change) is taken from its own index on.
        let later = try reserve.advanced(to: at(days: 10), newRateRay: RateUnits.ray(fromBps: 3100))
        let observed = try loan.observing(later)
        #expect(try observed.debt(at: at(days: 10)) == loan.debt(at: at(days: 10)))
        #expect(try observed.debt(at: at(days: 30)) > debt)
        #expect(throws: InterestModelError.self) { try observed.observing(reserve) }
        // Partial repayment: interest first, then principal; the rest keeps accruing on the scaled amount.
        let (split, after) = try loan.applyingPayment(5, at: at(days: 30))
        #expect(split.interest == debt - 20)
        #expect(split.principal == 5 - (debt - 20))
        #expect(isClose(try after.debt(at: at(days: 30)).doubleValue, debt.doubleValue - 5, relative: 1e-15))
        let (_, closed) = try after.applyingPayment(after.debt(at: at(days: 40)), at: at(days: 40))
        #expect(try closed.debt(at: at(days: 50)) == .zero)
        // The 3-term expansion undercharges vs true per-second compounding (e^x).
        #expect(factor < RateUnits.ray(fromFraction: try exact("1.0165742093")))
    }

    @Test("F5 JPEG'd vault: daily accruals vs simple; fees from the amount received")
    func f5() throws {
        let vault = try VaultAccrualLoan(aprNumerator: 5, aprDenominator: 100, at: t0)
        let (borrow, opened) = try vault.borrowing(20, at: t0, organizationFeeRate: exact("0.005"), insuranceFeeRate: exact("0.025"))
        #expect(borrow.received == (try ref.amount("f5_received")))
        #expect(try opened.debt(at: t0) == 20)
        // No accrual in between: simple interest (the lower bound).
        let simple = try opened.debt(at: at(days: 30)) - 20
        #expect(simple == (try ref.amount("f5_simple_interest_day_30")))
        #expect(try matchesSheet(simple, "0.082192"))
        // accrue() once a day compounds.
        var v = opened
        for d: Int64 in 1...30 { v = try v.accrued(at: at(days: d)) }
        let daily = try v.debt(at: at(days: 30)) - 20
        #expect(daily == (try ref.amount("f5_daily_accrual_interest_day_30")))
        #expect(try matchesSheet(daily, "0.082355"))
        let (split, after) = try v.applyingPayment(1, at: at(days: 30))
        #expect(split.interest == daily)
        #expect(split.principal == 1 - daily)
        #expect(try after.debt(at: at(days: 30)) == 20 + daily - 1)
        #expect(after.principalUnits == BigInt("19082355247393136289"))
        #expect(throws: InterestModelError.self) { try vault.borrowing(1, at: t0, organizationFeeRate: exact("0.6"), insuranceFeeRate: exact("0.5")) }
    }

    @Test("InterestModel holds any model and dispatches")
    func enumDispatch() throws {
        let models: [InterestModel] = [
            .fixedRepayment(try FixedRepaymentLoan(principal: 20, repayment: exact("20.328767123287671232"), start: t0, durationSeconds: 30 * day)),
            .simple(try SimpleInterestLoan.arcadeV4(principal: 20, rateBps: 2000, start: t0, durationSeconds: 30 * day)),
            .nftfiProRata(try NFTfiProRataLoan(principal: 20, maximumRepayment: exact("20.328767123287671232"), start: t0, durationSeconds: 30 * day)),
            .continuous(try ContinuousCompoundingLoan(amount: 20, rateBps: 2000, start: t0)),
            .indexed(try IndexedDebtLoan(borrowing: 20, at: t0, reserve: .initial(rateRay: RateUnits.ray(fromBps: 2000), at: t0))),
            .vault(try VaultAccrualLoan(aprNumerator: 20, aprDenominator: 100, at: t0).borrowing(20, at: t0).after),
        ]
        for model in models {
            let debt = try model.debt(at: at(days: 30))
            let ceiling = try exact("20.34")
            #expect(debt > 20 && debt < ceiling, "\(model)")
            #expect(model.decimals == 18)
            let (split, after) = try model.applyingPayment(debt, at: at(days: 30))
            #expect(split.total == debt)
            #expect(try after.debt(at: at(days: 30)) == .zero)
        }
    }

    @Test("rate unit conversions are explicit and exact")
    func rateUnits() throws {
        #expect(RateUnits.ray(fromBps: 2000) == BigInt("200000000000000000000000000"))
        #expect(RateUnits.bps(fromRay: BigInt("310000000000000000000000000")) == 3100)
        #expect(RateUnits.bps(fromRay: BigInt("310000000000000000000000001")) == 3100)
        #expect(RateUnits.fraction(fromBps: 2000) == (try exact("0.2")))
        #expect(RateUnits.fraction(fromRay: BigInt("165000000000000000000000000")) == (try exact("0.165")))
        #expect(RateUnits.fraction(fromWad: BigInt("50000000000000000")) == (try exact("0.05")))
        #expect(RateUnits.bps(fromFraction: try exact("0.31")) == 3100)
        #expect(RateUnits.ray(fromFraction: try exact("0.2")) == RateUnits.ray(fromBps: 2000))
        #expect(RateUnits.rayPerSecond(fromAnnualRay: RateUnits.ray(fromBps: 2000)) == BigInt("6341958396752917300"))
        let apr = try #require(RateUnits.impliedAPR(principal: 20, repayment: exact("20.328767123287671232"), durationSeconds: 30 * day))
        #expect(isClose(apr, 0.2, relative: 1e-15))
        #expect(AccrualTime.seconds(from: t0, to: at(days: 40), cappedAt: at(days: 30)) == 30 * day)
        #expect(AccrualTime.seconds(from: at(days: 2), to: t0) == 0)
        #expect(AccrualTime.yearFraction(seconds: 30 * day, scale: 10, mode: .halfEven) == (try exact("0.0821917808")))
        #expect(AccrualTime.simpleInterest(on: 20, rateBps: 2000, seconds: 30 * day, scale: 18, mode: .down) == (try exact("0.328767123287671232")))
    }
}
