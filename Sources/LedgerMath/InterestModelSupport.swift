import BigInt

/// Interest (first) and principal (second) parts of one payment, in the loan's token.
///
/// Every model applies a payment to accrued interest before principal, as the contracts do
/// (Arcade V4 `RepaymentController`, JPEG'd `_repay`); for models whose contracts keep no principal
/// (Aave-style indexes) the split is the ledger's own accounting and is documented there.
public struct PaymentSplit: Sendable, Hashable {
    public var interest: ExactDecimal
    public var principal: ExactDecimal
    public init(interest: ExactDecimal, principal: ExactDecimal) {
        self.interest = interest
        self.principal = principal
    }
    /// `interest + principal`.
    public var total: ExactDecimal { interest + principal }
}

/// Why an interest model cannot answer or cannot take a payment.
public enum InterestModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The instant is before the loan's start or the last observed state; the model cannot run backwards.
    case beforeStart(start: Instant, at: Instant)
    /// A payment larger than the whole debt at that instant.
    case paymentExceedsDebt(payment: ExactDecimal, debt: ExactDecimal)
    /// The protocol accepts only repayment of the whole debt here (NFTfi, Blend, Arcade after maturity).
    case fullRepaymentRequired(payment: ExactDecimal, debt: ExactDecimal)
    /// A term that is out of its domain: `field` names it, `reason` says why.
    case invalidTerm(field: String, reason: String)
    /// The contract would revert here (e.g. `wadExp` overflow at absurd rates × times).
    case protocolOverflow(reason: String)

    public var description: String {
        switch self {
        case let .beforeStart(start, at): "instant \(at) is before the loan's start or last observation \(start)"
        case let .paymentExceedsDebt(payment, debt): "payment \(payment) exceeds the debt \(debt)"
        case let .fullRepaymentRequired(payment, debt): "payment \(payment) must repay the whole debt \(debt)"
        case let .invalidTerm(field, reason): "invalid \(field): \(reason)"
        case let .protocolOverflow(reason): "the contract would revert: \(reason)"
        }
    }
}

/// What every interest model answers: the debt at an instant, and how a payment splits.
public protocol AccruingDebt: Sendable {
    /// Decimals of the loan token (18 for WETH/ETH, 6 for USDC/USDT): amounts are whole multiples of `10^-decimals`.
    var decimals: Int { get }
    /// Total owed (principal + interest) at `instant`, in the loan token, exact to the smallest unit.
    func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal
    /// Applies a payment made at `instant`: its split, and the model's state afterwards.
    func applyingPayment(_ amount: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: Self)
}

extension AccruingDebt {
    /// Smallest units of the loan token as an amount.
    func amount(_ units: BigInt) -> ExactDecimal { ExactDecimal(units: units, decimals: decimals) }
}

/// Converts a token amount to smallest units, naming the field if it is not a whole, non-negative number of units.
func tokenUnits(_ value: ExactDecimal, decimals: Int, field: String) throws(InterestModelError) -> BigInt {
    guard !value.isNegative else { throw .invalidTerm(field: field, reason: "\(value) is negative") }
    do {
        return try value.units(decimals: decimals)
    } catch {
        throw .invalidTerm(field: field, reason: "\(value) has more than \(decimals) decimals")
    }
}

func checkDecimals(_ decimals: Int) throws(InterestModelError) {
    guard (0...36).contains(decimals) else { throw .invalidTerm(field: "decimals", reason: "\(decimals) is not in 0...36") }
}
