import Foundation

/// Put–call parity for European options: `C − P = e^(−rT)·(F − K)`.
///
/// Index option desks and data vendors (Cboe's VIX method, OptionMetrics) do not forecast index
/// dividends; they imply the forward, or equivalently a continuous dividend yield, per expiry
/// from a call and a put at the same strike (mid quotes, at the strike where `|C − P|` is
/// smallest). The implied forward also absorbs any mismatch between the index print and the
/// option quote time.
public enum PutCallParity {
    /// The forward implied by a call/put pair: `F = K + e^(rT)·(C − P)`.
    ///
    /// - Parameters: prices in points (≥ 0), strike > 0, `rate` continuously compounded per year,
    ///   `timeToExpiry` ≥ 0 in years (Act/365F).
    /// - Throws: ``BlackScholes/InputError`` for a bad input, or with field `forward` when the
    ///   pair implies `F ≤ 0` (the quotes violate parity; usually a stale or crossed quote).
    public static func impliedForward(callPrice: Double, putPrice: Double, strike: Double, rate: Double,
                                      timeToExpiry: Double) throws(BlackScholes.InputError) -> Double {
        try BlackScholes.requireNonNegative(callPrice, .callPrice)
        try BlackScholes.requireNonNegative(putPrice, .putPrice)
        try BlackScholes.requirePositive(strike, .strike)
        try BlackScholes.requireFinite(rate, .rate)
        try BlackScholes.requireNonNegative(timeToExpiry, .timeToExpiry)
        let forward = strike + exp(rate * timeToExpiry) * (callPrice - putPrice)
        guard forward > 0 && forward.isFinite else {
            throw BlackScholes.InputError(field: .forward, value: forward,
                                          reason: "the call/put pair implies a non-positive forward; the quotes violate parity")
        }
        return forward
    }

    /// The continuous dividend yield that makes `spot` and `forward` consistent:
    /// `q = r − ln(F/S)/T`, from `F = S·e^((r−q)T)`.
    ///
    /// - Throws: ``BlackScholes/InputError`` for a non-positive spot or forward, a non-finite
    ///   rate, or `T ≤ 0` (at expiry the forward is the spot and carries no yield information).
    public static func dividendYield(spot: Double, forward: Double, rate: Double,
                                     timeToExpiry: Double) throws(BlackScholes.InputError) -> Double {
        try BlackScholes.requirePositive(spot, .spot)
        try BlackScholes.requirePositive(forward, .forward)
        try BlackScholes.requireFinite(rate, .rate)
        try BlackScholes.requirePositive(timeToExpiry, .timeToExpiry)
        return rate - log(forward / spot) / timeToExpiry
    }

    /// The dividend yield implied by a call/put pair and the spot:
    /// `q = −(1/T)·ln[(C − P + K·e^(−rT)) / S]` (the two functions above composed).
    public static func impliedDividendYield(callPrice: Double, putPrice: Double, strike: Double, spot: Double,
                                            rate: Double, timeToExpiry: Double) throws(BlackScholes.InputError) -> Double {
        try BlackScholes.requirePositive(timeToExpiry, .timeToExpiry)
        let forward = try impliedForward(callPrice: callPrice, putPrice: putPrice, strike: strike,
                                         rate: rate, timeToExpiry: timeToExpiry)
        return try dividendYield(spot: spot, forward: forward, rate: rate, timeToExpiry: timeToExpiry)
    }

    /// The forward for a spot and a dividend yield: `F = S·e^((r−q)T)`.
    @inlinable
    public static func forward(spot: Double, rate: Double, dividendYield: Double, timeToExpiry: Double) -> Double {
        spot * exp((rate - dividendYield) * timeToExpiry)
    }
}
