import BigInt

/// A loan whose repayment is fixed at origination, whenever it is repaid: NFTfi fixed offers
/// (`isProRata = false`, repay `M`) and Arcade V3 (full-term rate). Fact sheet §2, §6, F1.
///
/// `debt(t) = P + I` for every `t ≥ start`, with `I = M − P` (NFTfi) or
/// `I = ⌊P · rate / (1e18 · 1e4)⌋` (Arcade V3, `rate` in 1e18-scaled bps of the whole term).
/// Amounts are integers in the token's smallest unit, as on chain.
public struct FixedRepaymentLoan: AccruingDebt, Hashable {
    public let decimals: Int
    /// Outstanding principal, in smallest units.
    public private(set) var principalUnits: BigInt
    /// Outstanding (fixed) interest, in smallest units.
    public private(set) var interestUnits: BigInt
    public let start: Instant
    /// Term in seconds; repayment is due by `start + durationSeconds` (default afterwards: foreclosure).
    public let durationSeconds: Int64

    /// NFTfi fixed: principal `P` and maximum repayment `M ≥ P`.
    public init(principal: ExactDecimal, repayment: ExactDecimal, start: Instant, durationSeconds: Int64,
                decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        let p = try tokenUnits(principal, decimals: decimals, field: "principal")
        let m = try tokenUnits(repayment, decimals: decimals, field: "repayment")
        guard m >= p else { throw .invalidTerm(field: "repayment", reason: "\(repayment) is below the principal \(principal)") }
        guard durationSeconds > 0 else { throw .invalidTerm(field: "durationSeconds", reason: "must be positive") }
        self.decimals = decimals
        self.principalUnits = p
        self.interestUnits = m - p
        self.start = start
        self.durationSeconds = durationSeconds
    }

    /// Arcade V3: interest `⌊P · proratedInterestRate / (1e18 · 1e4)⌋`, where the rate is the whole-term
    /// rate in bps scaled by 1e18 (e.g. 164 bps → `164e18`).
    public static func arcadeV3(principal: ExactDecimal, proratedInterestRate: BigInt, start: Instant,
                                durationSeconds: Int64, decimals: Int = 18) throws(InterestModelError) -> FixedRepaymentLoan {
        try checkDecimals(decimals)
        guard proratedInterestRate >= 0 else { throw .invalidTerm(field: "proratedInterestRate", reason: "negative") }
        let p = try tokenUnits(principal, decimals: decimals, field: "principal")
        let interest = p * proratedInterestRate / (SolidityFixedPoint.wad * SolidityFixedPoint.bpsDenominator)
        return try FixedRepaymentLoan(principal: principal, repayment: ExactDecimal(units: p + interest, decimals: decimals),
                                      start: start, durationSeconds: durationSeconds, decimals: decimals)
    }

    public var maturity: Instant { start.adding(seconds: durationSeconds) }
    /// The fixed interest still owed.
    public var interest: ExactDecimal { amount(interestUnits) }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        guard instant >= start else { throw .beforeStart(start: start, at: instant) }
        return amount(principalUnits + interestUnits)
    }

    /// Interest first, then principal. Neither protocol takes partial payments on chain, but a
    /// ledger may need to book one (e.g. a refinance that pays part), so it is allowed.
    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: FixedRepaymentLoan) {
        let owed = try debt(at: instant)
        let paid = try tokenUnits(payment, decimals: decimals, field: "payment")
        guard paid <= principalUnits + interestUnits else { throw .paymentExceedsDebt(payment: payment, debt: owed) }
        let toInterest = Swift.min(paid, interestUnits)
        var after = self
        after.interestUnits -= toInterest
        after.principalUnits -= paid - toInterest
        return (PaymentSplit(interest: amount(toInterest), principal: amount(paid - toInterest)), after)
    }
}
