/// Fees and the cost of a loan. Fact sheet F1 (fees), F10 (cost, effective APR).
public enum BorrowingCost {
    /// A fee charged in bps on an amount, truncated to the token's smallest unit — NFTfi's
    /// `adminFee = ⌊interest · adminFeeBps / 1e4⌋` (default 500 bps = 5 % of interest).
    public static func feeOnInterest(_ interest: ExactDecimal, feeBps: Int, decimals: Int = 18) -> ExactDecimal {
        let units = interest.units(decimals: decimals, rounding: .down)
        return ExactDecimal(units: units * .init(feeBps) / 10_000, decimals: decimals)
    }

    /// `cost = Σ repayments + Σ fees paid outside repayments − Σ amounts received`, in the loan token.
    public static func cost(repayments: [ExactDecimal], otherFees: [ExactDecimal] = [], received: [ExactDecimal]) -> ExactDecimal {
        repayments.reduce(.zero, +) + otherFees.reduce(.zero, +) - received.reduce(.zero, +)
    }

    /// `effAPR = cost / received · 31,536,000 / Δt` (a fraction per year; analytics, Double).
    /// `nil` when nothing was received or `Δt ≤ 0`.
    public static func effectiveAPR(cost: ExactDecimal, received: ExactDecimal, seconds: Int64) -> Double? {
        guard !received.isZero, seconds > 0 else { return nil }
        return cost.doubleValue / received.doubleValue * Double(Instant.secondsPerYear) / Double(seconds)
    }

    /// Arcade's `effectiveInterestRate = Σ interestPaid · Y · 1e4 / (elapsed · principal)`, in bps (Double).
    public static func arcadeEffectiveRateBps(interestPaid: ExactDecimal, principal: ExactDecimal, seconds: Int64) -> Double? {
        guard !principal.isZero, seconds > 0 else { return nil }
        return interestPaid.doubleValue * Double(Instant.secondsPerYear) * 10_000 / (Double(seconds) * principal.doubleValue)
    }
}
