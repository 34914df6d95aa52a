/// One option leg of a strategy: type, strike (index points), signed quantity in contracts
/// (+ long, − short), premium per unit (index points, ≥ 0) and, if known, expiry.
public struct OptionLeg: Sendable, Hashable {
    public var optionType: OptionType
    public var strike: ExactDecimal
    public var quantity: Int
    public var premium: ExactDecimal
    public var expiry: Instant?

    public init(_ optionType: OptionType, strike: ExactDecimal, quantity: Int, premium: ExactDecimal, expiry: Instant? = nil) {
        self.optionType = optionType
        self.strike = strike
        self.quantity = quantity
        self.premium = premium
        self.expiry = expiry
    }

    /// Builds a leg from text fields (a CSV row `option_type,strike,quantity,premium`).
    /// - Throws: ``IronCondorError/invalidField(field:text:reason:)`` naming the bad field.
    public init(optionType: String, strike: String, quantity: String, premium: String) throws(IronCondorError) {
        guard let type = OptionType(rawValue: optionType.lowercased()) else {
            throw .invalidField(field: "option_type", text: optionType, reason: "expected 'call' or 'put'")
        }
        let k: ExactDecimal
        do { k = try ExactDecimal(parsing: strike) } catch { throw .invalidField(field: "strike", text: strike, reason: error.description) }
        guard let q = Int(quantity) else {
            throw .invalidField(field: "quantity", text: quantity, reason: "expected a signed whole number of contracts")
        }
        let p: ExactDecimal
        do { p = try ExactDecimal(parsing: premium) } catch { throw .invalidField(field: "premium", text: premium, reason: error.description) }
        self.init(type, strike: k, quantity: q, premium: p)
    }

    /// Payoff per unit at expiry for settlement value `s`: `max(s − K, 0)` (call), `max(K − s, 0)` (put).
    public func payoff(at s: ExactDecimal) -> ExactDecimal {
        let intrinsic = optionType == .call ? s - strike : strike - s
        return intrinsic > .zero ? intrinsic : .zero
    }
}

/// Why legs do not form an iron condor (or a field is unreadable). Each case names the leg or field.
public enum IronCondorError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidField(field: String, text: String, reason: String)
    case wrongLegCount(Int)
    case wrongLegTypes(puts: Int, calls: Int)
    /// `leg` breaks `field`'s rule (e.g. `strike` must be positive, `premium` ≥ 0, `quantity` ≠ 0).
    case invalidLeg(leg: IronCondor.Role, field: String, reason: String)
    /// Strikes not strictly increasing K1 < K2 < K3 < K4: `leg`'s strike is not above `previous`'s.
    case strikesOutOfOrder(leg: IronCondor.Role, previous: IronCondor.Role)
    case expiryMismatch(leg: IronCondor.Role)
    /// Signs must be (+, −, −, +) for a credit condor or (−, +, +, −) for a debit one, with one size.
    case signPattern(leg: IronCondor.Role, reason: String)
    case invalidMultiplier(Int)

    public var description: String {
        switch self {
        case let .invalidField(field, text, reason): "\(field) '\(text)': \(reason)"
        case let .wrongLegCount(n): "an iron condor has 4 legs, got \(n)"
        case let .wrongLegTypes(puts, calls): "an iron condor has 2 puts and 2 calls, got \(puts) puts and \(calls) calls"
        case let .invalidLeg(leg, field, reason): "\(leg.rawValue) \(field): \(reason)"
        case let .strikesOutOfOrder(leg, previous): "\(leg.rawValue) strike must be above the \(previous.rawValue) strike (need K1 < K2 < K3 < K4)"
        case let .expiryMismatch(leg): "\(leg.rawValue) has a different expiry; all four legs must expire together"
        case let .signPattern(leg, reason): "\(leg.rawValue) quantity: \(reason)"
        case let .invalidMultiplier(m): "multiplier \(m) must be positive"
        }
    }
}
