/// Intrinsic and extrinsic (time) value of an option, per unit of underlying.
///
/// These are the quantities the ledger can *observe*: realized decay between two snapshots is
/// the change in extrinsic value, reported beside model theta (they differ by design: theta is
/// an instantaneous derivative holding spot, vol and rates fixed; realized decay mixes all moves).
public enum OptionValue {
    /// Intrinsic value: `max(S − K, 0)` for a call, `max(K − S, 0)` for a put, with `S` the
    /// underlying level (spot, or the settlement value at expiry). NaN in, NaN out.
    @inlinable
    public static func intrinsic(_ type: OptionType, underlying: Double, strike: Double) -> Double {
        switch type {
        case .call: return max(underlying - strike, 0)
        case .put: return max(strike - underlying, 0)
        }
    }

    /// Extrinsic (time) value: `mark − intrinsic`.
    ///
    /// It is **not** clamped at zero: a deep-in-the-money European option can be worth less than
    /// its spot intrinsic value — a put when `r > 0` (the strike is received only at expiry) or a
    /// call when `q > r` — so its extrinsic value is legitimately negative. A negative value on
    /// an American option would instead point at a bad mark.
    @inlinable
    public static func extrinsic(_ type: OptionType, mark: Double, underlying: Double, strike: Double) -> Double {
        mark - intrinsic(type, underlying: underlying, strike: strike)
    }
}
