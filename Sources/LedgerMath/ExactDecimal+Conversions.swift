import BigInt

extension ExactDecimal {
    /// The nearest `Double` (correctly rounded from the canonical text); ±∞ beyond Double's range.
    /// Approximate: for analytics (ratios, charts, greeks), never for booking.
    public var doubleValue: Double { Double(description) ?? (isNegative ? -.infinity : .infinity) }

    /// The exact binary value of `value`, rounded to `scale` fractional digits with `mode`.
    ///
    /// Every finite `Double` is an exact (if long) decimal, so the only loss is the explicit rounding:
    /// `ExactDecimal(0.1, scale: 2, mode: .halfEven)` is `0.1`, while the exact binary value is
    /// 0.1000000000000000055511151231257827…
    /// - Throws: ``ExactDecimalError/notFinite(value:)`` for NaN and ±∞.
    public init(_ value: Double, scale: Int, mode: RoundingMode) throws(ExactDecimalError) {
        guard value.isFinite else { throw .notFinite(value: "\(value)") }
        self = ExactDecimal.exactBinaryValue(of: value).rounded(scale: scale, mode: mode)
    }

    /// `value = m · 2^e` exactly; for `e < 0` that is `m · 5^(−e) · 10^e`.
    static func exactBinaryValue(of value: Double) -> ExactDecimal {
        guard value != 0 else { return .zero }
        let m = BigInt(value.significandBitPattern | (value.isNormal ? (1 << 52) : 0))
        let e = Int(value.exponent) - 52 + (value.isNormal ? 0 : 1)
        let signed = value < 0 ? -m : m
        if e >= 0 { return ExactDecimal(significand: signed << e, scale: 0) }
        return ExactDecimal(significand: signed * BigInt(5).power(-e), scale: -e)
    }

    /// `units × 10^(−decimals)`: a raw on-chain integer (e.g. wei) as a token amount.
    public init(units: BigInt, decimals: Int) { self.init(significand: units, scale: decimals) }

    /// This amount as an integer number of smallest units at `decimals` (≥ 0; e.g. wei for 18).
    /// - Throws: ``ExactDecimalError/notWholeUnits(value:decimals:)`` if it has more fractional digits.
    public func units(decimals: Int) throws(ExactDecimalError) -> BigInt {
        guard decimals >= 0, scale <= decimals else { throw .notWholeUnits(value: description, decimals: decimals) }
        return significand * Self.pow10(decimals - scale)
    }

    /// This amount in smallest units at `decimals`, rounding any finer digits with `mode`.
    /// Negative `decimals` count as 0.
    public func units(decimals: Int, rounding mode: RoundingMode) -> BigInt {
        let places = max(0, decimals)
        let r = rounded(scale: places, mode: mode)
        return r.significand * Self.pow10(places - r.scale)
    }
}
