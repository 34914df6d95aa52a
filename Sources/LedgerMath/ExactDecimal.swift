import BigInt

/// An exact base-10 number: `significand × 10^(−scale)`, with an arbitrary-precision significand.
///
/// Booked money (principal, repayments, premiums, wei-exact token amounts) must never pass through
/// binary floating point, and 18-decimal token amounts with 20+ integer digits exceed the 38-digit
/// mantissa of `Foundation.Decimal`. A `BigInt` significand has no such ceiling, so `+`, `−` and `×`
/// are exact and cannot overflow; only division needs an explicit scale and ``RoundingMode``.
///
/// **Canonical form** (what ``description`` prints, and what is stored as TEXT):
/// an optional `-`, the integer digits without leading zeros (`0` when the integer part is zero),
/// then, only if the value has a fractional part, `.` and the fractional digits without trailing
/// zeros. No exponent, no `+`, no grouping. Negative zero does not exist: `-0`, `-0.00` → `0`.
/// Because values are kept normalised (no trailing zeros in the fraction), `1.50 == 1.5` and both
/// hash alike.
///
/// **Limits** (enforced where text comes in and goes out, see ``Limits``): at most 78 integer digits
/// (every `uint256`, i.e. any raw on-chain amount, fits) and 36 fractional digits (a ray has 27;
/// the product of two 18-decimal amounts has 36). Arithmetic itself is unbounded; a result outside
/// the limits is refused by ``validated()`` and by `encode(to:)`, so nothing is written that could
/// not be read back.
public struct ExactDecimal: Sendable, Hashable {
    /// The integer `n` in `n × 10^(−scale)`; never divisible by 10 when `scale > 0`.
    public let significand: BigInt
    /// Number of fractional digits (≥ 0); the smallest that represents the value exactly.
    public let scale: Int

    /// `significand × 10^(−scale)`, normalised. A negative `scale` multiplies by `10^(−scale)`.
    public init(significand: BigInt, scale: Int) {
        var s = significand
        var e = scale
        if e < 0 {
            s *= ExactDecimal.pow10(-e)
            e = 0
        }
        if s.isZero {
            self.significand = 0
            self.scale = 0
            return
        }
        while e > 0 {
            let (q, r) = s.quotientAndRemainder(dividingBy: 10)
            guard r.isZero else { break }
            s = q
            e -= 1
        }
        self.significand = s
        self.scale = e
    }

    /// The integer `value`.
    public init(_ value: Int) { self.init(significand: BigInt(value), scale: 0) }

    /// The integer `value`.
    public init(_ value: BigInt) { self.init(significand: value, scale: 0) }

    public static let zero = ExactDecimal(0)
    public static let one = ExactDecimal(1)

    public var isZero: Bool { significand.isZero }
    public var isNegative: Bool { significand.signum() < 0 }
    /// −1, 0 or 1.
    public var signum: Int { Int(significand.signum()) }
    /// `|self|`.
    public var magnitude: ExactDecimal { ExactDecimal(significand: BigInt(significand.magnitude), scale: scale) }
    /// True when the value has no fractional part.
    public var isInteger: Bool { scale == 0 }

    /// Number of digits before the point, ignoring leading zeros (0 for values below 1).
    public var integerDigitCount: Int {
        let digits = significand.magnitude.description.count
        return max(0, digits - scale)
    }

    /// `10^n` for `n ≥ 0`.
    static func pow10(_ n: Int) -> BigInt { BigInt(10).power(n) }
}

extension ExactDecimal {
    /// Size limits applied to text (parsing, decoding, encoding). See the type's documentation.
    public enum Limits {
        /// 78 digits: the largest `uint256` (≈1.16e77) has 78.
        public static let maxIntegerDigits = 78
        /// 36 digits: two 18-decimal amounts multiplied.
        public static let maxFractionDigits = 36
        /// Texts longer than this are refused before looking at them (leading zeros included).
        public static let maxTextLength = 256
    }

    /// Returns `self` if it is within ``Limits``, else throws ``ExactDecimalError/tooLarge(text:integerDigits:limit:)``
    /// or ``ExactDecimalError/tooPrecise(text:fractionDigits:limit:)``. Call it before storing a computed value.
    public func validated() throws(ExactDecimalError) -> ExactDecimal {
        if integerDigitCount > Limits.maxIntegerDigits {
            throw .tooLarge(text: ExactDecimalError.excerpt(description), integerDigits: integerDigitCount,
                            limit: Limits.maxIntegerDigits)
        }
        if scale > Limits.maxFractionDigits {
            throw .tooPrecise(text: ExactDecimalError.excerpt(description), fractionDigits: scale,
                              limit: Limits.maxFractionDigits)
        }
        return self
    }
}

/// Why a text is not an ``ExactDecimal``, or why an operation has no exact-decimal answer.
public enum ExactDecimalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not a plain decimal (`-?digits(.digits)?`); `reason` says what is wrong.
    case malformed(text: String, reason: String)
    /// More integer digits than ``ExactDecimal/Limits/maxIntegerDigits``.
    case tooLarge(text: String, integerDigits: Int, limit: Int)
    /// More significant fractional digits than ``ExactDecimal/Limits/maxFractionDigits``.
    case tooPrecise(text: String, fractionDigits: Int, limit: Int)
    /// Division by zero.
    case divisionByZero
    /// NaN or ±∞ offered where a finite number is required; `value` is its text.
    case notFinite(value: String)
    /// The value is not a whole number of units at `decimals` (e.g. 0.1 wei).
    case notWholeUnits(value: String, decimals: Int)

    public var description: String {
        switch self {
        case let .malformed(text, reason): "'\(text)' is not a decimal number: \(reason)"
        case let .tooLarge(text, n, limit): "'\(text)' has \(n) integer digits; at most \(limit) are accepted"
        case let .tooPrecise(text, n, limit): "'\(text)' has \(n) fractional digits; at most \(limit) are accepted"
        case .divisionByZero: "division by zero"
        case let .notFinite(value): "\(value) is not a finite number"
        case let .notWholeUnits(value, decimals): "\(value) is not a whole number of units at \(decimals) decimals"
        }
    }

    /// Long texts are cut in messages so a 10,000-digit input does not flood a log.
    static func excerpt(_ text: String) -> String {
        text.count <= 48 ? text : String(text.prefix(40)) + "…(\(text.count) chars)"
    }
}
