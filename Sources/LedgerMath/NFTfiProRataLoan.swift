import BigInt

/// NFTfi pro-rata loan (`isProRata = true`; `AssetOfferLoan._computeInterestDue`). Fact sheet §2, F2.
///
/// The rate is first truncated to whole bps of principal, `rateBps = ⌊(M − P)·1e4 / P⌋`, then
/// `interest(t) = min(M − P, ⌊⌊P · rateBps · elapsed / D⌋ / 1e4⌋)` with `elapsed = t − start` in
/// seconds and `D` the duration. So a loan repaid at maturity pays slightly less than `M` unless
/// `M − P` is a whole number of bps of `P`. Repayment is all-or-nothing.
public struct NFTfiProRataLoan: AccruingDebt, Hashable {
    public let decimals: Int
    public let principalUnits: BigInt
    public let maximumRepaymentUnits: BigInt
    public let start: Instant
    public let durationSeconds: Int64
    /// True once the whole debt has been repaid; the debt is then 0.
    public private(set) var isRepaid = false

    public init(principal: ExactDecimal, maximumRepayment: ExactDecimal, start: Instant, durationSeconds: Int64,
                decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        let p = try tokenUnits(principal, decimals: decimals, field: "principal")
        let m = try tokenUnits(maximumRepayment, decimals: decimals, field: "maximumRepayment")
        guard p > 0 else { throw .invalidTerm(field: "principal", reason: "must be positive") }
        guard m >= p else { throw .invalidTerm(field: "maximumRepayment", reason: "\(maximumRepayment) is below the principal") }
        guard durationSeconds > 0 else { throw .invalidTerm(field: "durationSeconds", reason: "must be positive") }
        self.decimals = decimals
        self.principalUnits = p
        self.maximumRepaymentUnits = m
        self.start = start
        self.durationSeconds = durationSeconds
    }

    /// The truncated rate for the whole term, in bps of principal.
    public var rateBps: BigInt { (maximumRepaymentUnits - principalUnits) * SolidityFixedPoint.bpsDenominator / principalUnits }

    public var maturity: Instant { start.adding(seconds: durationSeconds) }

    func interestUnits(at instant: Instant) -> BigInt {
        let elapsed = BigInt(Swift.max(0, start.seconds(to: instant)))
        let accrued = principalUnits * rateBps * elapsed / BigInt(durationSeconds) / SolidityFixedPoint.bpsDenominator
        return Swift.min(maximumRepaymentUnits - principalUnits, accrued)
    }

    public func interestDue(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        guard instant >= start else { throw .beforeStart(start: start, at: instant) }
        return amount(interestUnits(at: instant))
    }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        guard instant >= start else { throw .beforeStart(start: start, at: instant) }
        return isRepaid ? .zero : amount(principalUnits + interestUnits(at: instant))
    }

    /// Only the whole debt can be repaid (NFTfi has no partial repayment).
    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: NFTfiProRataLoan) {
        let owed = try debt(at: instant)
        guard payment == owed else {
            if payment > owed { throw .paymentExceedsDebt(payment: payment, debt: owed) }
            throw .fullRepaymentRequired(payment: payment, debt: owed)
        }
        guard !isRepaid else { return (PaymentSplit(interest: .zero, principal: .zero), self) }
        var after = self
        after.isRepaid = true
        return (PaymentSplit(interest: amount(interestUnits(at: instant)), principal: amount(principalUnits)), after)
    }
}
