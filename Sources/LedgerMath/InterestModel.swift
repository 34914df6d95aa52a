/// Any one of the interest models, so a loan can hold its terms without knowing the protocol.
/// DESIGN §4 "Interest models"; fact sheet §9.
public enum InterestModel: AccruingDebt, Hashable {
    /// NFTfi fixed, Arcade V3.
    case fixedRepayment(FixedRepaymentLoan)
    /// Arcade V4, Gondi, plain simple interest.
    case simple(SimpleInterestLoan)
    /// NFTfi pro-rata (rate truncated to whole bps).
    case nftfiProRata(NFTfiProRataLoan)
    /// Blend.
    case continuous(ContinuousCompoundingLoan)
    /// BendDAO, ParaSpace.
    case indexed(IndexedDebtLoan)
    /// JPEG'd.
    case vault(VaultAccrualLoan)

    var model: any AccruingDebt {
        switch self {
        case let .fixedRepayment(m): m
        case let .simple(m): m
        case let .nftfiProRata(m): m
        case let .continuous(m): m
        case let .indexed(m): m
        case let .vault(m): m
        }
    }

    public var decimals: Int { model.decimals }

    public func debt(at instant: Instant) throws(InterestModelError) -> ExactDecimal { try model.debt(at: instant) }

    public func applyingPayment(_ amount: ExactDecimal, at instant: Instant) throws(InterestModelError) -> (split: PaymentSplit, after: InterestModel) {
        switch self {
        case let .fixedRepayment(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .fixedRepayment(r.after))
        case let .simple(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .simple(r.after))
        case let .nftfiProRata(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .nftfiProRata(r.after))
        case let .continuous(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .continuous(r.after))
        case let .indexed(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .indexed(r.after))
        case let .vault(m): let r = try m.applyingPayment(amount, at: instant); return (r.split, .vault(r.after))
        }
    }
}
