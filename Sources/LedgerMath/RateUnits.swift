import BigInt

/// Explicit conversions between the rate units the protocols store. Rates are kept as given
/// (bps or ray) and converted only here, so every conversion is visible and tested.
///
/// - **fraction**: 0.2 = 20 % per year.
/// - **bps**: 1/10,000 (2000 bps = 20 %). NFTfi, Arcade, Gondi, Blend.
/// - **ray**: fraction × 1e27 (0.2e27 = 20 %). BendDAO, ParaSpace, Aave.
/// - **wad**: fraction × 1e18. Blend internals.
/// - **per second**: ray / 31,536,000, truncated, as Aave's `calculateCompoundedInterest` does.
public enum RateUnits {
    /// bps → ray: exact (`bps × 1e23`).
    public static func ray(fromBps bps: BigInt) -> BigInt { bps * BigInt(10).power(23) }
    /// ray → bps, truncated toward zero.
    public static func bps(fromRay ray: BigInt) -> BigInt { SolidityFixedPoint.sdiv(ray, BigInt(10).power(23)) }
    /// bps → fraction: exact.
    public static func fraction(fromBps bps: BigInt) -> ExactDecimal { ExactDecimal(significand: bps, scale: 4) }
    /// ray → fraction: exact.
    public static func fraction(fromRay ray: BigInt) -> ExactDecimal { ExactDecimal(significand: ray, scale: 27) }
    /// wad → fraction: exact.
    public static func fraction(fromWad wad: BigInt) -> ExactDecimal { ExactDecimal(significand: wad, scale: 18) }
    /// fraction → ray, rounding digits beyond the 27th with `mode`.
    public static func ray(fromFraction f: ExactDecimal, mode: RoundingMode = .halfEven) -> BigInt { f.units(decimals: 27, rounding: mode) }
    /// fraction → bps, rounding digits beyond the 4th with `mode`.
    public static func bps(fromFraction f: ExactDecimal, mode: RoundingMode = .halfEven) -> BigInt { f.units(decimals: 4, rounding: mode) }
    /// Annual ray rate → ray per second (`⌊rate / 31,536,000⌋`).
    public static func rayPerSecond(fromAnnualRay ray: BigInt) -> BigInt { ray / SolidityFixedPoint.secondsPerYear }

    /// The APR that a fixed repayment implies (NFTfi UI): `(M − P)/P · 31,536,000/D`. Analytics only.
    public static func impliedAPR(principal: ExactDecimal, repayment: ExactDecimal, durationSeconds: Int64) -> Double? {
        guard !principal.isZero, durationSeconds > 0 else { return nil }
        return (repayment - principal).doubleValue / principal.doubleValue
            * Double(Instant.secondsPerYear) / Double(durationSeconds)
    }
}

/// Accrual time as the protocols count it: whole seconds of `block.timestamp`, 365-day year
/// (31,536,000 s), no leap years, no day-count conventions.
public enum AccrualTime {
    /// Seconds from `start` to `end`, never negative, optionally stopped at `cap` (a maturity).
    public static func seconds(from start: Instant, to end: Instant, cappedAt cap: Instant? = nil) -> Int64 {
        var stop = end
        if let cap, cap < stop { stop = cap }
        return Swift.max(0, start.seconds(to: stop))
    }

    /// The accrual seconds as an exact fraction of the 365-day year (`s / 31,536,000`), rounded to `scale`.
    public static func yearFraction(seconds: Int64, scale: Int = 18, mode: RoundingMode = .halfEven) -> ExactDecimal {
        // Dividing by a non-zero constant cannot fail.
        (try? ExactDecimal(Int(seconds)).divided(by: ExactDecimal(Int(Instant.secondsPerYear)), scale: scale, mode: mode)) ?? .zero
    }

    /// Simple interest `amount · r_bps/1e4 · s/31,536,000` exactly, rounded to `scale` with `mode`.
    public static func simpleInterest(on amount: ExactDecimal, rateBps: BigInt, seconds: Int64, scale: Int, mode: RoundingMode) -> ExactDecimal {
        let numerator = amount * ExactDecimal(rateBps) * ExactDecimal(Int(seconds))
        let denominator = ExactDecimal(Int(10_000 * Instant.secondsPerYear))
        return (try? numerator.divided(by: denominator, scale: scale, mode: mode)) ?? .zero
    }
}
