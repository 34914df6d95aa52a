extension BlackScholes {
    /// An option-model input that is outside the model's domain, naming the offending field.
    ///
    /// Thrown before any arithmetic, so a NaN or an infinity never reaches a result.
    public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The input that was rejected.
        public enum Field: String, Sendable, Equatable, CaseIterable {
            case spot, forward, strike, volatility, rate, dividendYield, timeToExpiry, price
            case callPrice, putPrice
        }

        public var field: Field
        /// The rejected value, as given.
        public var value: Double
        /// Why it was rejected, e.g. "must be > 0".
        public var reason: String

        public init(field: Field, value: Double, reason: String) {
            self.field = field
            self.value = value
            self.reason = reason
        }

        public var description: String { "invalid \(field.rawValue) \(value): \(reason)" }
    }
}

// The checks are inlinable so the common (valid) path costs a few comparisons in the caller; the
// throwing path is a separate, never-inlined function so it adds no code to hot loops.
extension BlackScholes {
    @usableFromInline @inline(never)
    static func reject(_ field: InputError.Field, _ value: Double, _ reason: String) -> InputError {
        InputError(field: field, value: value, reason: reason)
    }

    /// Finite and strictly positive (spot, forward, strike, prices that must be > 0).
    @inlinable
    static func requirePositive(_ value: Double, _ field: InputError.Field) throws(InputError) {
        guard value > 0 && value < .infinity else {
            throw reject(field, value, value.isFinite ? "must be > 0" : "must be finite")
        }
    }

    /// Finite and ≥ 0 (volatility, time to expiry, option prices).
    @inlinable
    static func requireNonNegative(_ value: Double, _ field: InputError.Field) throws(InputError) {
        guard value >= 0 && value < .infinity else {
            throw reject(field, value, value.isFinite ? "must be ≥ 0" : "must be finite")
        }
    }

    /// Finite, any sign (rates and dividend yields may be negative).
    @inlinable
    static func requireFinite(_ value: Double, _ field: InputError.Field) throws(InputError) {
        guard value.isFinite else { throw reject(field, value, "must be finite") }
    }

    /// Validates the inputs shared by every spot-based BSM entry point.
    @inlinable
    static func validate(spot: Double, strike: Double, volatility: Double, rate: Double,
                         dividendYield: Double, timeToExpiry: Double) throws(InputError) {
        try requirePositive(spot, .spot)
        try requirePositive(strike, .strike)
        try requireNonNegative(volatility, .volatility)
        try requireFinite(rate, .rate)
        try requireFinite(dividendYield, .dividendYield)
        try requireNonNegative(timeToExpiry, .timeToExpiry)
    }

    /// Act/365F years from `valuation` to `expiry`; an expiry before the valuation is an error
    /// (an expired option is settled, not valued).
    @inlinable
    public static func timeToExpiry(from valuation: Instant, to expiry: Instant) throws(InputError) -> Double {
        let t = valuation.yearFraction(to: expiry)
        guard t >= 0 else { throw reject(.timeToExpiry, t, "expiry \(expiry) is before the valuation instant \(valuation)") }
        return t
    }
}
