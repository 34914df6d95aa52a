import BigInt

/// Integer fixed-point arithmetic exactly as the lending contracts do it on the EVM, so that a
/// booked debt matches the chain to the wei. All values are integers in a stated scale:
/// **wad** = 1e18, **ray** = 1e27, **bps** = 1e4 (1 bps = 0.01 %).
///
/// Division semantics matter and are kept: unsigned `/` truncates; Solidity's signed `/` (`sdiv`)
/// truncates toward zero; signed `>>` is an arithmetic shift (toward −∞). BigInt has no 256-bit
/// wrap-around; the formulas used here never overflow 256 bits in their documented domains.
public enum SolidityFixedPoint {
    public static let wad = BigInt(10).power(18)
    public static let ray = BigInt(10).power(27)
    public static let halfRay = BigInt(10).power(27) / 2
    public static let bpsDenominator = BigInt(10_000)
    public static let secondsPerYear = BigInt(Instant.secondsPerYear)

    // MARK: Aave / BendDAO WadRayMath and PercentageMath (unsigned, half-up)

    /// `(a·b + RAY/2) / RAY` — Aave `rayMul`, rounded half up.
    public static func rayMul(_ a: BigInt, _ b: BigInt) -> BigInt { (a * b + halfRay) / ray }

    /// `(a·RAY + b/2) / b` — Aave `rayDiv`, rounded half up; `nil` when `b` is 0 (the contract reverts).
    public static func rayDiv(_ a: BigInt, _ b: BigInt) -> BigInt? {
        guard !b.isZero else { return nil }
        return (a * ray + b / 2) / b
    }

    /// `(value·bps + 5000) / 10000` — Aave `percentMul`, rounded half up.
    public static func percentMul(_ value: BigInt, bps: BigInt) -> BigInt { (value * bps + 5_000) / bpsDenominator }

    /// `⌈a·b / c⌉` for non-negative operands (Solady/solmate `mulDivUp`); `nil` when `c` is 0.
    public static func mulDivUp(_ a: BigInt, _ b: BigInt, _ c: BigInt) -> BigInt? {
        guard !c.isZero else { return nil }
        let (q, r) = (a * b).quotientAndRemainder(dividingBy: c)
        return r.isZero ? q : q + 1
    }

    /// Aave v2 `MathUtils.calculateCompoundedInterest`: the growth factor (ray) of a per-year ray
    /// rate over `seconds`, by the 3-term binomial expansion of `(1 + r/Y)^n`:
    /// `RAY + x·n + n(n−1)·x²/2 + n(n−1)(n−2)·x³/6` with `x = ⌊rate/Y⌋` (ray per second),
    /// `x² = rayMul(x, x)`, `x³ = rayMul(x², x)`, each term truncated by its own division.
    /// It slightly undercharges against true per-second compounding (a 3.1e-9 shortfall over
    /// 30 days at 20 %).
    public static func compoundedInterest(rateRay: BigInt, seconds: Int64) -> BigInt {
        guard seconds > 0 else { return ray }
        let n = BigInt(seconds)
        let nMinusOne = n - 1
        let nMinusTwo = seconds > 2 ? n - 2 : 0
        let x = rateRay / secondsPerYear
        let x2 = rayMul(x, x)
        let x3 = rayMul(x2, x)
        let second = n * nMinusOne * x2 / 2
        let third = n * nMinusOne * nMinusTwo * x3 / 6
        return ray + x * n + second + third
    }

    // MARK: solmate SignedWadMath (Blend)

    /// Solidity signed division: truncates toward zero. `b` must not be 0.
    static func sdiv(_ a: BigInt, _ b: BigInt) -> BigInt {
        let q = a.magnitude / b.magnitude
        return (a.signum() < 0) != (b.signum() < 0) ? -BigInt(q) : BigInt(q)
    }

    /// Solidity signed `>>`: arithmetic shift, rounds toward −∞.
    static func sar(_ a: BigInt, _ n: Int) -> BigInt {
        if a.signum() >= 0 { return BigInt(a.magnitude >> n) }
        let m = a.magnitude
        let q = m >> n
        return (q << n) == m ? -BigInt(q) : -BigInt(q + 1)
    }

    /// solmate `wadMul`: `sdiv(x·y, 1e18)`.
    public static func wadMul(_ x: BigInt, _ y: BigInt) -> BigInt { sdiv(x * y, wad) }

    /// solmate `wadDiv`: `sdiv(x·1e18, y)`; `nil` when `y` is 0.
    public static func wadDiv(_ x: BigInt, _ y: BigInt) -> BigInt? {
        guard !y.isZero else { return nil }
        return sdiv(x * wad, y)
    }

    /// Blend `bipsToSignedWads`: `⌊bps·1e18 / 1e4⌋`.
    public static func bpsToWad(_ bps: BigInt) -> BigInt { bps * wad / bpsDenominator }

    /// Blend `signedWadsToBips`: `sdiv(wads·1e4, 1e18)`.
    public static func wadToBps(_ wads: BigInt) -> BigInt { sdiv(wads * bpsDenominator, wad) }

    /// Parses a decimal constant of the ported contracts (all valid literals; 0 could only come from a typo,
    /// which the known-answer tests would catch).
    static func big(_ digits: String) -> BigInt { BigInt(digits, radix: 10) ?? 0 }

    /// solmate `wadExp`: `e^(x/1e18)·1e18` by its (6, 7)-term rational approximation in a 2^96
    /// basis, reproduced step by step (including every truncation) so results match the contract to
    /// the wei. Returns 0 for `x ≤ −42.139…e18`; `nil` (the contract reverts) for `x ≥ 135.305…e18`.
    public static func wadExp(_ input: BigInt) -> BigInt? {
        if input <= big("-42139678854452767551") { return 0 }
        if input >= big("135305999368893231589") { return nil }
        let ln2 = big("54916777467707473351141471128")
        var x = sdiv(input << 78, BigInt(5).power(18))
        let k = sar(sdiv(x << 96, ln2) + (BigInt(1) << 95), 96)
        x -= k * ln2
        var y = x + big("1346386616545796478920950773328")
        y = sar(y * x, 96) + big("57155421227552351082224309758442")
        var p = y + x - big("94201549194550492254356042504812")
        p = sar(p * y, 96) + big("28719021644029726153956944680412240")
        p = p * x + (big("4385272521454847904659076985693276") << 96)
        var q = x - big("2855989394907223263936484059900")
        q = sar(q * x, 96) + big("50020603652535783019961831881945")
        q = sar(q * x, 96) - big("533845033583426703283633433725380")
        q = sar(q * x, 96) + big("3604857256930695427073651918091429")
        q = sar(q * x, 96) - big("14423608567350463180887372962807573")
        q = sar(q * x, 96) + big("26449188498355588339934803723976023")
        let r = sdiv(p, q)
        let scaled = r * big("3822833074963236453042738258902158003155416615667")
        return BigInt(scaled.magnitude >> Int(195 - k))
    }
}
