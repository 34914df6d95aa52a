import BigInt

extension ExactDecimal: Comparable {
    /// Both significands at the larger of the two scales.
    static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (BigInt, BigInt, Int) {
        if a.scale == b.scale { return (a.significand, b.significand, a.scale) }
        if a.scale > b.scale { return (a.significand, b.significand * pow10(a.scale - b.scale), a.scale) }
        return (a.significand * pow10(b.scale - a.scale), b.significand, b.scale)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let (a, b, _) = aligned(lhs, rhs)
        return a < b
    }
}

extension ExactDecimal: AdditiveArithmetic {
    /// Exact sum; the result's scale is at most the larger operand scale.
    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let (a, b, s) = aligned(lhs, rhs)
        return ExactDecimal(significand: a + b, scale: s)
    }

    /// Exact difference.
    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let (a, b, s) = aligned(lhs, rhs)
        return ExactDecimal(significand: a - b, scale: s)
    }

    /// Exact product; the scale is the sum of the operand scales (round it explicitly if needed).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: lhs.significand * rhs.significand, scale: lhs.scale + rhs.scale)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }
    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs - rhs }
    public static func *= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs * rhs }

    public static prefix func - (operand: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: -operand.significand, scale: operand.scale)
    }
}
