import LedgerMath

/// The SPX option price increment: 0.05 below 3.00, 0.10 from 3.00.
public enum SPXTick {
    /// `price` rounded to the nearest tick.
    public static func rounded(_ price: Double) throws -> ExactDecimal {
        let step = price < 3 ? 0.05 : 0.10
        return try ExactDecimal((price / step).rounded() * step, scale: 2, mode: .halfEven)
    }
}
