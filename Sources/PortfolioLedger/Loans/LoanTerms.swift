import LedgerMath

/// A loan's interest terms under one of the interest models of DESIGN §4, as stored in the
/// `loan.terms` JSON column. Rates are kept in the protocol's own unit (bps or ray).
public enum LoanTerms: Sendable, Hashable {
    /// Repay `repayment` whenever repaid (NFTfi fixed, Arcade v3); interest = repayment − principal.
    case fixedRepayment(repayment: ExactDecimal)
    /// Arcade v3's full-term rate: interest `⌊P · rateBps / 1e4⌋` in the token's smallest unit, fixed
    /// whenever repaid. `rateBps` is the whole term's rate in bps with up to 18 decimals (the
    /// contract's `proratedInterestRate` is `rateBps · 1e18`), not an APR.
    case fullTermRate(rateBps: ExactDecimal)
    /// Simple interest `B·r·Δt/31,536,000` with `rateBps` APR; rounding down (Arcade) or up (Gondi);
    /// `capAtMaturity`: accrual stops at maturity.
    case simpleProRata(rateBps: Int, roundsUp: Bool, capAtMaturity: Bool)
    /// NFTfi pro-rata: interest pro rata up to `maximumRepayment`, with the rate truncated to whole
    /// bps of principal.
    case nftfiProRata(maximumRepayment: ExactDecimal)
    /// Continuous compounding `A·exp(r·Δt/31,536,000)` (Blend), `rateBps` APR.
    case continuous(rateBps: Int)
    /// Aave-style index (BendDAO, ParaSpace): the borrow rate in ray (1e27 = 100 %/year) and the
    /// reserve's borrow index in ray at the loan's start.
    case aaveIndex(rateRay: String, indexRayAtStart: String)
    /// JPEG'd vault accrual: APR as a fraction numerator/denominator.
    case vaultAccrual(aprNumerator: Int, aprDenominator: Int)

    /// The interest model of these terms (the `loan.interest_model` value).
    public var model: InterestModelKind {
        switch self {
        case .fixedRepayment: .fixedRepayment
        case .fullTermRate: .fullTermRate
        case .simpleProRata: .simpleProRata
        case .nftfiProRata: .nftfiProRata
        case .continuous: .continuous
        case .aaveIndex: .aaveIndex
        case .vaultAccrual: .vaultAccrual
        }
    }

    /// The largest full-term rate accepted, as for APRs: 10,000,000 bps (100,000 %).
    static let maximumFullTermRateBps = ExactDecimal(10_000_000)

    /// The `loan.interest_model` value for these terms (until schema 9 NFTfi pro-rata terms were
    /// stored as `simple_pro_rata`; migration 0009 relabelled them).
    public var modelName: String { model.rawValue }

    /// Checks the terms against the loan's principal and maturity; names the field on failure as
    /// the journal and the `terms` column spell it (`terms.rate_bps`; `key` is `new_terms` for a
    /// renegotiation).
    func validate(principal: ExactDecimal, maturity: Instant?, key: String = "terms") throws(LedgerError) {
        switch self {
        case .fixedRepayment(let repayment):
            guard maturity != nil else { throw .invalidValue(field: "maturity_at", reason: "a fixed-repayment loan needs a maturity") }
            guard repayment >= principal else {
                throw .invalidValue(field: "\(key).repayment", reason: "\(repayment) is less than the principal \(principal)")
            }
        case .fullTermRate(let bps):
            guard maturity != nil else { throw .invalidValue(field: "maturity_at", reason: "a full-term-rate loan needs a maturity") }
            guard !bps.isNegative, bps <= Self.maximumFullTermRateBps, bps.scale <= 18 else {
                throw .invalidValue(field: "\(key).rate_bps", reason: "\(bps) is not a rate in bps of 0…10,000,000 with at most 18 decimals")
            }
        case .simpleProRata(let bps, _, let cap):
            guard (0...10_000_000).contains(bps) else { throw .invalidValue(field: "\(key).rate_bps", reason: "\(bps) is out of range 0…10,000,000") }
            if cap && maturity == nil { throw .invalidValue(field: "maturity_at", reason: "\(key).cap_at_maturity needs a maturity") }
        case .nftfiProRata(let maximum):
            guard maturity != nil else { throw .invalidValue(field: "maturity_at", reason: "an NFTfi pro-rata loan needs a maturity") }
            guard maximum >= principal else {
                throw .invalidValue(field: "\(key).maximum_repayment", reason: "\(maximum) is less than the principal \(principal)")
            }
        case .continuous(let bps):
            guard (0...10_000_000).contains(bps) else { throw .invalidValue(field: "\(key).rate_bps", reason: "\(bps) is out of range 0…10,000,000") }
        case .aaveIndex(let rate, let index):
            for (field, text) in [("\(key).rate_ray", rate), ("\(key).index_ray_at_start", index)] {
                guard !text.isEmpty, text.count <= 78, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw .invalidValue(field: field, reason: "'\(text)' is not a non-negative integer in ray (1e27)")
                }
            }
            guard index != "0", index.count >= 27 else {
                throw .invalidValue(field: "\(key).index_ray_at_start", reason: "an index is at least 1 ray (10^27)")
            }
        case .vaultAccrual(let numerator, let denominator):
            guard denominator > 0, numerator >= 0 else {
                throw .invalidValue(field: "\(key).apr_numerator", reason: "\(numerator)/\(denominator) is not a non-negative fraction")
            }
        }
    }
}

/// An interest model by name: the `loan.interest_model` value, a row of the `interest_model`
/// reference table, and the `model` key of a terms object (`terms`, `new_terms`). Adding one is
/// the recipe "add an interest model" of docs/architecture.md.
public enum InterestModelKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case fixedRepayment = "fixed_repayment"
    case fullTermRate = "full_term_rate"
    case simpleProRata = "simple_pro_rata"
    case nftfiProRata = "nftfi_pro_rata"
    case continuous
    case aaveIndex = "aave_index"
    case vaultAccrual = "vault_accrual"

    public var description: String { rawValue }
}

extension InterestModelKind: StoredEnum { static var storedName: String { "interest model" } }
