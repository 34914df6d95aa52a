import BigInt

/// Blur Blend lien: continuous compounding on the lien amount. Fact sheet §5, F3.
///
/// `debt(t) = A · e^{(r_bps/1e4) · (t − t0)/31,536,000}`, computed as `Helpers.computeCurrentDebt`
/// does on chain, in wad fixed point:
/// `yearsWad = wadDiv((t − t0)·1e18, 365 days·1e18)`,
/// `debt = wadMul(A, wadExp(wadMul(yearsWad, bipsToSignedWads(r))))` — every step truncating as
/// solmate's SignedWadMath does (see ``SolidityFixedPoint/wadExp(_:)``). The result is within a few
/// wei of the real-valued formula for ordinary terms.
///
/// A refinance capitalises the debt into a new lien: `A ← debt(t_refi)`, `t0 ← t_refi`, new rate.
/// Blend repays only the whole debt (no partial repayment, no protocol fee).
public struct ContinuousCompoundingLoan: AccruingDebt, Hashable {
    public let decimals: Int
    /// Lien amount `A` (smallest units): the principal, or the capitalised debt after a refinance.
    public let amountUnits: BigInt
    /// Annual rate in bps (≤ 100,000 = 1000 %, Blend's `_LIQUIDATION_THRESHOLD`).
    public let rateBps: BigInt
    /// `t0`: lien start (or last refinance).
    public let start: Instant
    /// True once repaid; the debt is then 0.
    public private(set) var isRepaid = false

    public init(amount: ExactDecimal, rateBps: BigInt, start: Instant, decimals: Int = 18) throws(InterestModelError) {
        try checkDecimals(decimals)
        guard (0...100_000).contains(rateBps) else { throw .invalidTerm(field: "rateBps", reason: "\(rateBps) is not in 0...100000") }
        self.decimals = decimals
        self.amountUnits = try tokenUnits(amount, decimals: decimals, field: "amount")
        self.rateBps = rateBps
        self.start = start
    }

    func debtUnits(at instant: Instant) throws(InterestModelError) -> BigInt {
        guard instant >= start else { throw .beforeStart(start: start, at: instant) }
        let loanTime = BigInt(start.seconds(to: instant))
        let yearWad = SolidityFixedPoint.secondsPerYear * SolidityFixedPoint.wad
        let yearsWad = SolidityFixedPoint.sdiv(loanTime * SolidityFixedPoint.wad * SolidityFixedPoint.wad, yearWad)
        let exponent = SolidityFixedPoint.wadMul(yearsWad, SolidityFixedPoint.bpsToWad(rateBps))
        guard let growth = SolidityFixedPoint.wadExp(exponent) else {
            throw .protocolOverflow(reason: "wadExp overflow for rate \(rateBps) bps over \(loanTime) s")
        }
        return SolidityFixedPoint.wadMul(amountUnits, growth)
    }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal {
        let units = try debtUnits(at: instant)
        return isRepaid ? .zero : amount(units)
    }

    /// The lien after a refinance at `instant` to `newRateBps`: the debt becomes the new amount.
    public func refinanced(at instant: Instant, newRateBps: BigInt) throws(InterestModelError) -> ContinuousCompoundingLoan {
        try ContinuousCompoundingLoan(amount: try debt(at: instant), rateBps: newRateBps, start: instant, decimals: decimals)
    }

    /// Only the whole debt can be repaid; it splits into `A` (principal) and `debt − A` (interest).
    public func applyingPayment(_ payment: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: ContinuousCompoundingLoan) {
        let owed = try debt(at: instant)
        guard payment == owed else {
            if payment > owed { throw .paymentExceedsDebt(payment: payment, debt: owed) }
            throw .fullRepaymentRequired(payment: payment, debt: owed)
        }
        guard !isRepaid else { return (PaymentSplit(interest: .zero, principal: .zero), self) }
        var after = self
        after.isRepaid = true
        return (PaymentSplit(interest: owed - amount(amountUnits), principal: amount(amountUnits)), after)
    }
}

/// Blend's refinancing-auction rate ceiling (`Helpers.calcRefinancingAuctionRate`). Fact sheet F12.
public enum BlendRefinancingAuction {
    /// The highest rate (bps) at which a lien in auction may be taken over, `blocksSinceStart` blocks
    /// after `startAuction`, for an auction of `auctionDurationBlocks` and a lien at `oldRateBps`.
    ///
    /// `maxRate = 0.05 − old²/1.5 + 2·old` (fractions; `0.05 + 1.5` once `old ≥ 1.5`); the ceiling rises
    /// linearly 0 → maxRate over `[0, T1)`, `T1 = ⌊dur/5⌋`, by a further ≈ +90 % over `[T1, T2)`,
    /// `T2 = ⌊4·dur/5⌋`, then linearly to 100,000 bps (1000 %) at `dur`, and stays there (the lien
    /// is then defaulted). All in wad integers with the contract's truncations.
    public static func rateCeilingBps(blocksSinceStart: Int64, auctionDurationBlocks: Int64, oldRateBps: BigInt) throws(InterestModelError) -> BigInt {
        guard auctionDurationBlocks >= 5 else { throw .invalidTerm(field: "auctionDurationBlocks", reason: "must be at least 5") }
        guard blocksSinceStart >= 0 else { throw .invalidTerm(field: "blocksSinceStart", reason: "negative") }
        typealias F = SolidityFixedPoint
        let current = BigInt(blocksSinceStart)
        let duration = BigInt(auctionDurationBlocks)
        let oldWads = F.bpsToWad(oldRateBps)
        let t1 = duration / 5
        let t2 = 4 * duration / 5
        let aInverse = -F.bpsToWad(15_000)
        let b = BigInt(2)
        let floorRate = F.bpsToWad(500)
        let maxRate: BigInt = oldWads < -(F.sdiv(b * aInverse, 2))
            ? floorRate + F.sdiv(oldWads * oldWads, aInverse) + b * oldWads
            : floorRate - F.sdiv(b * b * aInverse, 4)
        let startSlope = F.sdiv(maxRate, t1)
        let middleSlope = F.sdiv(F.bpsToWad(9_000), 3 * duration / 5) + 1
        let middleB = maxRate - t1 * middleSlope
        let cap = F.bpsToWad(100_000)
        if current < t1 { return F.wadToBps(startSlope * current) }
        if current < t2 { return F.wadToBps(middleSlope * current + middleB) }
        if current < duration {
            let endSlope = F.sdiv(cap - (t2 * middleSlope + middleB), duration - t2)
            let endB = cap - duration * endSlope
            return F.wadToBps(endSlope * current + endB)
        }
        return 100_000
    }
}
