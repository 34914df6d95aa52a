/// A validated iron condor: put wing K1 < put body K2 < call body K3 < call wing K4, same expiry,
/// same size on every leg. DESIGN §4 "Options"; options fact sheet §4.
///
/// *Credit* (short) condor: long put K1, short put K2, short call K3, long call K4 (quantities
/// `+n, −n, −n, +n`). *Debit* (reverse) condor: the opposite signs. Wings may differ in width.
/// Invalid shapes cannot be constructed. Prices are per unit (index points); money for the whole
/// position is `points × |n| × multiplier` (USD for SPX), signed: a loss is negative.
public struct IronCondor: Sendable, Hashable {
    /// The four positions by strike.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case putWing = "put K1", putBody = "put K2", callBody = "call K3", callWing = "call K4"
    }

    public enum Kind: String, Codable, Sendable, Hashable {
        /// Short body, long wings: receives a net credit.
        case credit
        /// Long body, short wings (reverse condor): pays a net debit.
        case debit
    }

    public let putWing: OptionLeg
    public let putBody: OptionLeg
    public let callBody: OptionLeg
    public let callWing: OptionLeg
    public let multiplier: Int
    public let kind: Kind

    /// Recognises an iron condor in four legs given in any order.
    /// - Throws: ``IronCondorError`` naming the offending leg and field.
    public init(legs: [OptionLeg], multiplier: Int = 100) throws(IronCondorError) {
        guard multiplier > 0 else { throw .invalidMultiplier(multiplier) }
        guard legs.count == 4 else { throw .wrongLegCount(legs.count) }
        let puts = legs.filter { $0.optionType == .put }.sorted { $0.strike < $1.strike }
        let calls = legs.filter { $0.optionType == .call }.sorted { $0.strike < $1.strike }
        guard puts.count == 2, calls.count == 2 else { throw .wrongLegTypes(puts: puts.count, calls: calls.count) }
        let ordered = [puts[0], puts[1], calls[0], calls[1]]
        let roles = Role.allCases
        for (leg, role) in zip(ordered, roles) {
            guard leg.strike > .zero else { throw .invalidLeg(leg: role, field: "strike", reason: "\(leg.strike) must be positive") }
            guard !leg.premium.isNegative else { throw .invalidLeg(leg: role, field: "premium", reason: "\(leg.premium) must not be negative") }
            guard leg.quantity != 0 else { throw .invalidLeg(leg: role, field: "quantity", reason: "must not be 0") }
            guard leg.expiry == ordered[0].expiry else { throw .expiryMismatch(leg: role) }
        }
        for i in 1..<4 where !(ordered[i].strike > ordered[i - 1].strike) {
            throw .strikesOutOfOrder(leg: roles[i], previous: roles[i - 1])
        }
        let kind: Kind = ordered[0].quantity > 0 ? .credit : .debit
        let expectedSigns = kind == .credit ? [1, -1, -1, 1] : [-1, 1, 1, -1]
        let size = abs(ordered[0].quantity)
        for (i, leg) in ordered.enumerated() {
            guard leg.quantity.signum() == expectedSigns[i] else {
                throw .signPattern(leg: roles[i], reason: "must be \(expectedSigns[i] > 0 ? "long (+)" : "short (−)") in a \(kind.rawValue) condor whose put K1 is \(kind == .credit ? "long" : "short")")
            }
            guard abs(leg.quantity) == size else {
                throw .signPattern(leg: roles[i], reason: "size \(abs(leg.quantity)) differs from \(size); all legs must have the same size")
            }
        }
        putWing = ordered[0]
        putBody = ordered[1]
        callBody = ordered[2]
        callWing = ordered[3]
        self.multiplier = multiplier
        self.kind = kind
    }

    /// Convenience: strikes K1…K4, premiums per unit, size `contracts > 0`, and kind.
    public init(strikes k: (ExactDecimal, ExactDecimal, ExactDecimal, ExactDecimal),
                premiums p: (ExactDecimal, ExactDecimal, ExactDecimal, ExactDecimal),
                contracts: Int, kind: Kind = .credit, expiry: Instant? = nil, multiplier: Int = 100) throws(IronCondorError) {
        guard contracts > 0 else { throw .invalidLeg(leg: .putWing, field: "quantity", reason: "contracts must be positive") }
        let s = kind == .credit ? contracts : -contracts
        try self.init(legs: [
            OptionLeg(.put, strike: k.0, quantity: s, premium: p.0, expiry: expiry),
            OptionLeg(.put, strike: k.1, quantity: -s, premium: p.1, expiry: expiry),
            OptionLeg(.call, strike: k.2, quantity: -s, premium: p.2, expiry: expiry),
            OptionLeg(.call, strike: k.3, quantity: s, premium: p.3, expiry: expiry),
        ], multiplier: multiplier)
    }

    /// Legs in strike order K1, K2, K3, K4.
    public var legs: [OptionLeg] { [putWing, putBody, callBody, callWing] }
    /// Number of condors (|quantity| of each leg).
    public var contracts: Int { abs(putWing.quantity) }
    public var expiry: Instant? { putWing.expiry }
    /// `K2 − K1`, points.
    public var putWingWidth: ExactDecimal { putBody.strike - putWing.strike }
    /// `K4 − K3`, points.
    public var callWingWidth: ExactDecimal { callWing.strike - callBody.strike }
}
