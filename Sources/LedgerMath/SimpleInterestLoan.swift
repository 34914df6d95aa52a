import BigInt

/// Simple pro-rata interest on an outstanding balance: Arcade V4, Gondi, or a plain loan.
/// Fact sheet §6, §8, F2.
///
/// `interest(t) = B · r_bps · Δt / (1e4 · 31,536,000)` in smallest units, with `Δt` in seconds from
/// the last accrual (a payment) to `t` — capped at maturity when the protocol caps it (Arcade V4) —
/// and the quotient truncated (Arcade) or rounded up (Gondi's `mulDivUp`). Unpaid interest carried
/// from earlier (Gondi's `accruedInterest`) is added. A payment pays interest first, then principal.
public struct SimpleInterestLoan: AccruingDebt, Hashable {
    /// How the integer quotient is rounded.
    public enum Rounding: String, Sendable, Hashable { case down, up }

    public let decimals: Int
    /// Outstanding principal (smallest units).
    public private(set) var balanceUnits: BigInt
    /// Interest accrued before `lastAccrual` and not yet paid (smallest units).
    public private(set) var carriedInterestUnits: BigInt
    /// Annual rate in bps (2000 = 20 %).
    public let rateBps: BigInt
    public let start: Instant
    public private(set) var lastAccrual: Instant
    /// Due date, if the loan has one.
    public let maturity: Instant?
    /// Whether interest stops accruing at maturity (Arcade V4: yes).
    public let capsAtMaturity: Bool
    public let rounding: Rounding
    /// Arcade V4 refuses partial payments after maturity (`RC_NeedFullRepayAmount`).
    public let requiresFullRepaymentAfterMaturity: Bool

    public init(principal: ExactDecimal, rateBps: BigInt, start: Instant, maturity: Instant?, capsAtMaturity: Bool,
                rounding: Rounding, carriedInterest: ExactDecimal = .zero, requiresFullRepaymentAfterMaturity: Bool = false,
                decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        guard rateBps >= 0 else { throw .invalidTerm(field: "rateBps", reason: "\(rateBps) is negative") }
        if let maturity, maturity < start { throw .invalidTerm(field: "maturity", reason: "before the start") }
        if capsAtMaturity && maturity == nil { throw .invalidTerm(field: "maturity", reason: "required when interest is capped at maturity") }
        self.decimals = decimals
        self.balanceUnits = try tokenUnits(principal, decimals: decimals, field: "principal")
        self.carriedInterestUnits = try tokenUnits(carriedInterest, decimals: decimals, field: "carriedInterest")
        self.rateBps = rateBps
        self.start = start
        self.lastAccrual = start
        self.maturity = maturity
        self.capsAtMaturity = capsAtMaturity
        self.rounding = rounding
        self.requiresFullRepaymentAfterMaturity = requiresFullRepaymentAfterMaturity
    }

    /// Arcade V4: truncated, capped at `start + durationSeconds`, full repayment after maturity.
    public static func arcadeV4(principal: ExactDecimal, rateBps: BigInt, start: Instant, durationSeconds: Int64,
                                decimals: Int = 18) throws(InterestModelError) -> SimpleInterestLoan {
        try SimpleInterestLoan(principal: principal, rateBps: rateBps, start: start,
                               maturity: start.adding(seconds: durationSeconds), capsAtMaturity: true, rounding: .down,
                               requiresFullRepaymentAfterMaturity: true, decimals: decimals)
    }

    /// Gondi tranche: `principal + accruedInterest + mulDivUp(principal, aprBps·Δt, 1e4·Y)`, not capped
    /// (the mirrored repayment maths has no cap; pass `capsAtMaturity: true` to cap anyway).
    public static func gondi(principal: ExactDecimal, aprBps: BigInt, start: Instant, durationSeconds: Int64,
                             accruedInterest: ExactDecimal = .zero, capsAtMaturity: Bool = false,
                             decimals: Int = 18) throws(InterestModelError) -> SimpleInterestLoan {
        try SimpleInterestLoan(principal: principal, rateBps: aprBps, start: start,
                               maturity: start.adding(seconds: durationSeconds), capsAtMaturity: capsAtMaturity,
                               rounding: .up, carriedInterest: accruedInterest, decimals: decimals)
    }

    /// Seconds that accrue between the last accrual and `instant` (0 past a capped maturity).
    func accruingSeconds(until instant: Instant) -> Int64 {
        var end = instant
        if capsAtMaturity, let maturity, maturity < end { end = maturity }
        return Swift.max(0, lastAccrual.seconds(to: end))
    }

    func interestUnits(at instant: Instant) -> BigInt {
        let numerator = balanceUnits * rateBps * BigInt(accruingSeconds(until: instant))
        let denominator = SolidityFixedPoint.bpsDenominator * SolidityFixedPoint.secondsPerYear
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        return carriedInterestUnits + (rounding == .up && !r.isZero ? q + 1 : q)
    }

    /// Interest owed at `instant` (carried + newly accrued).
    public func interestDue(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        guard instant >= lastAccrual else { throw .beforeStart(start: lastAccrual, at: instant) }
        return amount(interestUnits(at: instant))
    }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        guard instant >= lastAccrual else { throw .beforeStart(start: lastAccrual, at: instant) }
        return amount(balanceUnits + interestUnits(at: instant))
    }

    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: SimpleInterestLoan) {
        let owed = try debt(at: instant)
        let paid = try tokenUnits(payment, decimals: decimals, field: "payment")
        let due = interestUnits(at: instant)
        guard paid <= balanceUnits + due else { throw .paymentExceedsDebt(payment: payment, debt: owed) }
        if requiresFullRepaymentAfterMaturity, let maturity, instant > maturity, paid != balanceUnits + due {
            throw .fullRepaymentRequired(payment: payment, debt: owed)
        }
        let toInterest = Swift.min(paid, due)
        var after = self
        after.carriedInterestUnits = due - toInterest
        after.balanceUnits -= paid - toInterest
        after.lastAccrual = instant
        return (PaymentSplit(interest: amount(toInterest), principal: amount(paid - toInterest)), after)
    }
}
