import BigInt
import Testing
@testable import LedgerMath

/// Worked examples F6–F12 of the NFT-lending fact sheet §9. Debts after 30 days use the F4 index
/// result (20.331484119881771785 ETH). Tolerances follow the digits the sheet prints.
@Suite("Loan risk: fact sheet F6–F12")
struct LoanRiskTests {
    let debt30 = "20.331484119881771785"

    @Test("F6 LTV and borrow capacity")
    func f6() throws {
        #expect(LoanRisk.loanToValue(debt: 20, collateralValue: 50) == 0.4)   // exact by construction: 0.4 parsed
        #expect(LoanRisk.maximumDebt(collateralValue: 50, maxLoanToValue: try exact("0.6")) == 30)
        #expect(LoanRisk.loanToValue(debt: 20, collateralValue: 0) == nil)
    }

    @Test("F7 health factor, explicit no-debt state, strictness per protocol")
    func f7() throws {
        let hf = LoanRisk.healthFactor(debt: try exact(debt30), collateralValue: 50, liquidationThreshold: try exact("0.8"))
        #expect(isClose(try #require(hf.doubleValue), 1.9674, relative: 5e-5))
        #expect(LoanRisk.healthFactor(debt: 20, collateralValue: 50, liquidationThreshold: try exact("0.8")) == .value(2.0))
        #expect(LoanRisk.healthFactor(debt: 0, collateralValue: 50, liquidationThreshold: try exact("0.8")) == .noDebt)
        #expect(HealthFactor.noDebt.doubleValue == nil)
        // At exactly debt = value × threshold: BendDAO (strict >) is safe, JPEG'd (≥) liquidates.
        #expect(!LiquidationRule.debtAboveLimit.isLiquidatable(debt: 40, collateralValue: 50, threshold: try exact("0.8")))
        #expect(LiquidationRule.debtAtOrAboveLimit.isLiquidatable(debt: 40, collateralValue: 50, threshold: try exact("0.8")))
        #expect(LiquidationRule.debtAboveLimit.isLiquidatable(debt: try exact("40.000000000000000001"), collateralValue: 50, threshold: try exact("0.8")))
        #expect(!LiquidationRule.debtAtOrAboveLimit.isLiquidatable(debt: try exact("39.999999999999999999"), collateralValue: 50, threshold: try exact("0.8")))
    }

    @Test("F8 liquidation floor price rises with the debt", arguments: [
        ("20", "0.8", "25.0", 1e-12), ("20.331484119881771785", "0.8", "25.414", 2e-5),
        ("20", "0.9", "22.22", 2e-4), ("20.331484119881771785", "0.9", "22.59", 1e-4), ("20", "0.5", "40", 1e-12),
    ])
    func f8(debt: String, threshold: String, sheet: String, tolerance: Double) throws {
        let price = try #require(LoanRisk.liquidationPrice(debt: try exact(debt), liquidationThreshold: try exact(threshold)))
        #expect(isClose(price.doubleValue, Double(sheet) ?? 0, relative: tolerance))
    }

    @Test("F8 USDT loan: floor in ETH = debt / (LT × ETHUSD)")
    func f8USDT() throws {
        let price = try #require(LoanRisk.liquidationPrice(debt: 60_000, liquidationThreshold: try exact("0.8"), fx: 3_000, scale: 6))
        #expect(price == 25)
        #expect(LoanRisk.liquidationPrice(debt: 1, liquidationThreshold: 0) == nil)
    }

    @Test("F9 BendDAO redemption bounds and fine")
    func f9() throws {
        let debt = try exact(debt30)
        let range = BendRedemption.bounds(debt: debt)
        #expect(range.lowerBound == (try exact("10.165742059940885893")))
        #expect(range.upperBound == (try exact("18.298335707893594607")))
        #expect(range.lowerBound.rounded(scale: 4, mode: .halfEven) == (try exact("10.1657")))
        #expect(range.upperBound.rounded(scale: 4, mode: .halfEven) == (try exact("18.2983")))
        let fine = BendRedemption.fine(debt: debt)
        #expect(fine.rounded(scale: 4, mode: .halfEven) == (try exact("1.0166")))
        #expect(BendRedemption.fine(debt: 2) == (try exact("0.2")))   // the 0.2 ETH minimum wins for small debts
        #expect(BendRedemption.borrowerSurplus(bid: 22, debt: debt) == 22 - debt)
    }

    @Test("F10 borrowing cost and effective APR (NFTfi fixed, 0.2 ETH origination fee)")
    func f10() throws {
        let cost = BorrowingCost.cost(repayments: [try exact("20.328767123287671232")], received: [try exact("19.8")])
        #expect(cost == (try exact("0.528767123287671232")))
        let apr = try #require(BorrowingCost.effectiveAPR(cost: cost, received: try exact("19.8"), seconds: 30 * 86_400))
        #expect(isClose(apr, 0.3249, relative: 2e-4))
        #expect(BorrowingCost.effectiveAPR(cost: cost, received: 0, seconds: 1) == nil)
        let arcade = try #require(BorrowingCost.arcadeEffectiveRateBps(interestPaid: try exact("0.328767123287671232"), principal: 20, seconds: 30 * 86_400))
        #expect(isClose(arcade, 2000, relative: 1e-12))
    }

    @Test("F11 BendDAO TWAP: the newest push has zero weight")
    func f11() throws {
        let now = Instant(unixSeconds: 1_700_000_000)
        let pushes = [
            OraclePush(at: now.adding(seconds: -29_880), price: 52),   // −8.3 h
            OraclePush(at: now.adding(seconds: -10_800), price: 50),   // −3 h
            OraclePush(at: now.adding(seconds: -3_600), price: 48),    // −1 h: TWAP evaluated here
        ]
        let twap = try BendOracleTWAP.twap(pushes: pushes, index: 2)
        // (50·7200 + 52·14400)/21600 = 51.333… ETH, truncated to the wei as the contract divides.
        #expect(twap == (try exact("51.333333333333333333")))
        // The price the protocol uses between pushes is the stored TWAP, not 48.
        #expect(try BendOracleTWAP.oraclePrice(at: now, pushes: pushes) == twap)
        #expect(try BendOracleTWAP.oraclePrice(at: now.adding(seconds: -40_000), pushes: pushes) == nil)
        // A single round is its own TWAP; a previous push older than the window gives the previous price.
        #expect(try BendOracleTWAP.twap(pushes: pushes, index: 0) == 52)
        #expect(try BendOracleTWAP.twap(pushes: pushes, index: 1) == 52)
        // History shorter than the window: divided by the covered time.
        let short = [OraclePush(at: now, price: 10), OraclePush(at: now.adding(seconds: 3_600), price: 20)]
        #expect(try BendOracleTWAP.twap(pushes: short, index: 1) == 10)
        #expect(throws: InterestModelError.self) { try BendOracleTWAP.twap(pushes: [pushes[1], pushes[0]], index: 1) }
    }

    @Test("F12 Blend refinancing-auction rate ceiling (old rate 20 %)", arguments: [
        (Int64(0), 0), (900, 2116), (1_800, 4233), (7_200, 13233), (8_999, 99951), (9_000, 100_000), (20_000, 100_000),
    ])
    func f12(block: Int64, expected: Int) throws {
        let rate = try BlendRefinancingAuction.rateCeilingBps(blocksSinceStart: block, auctionDurationBlocks: 9_000, oldRateBps: 2000)
        #expect(rate == BigInt(expected))
    }

    @Test("F12 sheet figures: 42.33 % at T1, 132.33 % at T2; 155 % cap for old ≥ 150 %")
    func f12Sheet() throws {
        #expect(try BlendRefinancingAuction.rateCeilingBps(blocksSinceStart: 1_800, auctionDurationBlocks: 9_000, oldRateBps: 2000) == 4233)
        #expect(try BlendRefinancingAuction.rateCeilingBps(blocksSinceStart: 7_200, auctionDurationBlocks: 9_000, oldRateBps: 2000) == 13233)
        #expect(try BlendRefinancingAuction.rateCeilingBps(blocksSinceStart: 1_800, auctionDurationBlocks: 9_000, oldRateBps: 16_000) == 15_500)
        #expect(throws: InterestModelError.self) { try BlendRefinancingAuction.rateCeilingBps(blocksSinceStart: 1, auctionDurationBlocks: 4, oldRateBps: 1) }
    }
}
