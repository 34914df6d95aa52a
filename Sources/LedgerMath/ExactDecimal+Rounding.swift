import BigInt

/// How a value is rounded to a given number of fractional digits. Names follow Python's `decimal`
/// (`ROUND_DOWN`, `ROUND_UP`, `ROUND_HALF_UP`, `ROUND_HALF_EVEN`, `ROUND_FLOOR`, `ROUND_CEILING`),
/// whose results the tests use as reference.
public enum RoundingMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Toward zero (truncation; what Solidity's integer division does to non-negative values).
    case down
    /// Away from zero.
    case up
    /// To nearest; ties away from zero.
    case halfUp
    /// To nearest; ties to the even neighbour (banker's rounding).
    case halfEven
    /// Toward −∞.
    case floor
    /// Toward +∞.
    case ceiling
}

extension ExactDecimal {
    /// `numerator / divisor` rounded to an integer with `mode`; `divisor` must be positive.
    static func roundedQuotient(_ numerator: BigInt, _ divisor: BigInt, _ mode: RoundingMode) -> BigInt {
        let negative = numerator.signum() < 0
        let (q, r) = numerator.magnitude.quotientAndRemainder(dividingBy: divisor.magnitude)
        var up = false
        if !r.isZero {
            switch mode {
            case .down: up = false
            case .up: up = true
            case .halfUp: up = r * 2 >= divisor.magnitude
            case .halfEven:
                let twice = r * 2
                up = twice > divisor.magnitude || (twice == divisor.magnitude && q[bitAt: 0])
            case .floor: up = negative
            case .ceiling: up = !negative
            }
        }
        let m = BigInt(up ? q + 1 : q)
        return negative ? -m : m
    }

    /// This value rounded to `scale` fractional digits with `mode` (a negative `scale` rounds to
    /// tens, hundreds, …). Exact when the value already has at most `scale` digits.
    public func rounded(scale: Int, mode: RoundingMode) -> ExactDecimal {
        guard scale < self.scale else { return self }
        let q = Self.roundedQuotient(significand, Self.pow10(self.scale - scale), mode)
        return ExactDecimal(significand: q, scale: scale)
    }

    /// `self / divisor` rounded to `scale` fractional digits with `mode`.
    /// - Throws: ``ExactDecimalError/divisionByZero``.
    public func divided(by divisor: ExactDecimal, scale: Int, mode: RoundingMode) throws(ExactDecimalError) -> ExactDecimal {
        guard !divisor.isZero else { throw .divisionByZero }
        // (a·10^-ea)/(b·10^-eb)·10^s = a·10^(eb+s-ea) / b
        var numerator = significand
        var denominator = divisor.significand
        let shift = divisor.scale + scale - self.scale
        if shift >= 0 { numerator *= Self.pow10(shift) } else { denominator *= Self.pow10(-shift) }
        if denominator.signum() < 0 {
            numerator = -numerator
            denominator = -denominator
        }
        return ExactDecimal(significand: Self.roundedQuotient(numerator, denominator, mode), scale: scale)
    }

    /// Exact quotient when it terminates within `maxScale` digits, else `nil` (e.g. 1/3).
    public func dividedExactly(by divisor: ExactDecimal, maxScale: Int = Limits.maxFractionDigits) -> ExactDecimal? {
        guard let q = try? divided(by: divisor, scale: maxScale, mode: .down), q * divisor == self else { return nil }
        return q
    }
}
