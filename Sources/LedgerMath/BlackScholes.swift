import Foundation

/// Black–Scholes–Merton valuation of European options with a continuous dividend yield.
///
/// For spot `S`, strike `K`, volatility `σ`, risk-free rate `r`, dividend yield `q` (both
/// continuously compounded, per year) and time to expiry `T` in years (Actual/365 Fixed):
///
/// ```
/// d1 = [ln(S/K) + (r − q + σ²/2)·T] / (σ√T),   d2 = d1 − σ√T
/// call = S·e^(−qT)·N(d1) − K·e^(−rT)·N(d2)
/// put  = K·e^(−rT)·N(−d2) − S·e^(−qT)·N(−d1)
/// ```
///
/// This is the same model as Black-76 on the forward `F = S·e^((r−q)T)`; see
/// ``greeks(_:forward:strike:volatility:rate:timeToExpiry:)`` for the forward form.
/// Greeks are returned as ``OptionGreeks`` in the units documented there: delta per point,
/// gamma per point², vega per 1.00 of volatility, theta per year (spot-fixed dV/dt, negative =
/// decay for a long position; per calendar day = per year / 365), rho per 1.00 of the rate.
///
/// Numerical notes:
/// - `N(x) = ½·erfc(−x/√2)`: `erfc` keeps full *relative* accuracy in the far tails, where
///   `½·(1 + erf(x/√2))` would return 0 or lose most digits, so deep ITM/OTM greeks stay accurate.
/// - A deep out-of-the-money price is a difference of two tiny, nearly equal terms; it keeps its
///   absolute accuracy (≈ 1e-16 × spot) but can lose relative digits. Prices are clamped at 0.
/// - The discount factors `e^(−rT)`, `e^(−qT)` overflow when `|r·T|` or `|q·T|` exceeds ≈ 700;
///   such inputs are outside any market and are not rejected.
///
/// References: Hull, *Options, Futures, and Other Derivatives*, ch. 17–19; QuantLib
/// `ql/pricingengines/blackcalculator.cpp`; vollib `black_scholes_merton/greeks/analytical.py`.
public enum BlackScholes {}

extension BlackScholes {
    /// Price and greeks of one European option under Black–Scholes–Merton.
    ///
    /// - Parameters:
    ///   - type: call or put.
    ///   - spot: underlying level `S` (> 0), in index points.
    ///   - strike: `K` (> 0), in the same points.
    ///   - volatility: `σ` (≥ 0) per √year, as a fraction (0.20 = 20 %).
    ///   - rate: `r`, continuously compounded per year (any sign).
    ///   - dividendYield: `q`, continuously compounded per year (any sign; `q > r` is allowed).
    ///   - timeToExpiry: `T` (≥ 0) in years, Act/365F.
    /// - Returns: the greeks in ``OptionGreeks`` units. Theta is
    ///   `Θ_call = −S·e^(−qT)·φ(d1)·σ/(2√T) − r·K·e^(−rT)·N(d2) + q·S·e^(−qT)·N(d1)` and
    ///   `Θ_put  = −S·e^(−qT)·φ(d1)·σ/(2√T) + r·K·e^(−rT)·N(−d2) − q·S·e^(−qT)·N(−d1)` per year.
    ///
    /// Limits:
    /// - `T = 0` (at expiry): price = intrinsic `max(±(S − K), 0)`, no time value; delta is
    ///   ±1 in the money, 0 out of the money, ±½ exactly at the money (the one-sided limit of
    ///   `N(d1)`); gamma, vega, theta and rho are 0 — nothing is left to decay or to discount,
    ///   although the ATM limits of gamma and theta as `T → 0` are infinite.
    /// - `σ = 0`, `T > 0`: the deterministic limit: price = `max(±(S·e^(−qT) − K·e^(−rT)), 0)`,
    ///   `N(d1) = N(d2) = 1[F > K]` (½ when `F = K`), gamma 0, vega 0 unless `F = K` exactly.
    /// - Throws: ``InputError`` naming the first field that is NaN, infinite or out of domain.
    @inlinable
    public static func greeks(_ type: OptionType, spot: Double, strike: Double, volatility: Double,
                              rate: Double, dividendYield: Double = 0,
                              timeToExpiry: Double) throws(InputError) -> OptionGreeks {
        try validate(spot: spot, strike: strike, volatility: volatility, rate: rate,
                     dividendYield: dividendYield, timeToExpiry: timeToExpiry)
        return uncheckedGreeks(type, spot: spot, strike: strike, volatility: volatility,
                               rate: rate, dividendYield: dividendYield, timeToExpiry: timeToExpiry)
    }

    /// Price and greeks with the time to expiry measured from `valuation` to `expiry` on
    /// Actual/365 Fixed (elapsed seconds / 31,536,000). Throws ``InputError`` (field
    /// `timeToExpiry`) when the expiry is before the valuation instant.
    @inlinable
    public static func greeks(_ type: OptionType, spot: Double, strike: Double, volatility: Double,
                              rate: Double, dividendYield: Double = 0,
                              valuation: Instant, expiry: Instant) throws(InputError) -> OptionGreeks {
        let t = try timeToExpiry(from: valuation, to: expiry)
        return try greeks(type, spot: spot, strike: strike, volatility: volatility, rate: rate,
                          dividendYield: dividendYield, timeToExpiry: t)
    }

    /// The option value alone (see ``greeks(_:spot:strike:volatility:rate:dividendYield:timeToExpiry:)``).
    @inlinable
    public static func price(_ type: OptionType, spot: Double, strike: Double, volatility: Double,
                             rate: Double, dividendYield: Double = 0,
                             timeToExpiry: Double) throws(InputError) -> Double {
        try greeks(type, spot: spot, strike: strike, volatility: volatility, rate: rate,
                   dividendYield: dividendYield, timeToExpiry: timeToExpiry).price
    }

    /// Spot-fixed theta per year alone (negative = decay for a long position); divide by 365 for
    /// per calendar day. Costs the same transcendental functions as the full greeks, which the
    /// optimizer drops when only theta is used.
    @inlinable
    public static func thetaPerYear(_ type: OptionType, spot: Double, strike: Double, volatility: Double,
                                    rate: Double, dividendYield: Double = 0,
                                    timeToExpiry: Double) throws(InputError) -> Double {
        try greeks(type, spot: spot, strike: strike, volatility: volatility, rate: rate,
                   dividendYield: dividendYield, timeToExpiry: timeToExpiry).thetaPerYear
    }
}

// MARK: - The formulas, on validated inputs

extension BlackScholes {
    /// The closed-form greeks on inputs already validated (no checks, no allocation).
    @inlinable @inline(__always)
    static func uncheckedGreeks(_ type: OptionType, spot s: Double, strike k: Double, volatility sigma: Double,
                                rate r: Double, dividendYield q: Double, timeToExpiry t: Double) -> OptionGreeks {
        if t == 0 { return atExpiry(type, spot: s, strike: k) }
        let sqrtT = t.squareRoot()
        let stdDev = sigma * sqrtT
        let dividendDiscount = exp(-q * t)       // e^(−qT)
        let discountedSpot = s * dividendDiscount
        let discountedStrike = k * exp(-r * t)   // K·e^(−rT)
        let d1: Double
        let d2: Double
        if stdDev > 0 {
            d1 = (log(s / k) + (r - q) * t) / stdDev + 0.5 * stdDev
            d2 = d1 - stdDev
        } else {
            // σ = 0: d1 = d2 = ±∞ by the sign of ln(F/K), so N(·) becomes the indicator 1[F > K]
            // and φ(d1) = 0; exactly at the forward the limit is d1 = d2 = 0.
            let m = log(s / k) + (r - q) * t
            d1 = m > 0 ? .infinity : (m < 0 ? -.infinity : 0)
            d2 = d1
        }
        let pdf = normalPDF(d1)
        let vega = discountedSpot * pdf * sqrtT
        // Γ = e^(−qT)·φ(d1)/(S·σ√T); at σ = 0 it is a Dirac mass at F = K or 0, reported as 0.
        let gamma = stdDev > 0 ? dividendDiscount * pdf / (s * stdDev) : 0
        // The volatility part of theta, −S·e^(−qT)·φ(d1)·σ/(2√T), common to calls and puts.
        let volDecay = -discountedSpot * pdf * sigma / (2 * sqrtT)
        switch type {
        case .call:
            let n1 = normalCDF(d1), n2 = normalCDF(d2)
            let price = discountedSpot * n1 - discountedStrike * n2
            return OptionGreeks(price: max(price, 0), delta: dividendDiscount * n1, gamma: gamma, vega: vega,
                                thetaPerYear: volDecay - r * discountedStrike * n2 + q * discountedSpot * n1,
                                rho: t * discountedStrike * n2)
        case .put:
            let n1 = normalCDF(-d1), n2 = normalCDF(-d2)
            let price = discountedStrike * n2 - discountedSpot * n1
            return OptionGreeks(price: max(price, 0), delta: -dividendDiscount * n1, gamma: gamma, vega: vega,
                                thetaPerYear: volDecay + r * discountedStrike * n2 - q * discountedSpot * n1,
                                rho: -t * discountedStrike * n2)
        }
    }

    /// Greeks at `T = 0`: intrinsic value, a step delta (±½ at the money), all else 0.
    @inlinable
    static func atExpiry(_ type: OptionType, spot s: Double, strike k: Double) -> OptionGreeks {
        let sign: Double = type == .call ? 1 : -1
        let moneyness = sign * (s - k)
        let delta = moneyness > 0 ? sign : (moneyness < 0 ? 0 : 0.5 * sign)
        return OptionGreeks(price: max(moneyness, 0), delta: delta, gamma: 0, vega: 0, thetaPerYear: 0, rho: 0)
    }

    /// Standard normal CDF `N(x) = ½·erfc(−x/√2)`, accurate to a few ulps *relative* in both
    /// tails (`N(−37) ≈ 5.7e-300` is still correct); `N(±∞) = 1, 0`.
    @inlinable @inline(__always)
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x * 0.707_106_781_186_547_524_400_844_362_104_849_039)
    }

    /// Standard normal density `φ(x) = e^(−x²/2)/√(2π)`; `φ(±∞) = 0`.
    @inlinable @inline(__always)
    public static func normalPDF(_ x: Double) -> Double {
        0.398_942_280_401_432_677_939_946_059_934_381_868 * exp(-0.5 * x * x)
    }
}
