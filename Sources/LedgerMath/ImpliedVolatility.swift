import Foundation

extension BlackScholes {
    /// Why no implied volatility exists for a price.
    public enum ImpliedVolatilityError: Error, Sendable, Equatable, CustomStringConvertible {
        /// An input is NaN, infinite or out of domain (the price must be finite and ≥ 0).
        case invalidInput(InputError)
        /// The price is below the European no-arbitrage floor `e^(−rT)·max(±(F − K), 0)` (the
        /// discounted *forward* intrinsic value; a deep-ITM European put may legitimately trade
        /// below spot intrinsic `K − S`, but not below this).
        case belowLowerBound(price: Double, lowerBound: Double)
        /// The price reaches the value at infinite volatility: `S·e^(−qT)` for a call,
        /// `K·e^(−rT)` for a put.
        case aboveUpperBound(price: Double, upperBound: Double)
        /// The price carries no time value (it equals the lower bound to rounding), or the option
        /// is at expiry: every volatility, or only σ = 0, reproduces it, so none is reported.
        case noTimeValue

        public var description: String {
            switch self {
            case .invalidInput(let e): return e.description
            case .belowLowerBound(let p, let b): return "price \(p) is below the no-arbitrage lower bound \(b)"
            case .aboveUpperBound(let p, let b): return "price \(p) is at or above the no-arbitrage upper bound \(b)"
            case .noTimeValue: return "the price has no time value, so it implies no volatility"
            }
        }
    }

    /// The Black–Scholes–Merton volatility `σ` that reproduces `price`.
    ///
    /// The price is first reduced to the out-of-the-money option with the same strike by put–call
    /// parity (its value is the time value, `V/D − max(±(F − K), 0)`), then normalised by `√(F·K)`.
    /// With `x = −|ln(F/K)|` and `s = σ√T` the normalised OTM value is
    /// `b(s) = e^(x/2)·N(x/s + s/2) − e^(−x/2)·N(x/s − s/2)`, strictly increasing from 0 to
    /// `e^(x/2)`. The root of `ln b(s) = ln β` is found by Newton's method (`ln b` is concave in `s`,
    /// so steps from the left never overshoot), safeguarded by a bracket that every evaluation
    /// narrows and by bisection whenever a step leaves it; it therefore always converges, in a
    /// handful of iterations, for any moneyness from deep ITM to deep OTM.
    ///
    /// Accuracy: σ is found to about 1e-15 relative *for the price given*. The price itself carries
    /// information only down to its rounding: deep ITM, the time value is `V − intrinsic`, so a
    /// price accurate to 1e-16 relative gives a time value, and hence σ, with fewer digits.
    ///
    /// - Returns: σ per √year (0.20 = 20 %), never NaN.
    /// - Throws: ``ImpliedVolatilityError``.
    public static func impliedVolatility(_ type: OptionType, price: Double, spot: Double, strike: Double,
                                         rate: Double, dividendYield: Double = 0,
                                         timeToExpiry: Double) throws(ImpliedVolatilityError) -> Double {
        do {
            try requireNonNegative(price, .price)
            try validate(spot: spot, strike: strike, volatility: 0, rate: rate,
                         dividendYield: dividendYield, timeToExpiry: timeToExpiry)
        } catch { throw .invalidInput(error) }
        let forward = spot * exp((rate - dividendYield) * timeToExpiry)
        return try solveImpliedVolatility(type, price: price, forward: forward, strike: strike,
                                          discount: exp(-rate * timeToExpiry), timeToExpiry: timeToExpiry)
    }

    /// Implied volatility with the time to expiry from `valuation` to `expiry` (Act/365F).
    public static func impliedVolatility(_ type: OptionType, price: Double, spot: Double, strike: Double,
                                         rate: Double, dividendYield: Double = 0,
                                         valuation: Instant, expiry: Instant) throws(ImpliedVolatilityError) -> Double {
        let t: Double
        do { t = try timeToExpiry(from: valuation, to: expiry) } catch { throw .invalidInput(error) }
        return try impliedVolatility(type, price: price, spot: spot, strike: strike, rate: rate,
                                     dividendYield: dividendYield, timeToExpiry: t)
    }

    /// Implied volatility under Black-76 from the forward `F` (see
    /// ``impliedVolatility(_:price:spot:strike:rate:dividendYield:timeToExpiry:)``).
    public static func impliedVolatility(_ type: OptionType, price: Double, forward: Double, strike: Double,
                                         rate: Double, timeToExpiry: Double) throws(ImpliedVolatilityError) -> Double {
        do {
            try requireNonNegative(price, .price)
            try requirePositive(forward, .forward)
            try requirePositive(strike, .strike)
            try requireFinite(rate, .rate)
            try requireNonNegative(timeToExpiry, .timeToExpiry)
        } catch { throw .invalidInput(error) }
        return try solveImpliedVolatility(type, price: price, forward: forward, strike: strike,
                                          discount: exp(-rate * timeToExpiry), timeToExpiry: timeToExpiry)
    }

    static func solveImpliedVolatility(_ type: OptionType, price: Double, forward f: Double, strike k: Double,
                                       discount: Double, timeToExpiry t: Double) throws(ImpliedVolatilityError) -> Double {
        let isCall = type == .call
        let upper = discount * (isCall ? f : k)
        let intrinsic = max(isCall ? f - k : k - f, 0)   // undiscounted forward intrinsic
        let lower = discount * intrinsic
        guard price < upper else { throw .aboveUpperBound(price: price, upperBound: upper) }
        // Undiscounted time value = undiscounted price of the OTM option at this strike.
        let undiscounted = price / discount
        let timeValue = undiscounted - intrinsic
        // Within a few ulps of the floor the "time value" is rounding noise, not information.
        let noise = 4 * max(undiscounted, intrinsic).ulp
        if timeValue < -noise { throw .belowLowerBound(price: price, lowerBound: lower) }
        if t == 0 || timeValue <= noise { throw .noTimeValue }
        let x = -abs(log(f / k))
        let beta = timeValue / (f * k).squareRoot()
        guard beta < exp(0.5 * x) else { throw .aboveUpperBound(price: price, upperBound: upper) }
        guard let s = solveNormalisedBlack(x: x, beta: beta) else { throw .noTimeValue }
        guard s < .infinity else { throw .aboveUpperBound(price: price, upperBound: upper) }
        return s / t.squareRoot()
    }

    /// Normalised OTM Black value `b(x, s)` for `x ≤ 0` and its derivative `∂b/∂s = e^(x/2)·φ(d1)`.
    @inline(__always)
    static func normalisedBlack(x: Double, s: Double) -> (value: Double, vega: Double) {
        let d1 = x / s + 0.5 * s
        let d2 = d1 - s
        let value = exp(0.5 * x) * normalCDF(d1) - exp(-0.5 * x) * normalCDF(d2)
        return (value, exp(0.5 * x) * normalPDF(d1))
    }

    /// Solves `b(x, s) = beta` for `s > 0` (requires `0 < beta < e^(x/2)`, `x ≤ 0`).
    /// Returns nil if `beta` is so small that `b` underflows before reaching it, and +∞ if it is
    /// so close to the bound that `b` rounds to `e^(x/2)` first.
    static func solveNormalisedBlack(x: Double, beta: Double) -> Double? {
        var lo = 0.0, hi = Double.infinity
        let target = log(beta)
        // Start at the inflection point of b in s, √(2|x|) (ATM: a small positive guess from the
        // small-s expansion b ≈ s/√(2π)).
        var s = x < 0 ? (2 * -x).squareRoot() : min(beta * 2.506_628_274_631_000_5, 1)
        for _ in 0..<200 {
            let (b, vega) = normalisedBlack(x: x, s: s)
            if b == beta { return s }
            if b > beta { hi = s } else { lo = s }
            var next = b > 0 && vega > 0 ? s - (log(b) - target) * b / vega : .nan
            if !(next > lo && next < hi) {
                // Bisection: arithmetic when the bracket is narrow, geometric when it spans decades,
                // doubling while there is no upper end yet.
                if hi == .infinity { next = 2 * s }
                else if lo == 0 { next = 0.5 * hi }
                else { next = hi < 4 * lo ? 0.5 * (lo + hi) : (lo * hi).squareRoot() }
            }
            if abs(next - s) <= 2e-16 * s || (hi < .infinity && hi - lo <= 4e-16 * hi) { return next }
            if next > 1e6 { return .infinity }   // b(s) = e^(x/2) in double long before this
            if next < 1e-300 { return nil }
            s = next
        }
        return lo > 0 && hi < .infinity ? 0.5 * (lo + hi) : nil
    }
}
