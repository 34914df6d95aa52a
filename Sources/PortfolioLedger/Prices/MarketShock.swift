import LedgerMath

/// One change applied to a market level in a stress scenario.
public enum Shock: Sendable, Hashable, CustomStringConvertible {
    /// No change.
    case none
    /// Multiply by `1 + fraction` (−0.30 = a 30 % drop).
    case relative(Double)
    /// Add this many units (index points, vol points as a fraction: +0.10 = +10 vol points).
    case absolute(Double)
    /// Replace the level by this value.
    case setTo(Double)

    /// The shocked level.
    public func apply(to level: Double) -> Double {
        switch self {
        case .none: level
        case .relative(let f): level * (1 + f)
        case .absolute(let d): level + d
        case .setTo(let v): v
        }
    }

    public var description: String {
        switch self {
        case .none: "unchanged"
        case .relative(let f): String(format: "%+.2f %%", f * 100)
        case .absolute(let d): String(format: "%+g", d)
        case .setTo(let v): "set to \(v)"
        }
    }
}

/// Shocks to NFT prices (floor, oracle and appraisal alike), ETH/USD, the SPX level and implied vol,
/// alone or together. `ethUSD` applies to every ETH↔USD conversion (inverted for USD→ETH).
public struct MarketShock: Sendable, Hashable {
    public var floor: Shock
    public var ethUSD: Shock
    public var spx: Shock
    public var impliedVol: Shock

    public init(floor: Shock = .none, ethUSD: Shock = .none, spx: Shock = .none, impliedVol: Shock = .none) {
        self.floor = floor
        self.ethUSD = ethUSD
        self.spx = spx
        self.impliedVol = impliedVol
    }

    public static let none = MarketShock()

    /// FX with the ETH/USD shock applied to the ETH→USD leg; a stablecoin's own USD leg (its series
    /// or the flagged peg) is not shocked.
    func convert(_ snapshot: LedgerSnapshot, from: Currency, to: Currency, at: Instant, policy: PricingPolicy) throws -> Conversion {
        guard ethUSD != .none else { return try snapshot.fxRate(from: from, to: to, at: at, policy: policy) }
        if TokenDecimals.isEtherLike(from) && TokenDecimals.isDollarLike(to) {
            var leg = try snapshot.fxRate(from: from, to: .usd, at: at, policy: policy)
            if !leg.prices.isEmpty { leg.rate = ethUSD.apply(to: leg.rate) }
            return leg.then(try snapshot.fxRate(from: .usd, to: to, at: at, policy: policy))
        } else if TokenDecimals.isDollarLike(from) && TokenDecimals.isEtherLike(to) {
            var leg = try snapshot.fxRate(from: .usd, to: to, at: at, policy: policy)
            if !leg.prices.isEmpty { leg.rate = 1 / ethUSD.apply(to: 1 / leg.rate) }
            return try snapshot.fxRate(from: from, to: .usd, at: at, policy: policy).then(leg)
        }
        return try snapshot.fxRate(from: from, to: to, at: at, policy: policy)
    }
}
