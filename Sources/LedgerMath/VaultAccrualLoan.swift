import BigInt

/// A JPEG'd vault position: simple interest on the vault's total debt between accruals, compounding
/// at each `accrue()`. Fact sheet §4, F5.
///
/// At each accrual `T ← T + ⌊⌊Δt · T · aprNum / aprDen⌋ / 31,536,000⌋` (NFTVault
/// `calculateAdditionalInterest`, two truncating divisions); a position owns `portion/ΣPortion`
/// of `T`, and its debt is `max(principal, ⌊T·portion/ΣPortion⌋)` (`_calculateDebt`). A borrow adds
/// `amount` to the debt but mints `amount − fees` (organisation + insurance rates).
/// Because `accrue()` runs on anyone's interaction, the exact path needs the vault's `Accrual`
/// events; ``accrued(at:)`` replays one.
public struct VaultAccrualLoan: AccruingDebt, Hashable {
    public let decimals: Int
    /// APR as numerator/denominator (JPEG'd `Rate`), e.g. 5/100.
    public let aprNumerator: BigInt
    public let aprDenominator: BigInt
    /// Vault total debt `T` and total portion, smallest units.
    public private(set) var totalDebtUnits: BigInt
    public private(set) var totalPortion: BigInt
    public private(set) var accruedAt: Instant
    /// This position's portion and principal.
    public private(set) var positionPortion: BigInt
    public private(set) var principalUnits: BigInt

    /// An empty vault (or the state the ledger observed) with no position of ours yet.
    public init(aprNumerator: BigInt, aprDenominator: BigInt, at instant: Instant, totalDebt: ExactDecimal = .zero,
                totalPortion: BigInt = 0, decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        guard aprDenominator > 0, aprNumerator >= 0 else { throw .invalidTerm(field: "apr", reason: "needs numerator ≥ 0 and denominator > 0") }
        self.decimals = decimals
        self.aprNumerator = aprNumerator
        self.aprDenominator = aprDenominator
        self.totalDebtUnits = try tokenUnits(totalDebt, decimals: decimals, field: "totalDebt")
        self.totalPortion = totalPortion
        self.accruedAt = instant
        self.positionPortion = 0
        self.principalUnits = 0
    }

    func additionalInterest(at instant: Instant) -> BigInt {
        let elapsed = BigInt(Swift.max(0, accruedAt.seconds(to: instant)))
        return elapsed * totalDebtUnits * aprNumerator / aprDenominator / SolidityFixedPoint.secondsPerYear
    }

    /// The vault after `accrue()` at `instant`.
    public func accrued(at instant: Instant) throws(InterestModelError) -> VaultAccrualLoan {
        guard instant >= accruedAt else { throw .beforeStart(start: accruedAt, at: instant) }
        var after = self
        after.totalDebtUnits += additionalInterest(at: instant)
        after.accruedAt = instant
        return after
    }

    /// What a borrow mints and what it adds to the debt.
    public struct Borrow: Sendable, Hashable {
        /// Added to the debt.
        public var amount: ExactDecimal
        /// Minted to the borrower: `amount − organizationFee − insuranceFee`.
        public var received: ExactDecimal
        public var organizationFee: ExactDecimal
        public var insuranceFee: ExactDecimal
    }

    /// Borrows `amount` at `instant` (accrues first). Fees are `⌊amount·rate⌋` in smallest units; rates are fractions (0.005 = 0.5 %).
    public func borrowing(_ amount: ExactDecimal, at instant: Instant, organizationFeeRate: ExactDecimal = .zero,
                          insuranceFeeRate: ExactDecimal = .zero) throws(InterestModelError) -> (borrow: Borrow, after: VaultAccrualLoan) {
        let units = try tokenUnits(amount, decimals: decimals, field: "amount")
        guard !organizationFeeRate.isNegative, !insuranceFeeRate.isNegative,
              organizationFeeRate + insuranceFeeRate <= .one else {
            throw .invalidTerm(field: "feeRate", reason: "fee rates must be ≥ 0 and sum to at most 1")
        }
        var after = try accrued(at: instant)
        let portion = after.totalPortion.isZero ? units
            : (after.totalDebtUnits.isZero ? units : after.totalPortion * units / after.totalDebtUnits)
        after.totalPortion += portion
        after.positionPortion += portion
        after.totalDebtUnits += units
        after.principalUnits += units
        let orgFee = ExactDecimal(units) * organizationFeeRate
        let insFee = ExactDecimal(units) * insuranceFeeRate
        let org = orgFee.rounded(scale: 0, mode: .down).significand
        let ins = insFee.rounded(scale: 0, mode: .down).significand
        let borrow = Borrow(amount: self.amount(units), received: self.amount(units - org - ins),
                            organizationFee: self.amount(org), insuranceFee: self.amount(ins))
        return (borrow, after)
    }

    func debtUnits(at instant: Instant) throws(InterestModelError) -> BigInt {
        guard instant >= accruedAt else { throw .beforeStart(start: accruedAt, at: instant) }
        guard !totalPortion.isZero, !positionPortion.isZero else { return principalUnits }
        let share = (totalDebtUnits + additionalInterest(at: instant)) * positionPortion / totalPortion
        return Swift.max(principalUnits, share)
    }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal { amount(try debtUnits(at: instant)) }

    /// Accrues, then pays interest first, then principal (`_repay`); the portion repaid is
    /// `⌊ΣPortion·payment/T⌋` (the whole position when the whole debt is paid).
    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: VaultAccrualLoan) {
        var after = try accrued(at: instant)
        let owed = try after.debtUnits(at: instant)
        let paid = try tokenUnits(payment, decimals: decimals, field: "payment")
        guard paid <= owed else { throw .paymentExceedsDebt(payment: payment, debt: amount(owed)) }
        let interest = owed - principalUnits
        let toInterest = Swift.min(paid, interest)
        let paidPortion = paid == owed ? positionPortion
            : Swift.min(positionPortion, after.totalDebtUnits.isZero ? 0 : after.totalPortion * paid / after.totalDebtUnits)
        after.totalPortion -= paidPortion
        after.positionPortion -= paidPortion
        after.totalDebtUnits = Swift.max(0, after.totalDebtUnits - paid)
        after.principalUnits -= paid - toInterest
        return (PaymentSplit(interest: amount(toInterest), principal: amount(paid - toInterest)), after)
    }
}
