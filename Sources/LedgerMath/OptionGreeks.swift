/// Value and sensitivities of one option (per unit of underlying, not per contract).
///
/// Units: `price` in index points; `delta` per point; `gamma` per point²; `vega` per 1.00 of
/// volatility (not per 1 %); `thetaPerYear` is spot-fixed dV/dt per year (negative = decay for a
/// long position); `rho` per 1.00 of the rate.
public struct OptionGreeks: Sendable, Equatable {
    public var price: Double
    public var delta: Double
    public var gamma: Double
    public var vega: Double
    public var thetaPerYear: Double
    public var rho: Double

    public init(price: Double, delta: Double, gamma: Double, vega: Double, thetaPerYear: Double, rho: Double) {
        self.price = price
        self.delta = delta
        self.gamma = gamma
        self.vega = vega
        self.thetaPerYear = thetaPerYear
        self.rho = rho
    }

    /// Theta per calendar day: per year / 365 (QuantLib `thetaPerDay`, broker convention).
    public var thetaPerDay: Double { thetaPerYear / 365 }

    /// These greeks scaled by `factor` (e.g. signed contracts × multiplier for a position).
    public func scaled(by factor: Double) -> OptionGreeks {
        OptionGreeks(price: price * factor, delta: delta * factor, gamma: gamma * factor,
                     vega: vega * factor, thetaPerYear: thetaPerYear * factor, rho: rho * factor)
    }

    /// Component-wise sum, for aggregating legs into a position.
    public static func + (lhs: OptionGreeks, rhs: OptionGreeks) -> OptionGreeks {
        OptionGreeks(price: lhs.price + rhs.price, delta: lhs.delta + rhs.delta, gamma: lhs.gamma + rhs.gamma,
                     vega: lhs.vega + rhs.vega, thetaPerYear: lhs.thetaPerYear + rhs.thetaPerYear, rho: lhs.rho + rhs.rho)
    }

    /// All zeros: the identity for `+`.
    public static let zero = OptionGreeks(price: 0, delta: 0, gamma: 0, vega: 0, thetaPerYear: 0, rho: 0)
}
