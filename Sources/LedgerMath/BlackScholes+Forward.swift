import Foundation

extension BlackScholes {
    /// Black-76: price and greeks of a European option on the forward `F` to expiry.
    ///
    /// ```
    /// d1 = [ln(F/K) + σ²T/2] / (σ√T),   d2 = d1 − σ√T,   D = e^(−rT)
    /// call = D·[F·N(d1) − K·N(d2)],   put = D·[K·N(−d2) − F·N(−d1)]
    /// ```
    ///
    /// Prices equal ``greeks(_:spot:strike:volatility:rate:dividendYield:timeToExpiry:)`` with
    /// `S = F·e^(−(r−q)T)`. The greeks are taken *with the forward as the underlying*: delta
    /// `= ∂V/∂F = ±D·N(±d1)`, gamma `= ∂²V/∂F²`, vega per 1.00 of vol; theta holds the **forward**
    /// fixed, `Θ_F = −D·F·φ(d1)·σ/(2√T) + r·V` per year, which differs from the spot-fixed theta by
    /// `(r − q)·F·D·N(d1)` for a call; rho holds the forward fixed, `∂V/∂r = −T·V`.
    /// To report broker-style spot-fixed greeks from a quoted or parity-implied forward, use
    /// ``greeks(_:spot:forward:strike:volatility:rate:timeToExpiry:)`` instead.
    ///
    /// - Throws: ``InputError`` for a non-positive or non-finite forward or strike, a negative
    ///   or non-finite volatility or time, a non-finite rate.
    @inlinable
    public static func greeks(_ type: OptionType, forward: Double, strike: Double, volatility: Double,
                              rate: Double, timeToExpiry: Double) throws(InputError) -> OptionGreeks {
        try requirePositive(forward, .forward)
        try requirePositive(strike, .strike)
        try requireNonNegative(volatility, .volatility)
        try requireFinite(rate, .rate)
        try requireNonNegative(timeToExpiry, .timeToExpiry)
        // BSM with S = F and q = r is Black-76 term by term (including Θ = Θ_F); only rho differs,
        // because there r moves the forward while here the forward is held.
        var g = uncheckedGreeks(type, spot: forward, strike: strike, volatility: volatility,
                                rate: rate, dividendYield: rate, timeToExpiry: timeToExpiry)
        g.rho = -timeToExpiry * g.price
        if timeToExpiry == 0 { g.rho = 0 }
        return g
    }

    /// Spot-fixed BSM greeks when the forward `F` for the expiry is known (e.g. implied from a
    /// call/put pair by ``PutCallParity``): the dividend yield is backed out as
    /// `q = r − ln(F/S)/T` and the spot-based greeks are returned (delta per point of spot,
    /// spot-fixed theta). At `T = 0` the forward equals the spot and intrinsic greeks are returned.
    @inlinable
    public static func greeks(_ type: OptionType, spot: Double, forward: Double, strike: Double,
                              volatility: Double, rate: Double, timeToExpiry: Double) throws(InputError) -> OptionGreeks {
        try requirePositive(spot, .spot)
        try requirePositive(forward, .forward)
        try requireFinite(rate, .rate)
        try requireNonNegative(timeToExpiry, .timeToExpiry)
        let q = timeToExpiry > 0 ? rate - log(forward / spot) / timeToExpiry : rate
        return try greeks(type, spot: spot, strike: strike, volatility: volatility, rate: rate,
                          dividendYield: q, timeToExpiry: timeToExpiry)
    }
}
