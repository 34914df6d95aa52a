import BigInt

/// Health factor of a loan: `value × LT / debt`. No debt means no health factor — an explicit
/// state, not ∞ or NaN (BendDAO's contract returns `type(uint256).max` there).
public enum HealthFactor: Sendable, Hashable {
    case noDebt
    case value(Double)

    /// The number, or `nil` for ``noDebt``.
    public var doubleValue: Double? {
        if case let .value(v) = self { return v }
        return nil
    }
}

/// How a protocol compares debt to the liquidation limit (fact sheet F7).
public enum LiquidationRule: String, Sendable, Hashable, CaseIterable {
    /// BendDAO (and ParaSpace `HF < 1`): liquidatable when `debt > value × LT` — equality is safe.
    case debtAboveLimit
    /// JPEG'd: liquidatable when `debt ≥ value × liquidationRate` — equality is liquidatable.
    case debtAtOrAboveLimit

    /// Exact comparison of `debt` with `value × threshold`.
    public func isLiquidatable(debt: ExactDecimal, collateralValue: ExactDecimal, threshold: ExactDecimal) -> Bool {
        let limit = collateralValue * threshold
        switch self {
        case .debtAboveLimit: return debt > limit
        case .debtAtOrAboveLimit: return debt >= limit
        }
    }
}

/// Risk ratios of one collateralised loan at one instant (fact sheet F6–F8). Inputs are exact; the
/// ratios are `Double` (analytics). The collateral value must already be in the loan currency
/// (floor × FX); thresholds are fractions (0.8 = 80 %).
public enum LoanRisk {
    /// `LTV = debt / value`; `nil` when the value is zero.
    public static func loanToValue(debt: ExactDecimal, collateralValue: ExactDecimal) -> Double? {
        guard !collateralValue.isZero else { return nil }
        return ratio(debt, collateralValue)
    }

    /// `HF = value × LT / debt`; ``HealthFactor/noDebt`` when the debt is zero or negative.
    public static func healthFactor(debt: ExactDecimal, collateralValue: ExactDecimal, liquidationThreshold: ExactDecimal) -> HealthFactor {
        guard debt > .zero else { return .noDebt }
        return .value(ratio(collateralValue * liquidationThreshold, debt))
    }

    /// Borrow capacity `value × maxLTV` (BendDAO) or `value × creditLimitRate` (JPEG'd).
    public static func maximumDebt(collateralValue: ExactDecimal, maxLoanToValue: ExactDecimal) -> ExactDecimal {
        collateralValue * maxLoanToValue
    }

    /// The collateral price (in the price's own currency) at which `HF = 1`:
    /// `debt / (LT × fx)`, with `fx` the loan-currency value of one unit of the price currency
    /// (1 for an ETH loan priced in ETH; ETH/USD for a USDT loan priced in ETH). Rises as interest accrues.
    /// Rounded to `scale` digits with `mode`; `nil` when `LT × fx` is zero.
    public static func liquidationPrice(debt: ExactDecimal, liquidationThreshold: ExactDecimal, fx: ExactDecimal = .one,
                                        scale: Int = 18, mode: RoundingMode = .halfEven) -> ExactDecimal? {
        try? debt.divided(by: liquidationThreshold * fx, scale: scale, mode: mode)
    }

    /// `a / b` as a Double, computed exactly to 30 significant places first so huge token amounts keep precision.
    static func ratio(_ a: ExactDecimal, _ b: ExactDecimal) -> Double {
        guard let q = try? a.divided(by: b, scale: 30, mode: .halfEven) else { return .nan }
        return q.doubleValue
    }
}

/// BendDAO redemption during an auction (fact sheet §3 "Liquidation process", F9).
/// Amounts in smallest units with Aave `percentMul` (half-up) as `LiquidateLogic` does.
public enum BendRedemption {
    /// The redeemable range `[debt ⊗ redeemThreshold, debt ⊗ 90 %]` (the 90 % maximum is hard-coded).
    public static func bounds(debt: ExactDecimal, redeemThresholdBps: Int = 5_000, decimals: Int = 18) -> ClosedRange<ExactDecimal> {
        let units = debt.units(decimals: decimals, rounding: .down)
        let low = SolidityFixedPoint.percentMul(units, bps: BigInt(redeemThresholdBps))
        let high = SolidityFixedPoint.percentMul(units, bps: 9_000)
        let lo = ExactDecimal(units: Swift.min(low, high), decimals: decimals)
        let hi = ExactDecimal(units: Swift.max(low, high), decimals: decimals)
        return lo...hi
    }

    /// The fine paid to the first bidder: `max(debt ⊗ redeemFine, minBidFine bps of one whole token)`.
    public static func fine(debt: ExactDecimal, redeemFineBps: Int = 500, minBidFineBps: Int = 2_000, decimals: Int = 18) -> ExactDecimal {
        let units = debt.units(decimals: decimals, rounding: .down)
        let byDebt = SolidityFixedPoint.percentMul(units, bps: BigInt(redeemFineBps))
        let minimum = SolidityFixedPoint.percentMul(BigInt(10).power(decimals), bps: BigInt(minBidFineBps))
        return ExactDecimal(units: Swift.max(byDebt, minimum), decimals: decimals)
    }

    /// After the auction: what the borrower gets back, `bid − debt` (negative: the liquidator tops up).
    public static func borrowerSurplus(bid: ExactDecimal, debt: ExactDecimal) -> ExactDecimal { bid - debt }
}
