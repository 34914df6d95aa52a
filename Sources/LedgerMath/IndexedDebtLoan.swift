import BigInt

/// A reserve's variable-borrow index as last observed (a `ReserveDataUpdated` event, or a
/// `borrowIndex` in a loan event): index `I(t_k)` (ray), rate `r_k` (ray per year) and `t_k`.
public struct ReserveBorrowIndex: Sendable, Hashable {
    /// Variable borrow index, ray (1e27 = 1.0).
    public let indexRay: BigInt
    /// Variable borrow rate in force from `updatedAt`, ray per year (0.2e27 = 20 %).
    public let rateRay: BigInt
    public let updatedAt: Instant

    public init(indexRay: BigInt, rateRay: BigInt, updatedAt: Instant) throws(InterestModelError) {
        guard indexRay > 0 else { throw .invalidTerm(field: "indexRay", reason: "must be positive") }
        guard rateRay >= 0 else { throw .invalidTerm(field: "rateRay", reason: "negative") }
        self.indexRay = indexRay
        self.rateRay = rateRay
        self.updatedAt = updatedAt
    }

    /// A fresh reserve: index 1.0 at `instant`.
    public static func initial(rateRay: BigInt, at instant: Instant) -> ReserveBorrowIndex {
        ReserveBorrowIndex(unchecked: SolidityFixedPoint.ray, Swift.max(0, rateRay), instant)
    }

    private init(unchecked index: BigInt, _ rate: BigInt, _ at: Instant) {
        indexRay = index
        rateRay = rate
        updatedAt = at
    }

    /// `getNormalizedDebt` at `instant`: `rayMul(compound(r_k, t − t_k), I(t_k))`.
    public func normalizedDebt(at instant: Instant) throws(InterestModelError) -> BigInt {
        guard instant >= updatedAt else { throw .beforeStart(start: updatedAt, at: instant) }
        let growth = SolidityFixedPoint.compoundedInterest(rateRay: rateRay, seconds: updatedAt.seconds(to: instant))
        return SolidityFixedPoint.rayMul(growth, indexRay)
    }

    /// The reserve after an interaction at `instant` that sets a new rate (`ReserveLogic.updateState`
    /// then `updateInterestRates`): the index is advanced with the old rate, then the rate changes.
    public func advanced(to instant: Instant, newRateRay: BigInt) throws(InterestModelError) -> ReserveBorrowIndex {
        try ReserveBorrowIndex(indexRay: try normalizedDebt(at: instant), rateRay: newRateRay, updatedAt: instant)
    }

    /// The reserve after an interaction at `instant` whose new rate is not known: `updateState`
    /// stores the index compounded to `instant`, and compounding restarts from there at the same rate.
    /// Re-anchoring matters to the wei: the 3-term approximation and each `rayMul` truncate, so
    /// `compound(t₁ − t₀) ⊗ compound(t₂ − t₁)` is not `compound(t₂ − t₀)`.
    public func anchored(at instant: Instant) throws(InterestModelError) -> ReserveBorrowIndex {
        try advanced(to: instant, newRateRay: rateRay)
    }
}

/// A loan in an Aave-style pool (BendDAO v1, ParaSpace): the debt is `scaled ⊗ I(t)`. Fact sheet §3, §7, F4.
///
/// The loan stores `scaledAmount = amount ⊘ I(t_borrow)` (half-up `rayDiv`); its debt at `t` is
/// `scaledAmount ⊗ I(t)` (half-up `rayMul`), where `I(t)` is advanced from the last observed index
/// with the 3-term per-second compounding approximation and the rate then in force
/// (``SolidityFixedPoint/compoundedInterest(rateRay:seconds:)``). Amounts are in smallest units,
/// as on chain. Feed every later index observation through ``observing(_:)`` for exact replay; without
/// index history the debt is only as good as the rate path assumed.
///
/// Every borrow and repay of the borrower runs the reserve's `updateState()` on chain, so each
/// re-anchors the index here too (``ReserveBorrowIndex/anchored(at:)``): the amount is scaled by the
/// index at that instant, and later compounding starts from it.
///
/// The contracts keep no principal; this model also tracks the principal borrowed minus principal
/// repaid so that a payment can be split: interest first (the debt above outstanding principal), then principal.
public struct IndexedDebtLoan: AccruingDebt, Hashable {
    public let decimals: Int
    /// Scaled (index-free) amount, smallest units.
    public private(set) var scaledUnits: BigInt
    /// Principal borrowed and not yet repaid, smallest units.
    public private(set) var principalUnits: BigInt
    /// The latest reserve index observation.
    public private(set) var reserve: ReserveBorrowIndex

    /// A borrow of `amount` at `instant` against `reserve` (observed at or before `instant`).
    public init(borrowing amount: ExactDecimal, at instant: Instant, reserve: ReserveBorrowIndex,
                decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        let units = try tokenUnits(amount, decimals: decimals, field: "amount")
        let anchored = try reserve.anchored(at: instant)
        self.decimals = decimals
        self.scaledUnits = SolidityFixedPoint.rayDiv(units, anchored.indexRay) ?? 0
        self.principalUnits = units
        self.reserve = anchored
    }

    /// Adds a borrow (BendDAO `updateLoan` with `amountAdded`): the reserve is re-anchored at
    /// `instant`, then `scaled += amount ⊘ I(t)`.
    public func borrowingMore(_ amount: ExactDecimal, at instant: Instant) throws(InterestModelError) -> IndexedDebtLoan {
        let units = try tokenUnits(amount, decimals: decimals, field: "amount")
        var after = try reanchored(at: instant)
        after.scaledUnits += SolidityFixedPoint.rayDiv(units, after.reserve.indexRay) ?? 0
        after.principalUnits += units
        return after
    }

    /// The loan after an interaction with its reserve at `instant` that did not change this loan
    /// (another loan's borrow or repay on the same reserve): the index is re-anchored there.
    public func reanchored(at instant: Instant) throws(InterestModelError) -> IndexedDebtLoan {
        var after = self
        after.reserve = try reserve.anchored(at: instant)
        return after
    }

    /// Replaces the reserve state with a later observation (index, rate, time from a reserve event).
    public func observing(_ newer: ReserveBorrowIndex) throws(InterestModelError) -> IndexedDebtLoan {
        guard newer.updatedAt >= reserve.updatedAt else { throw .beforeStart(start: reserve.updatedAt, at: newer.updatedAt) }
        var after = self
        after.reserve = newer
        return after
    }

    func debtUnits(at instant: Instant) throws(InterestModelError) -> BigInt {
        SolidityFixedPoint.rayMul(scaledUnits, try reserve.normalizedDebt(at: instant))
    }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal { amount(try debtUnits(at: instant)) }

    /// A repay (BendDAO `updateLoan` with `amountTaken`, or `repayLoan` for the whole debt): the
    /// reserve is re-anchored at `instant`, then `scaled −= payment ⊘ I(t)` (all of it when the
    /// whole debt is paid). The split pays the interest (debt above outstanding principal) first.
    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: IndexedDebtLoan) {
        var after = try reanchored(at: instant)
        let index = after.reserve.indexRay
        let owedUnits = SolidityFixedPoint.rayMul(scaledUnits, index)
        let paid = try tokenUnits(payment, decimals: decimals, field: "payment")
        guard paid <= owedUnits else { throw .paymentExceedsDebt(payment: payment, debt: amount(owedUnits)) }
        let interestOutstanding = Swift.max(0, owedUnits - principalUnits)
        let toInterest = Swift.min(paid, interestOutstanding)
        if paid == owedUnits {
            after.scaledUnits = 0
            after.principalUnits = 0
        } else {
            // Never below 0: for I ≥ 1 ray, paid < scaled ⊗ I implies paid ⊘ I ≤ scaled.
            after.scaledUnits = Swift.max(0, scaledUnits - (SolidityFixedPoint.rayDiv(paid, index) ?? 0))
            after.principalUnits = Swift.max(0, principalUnits - (paid - toInterest))
        }
        return (PaymentSplit(interest: amount(toInterest), principal: amount(paid - toInterest)), after)
    }
}
