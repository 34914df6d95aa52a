/// Metrics and P&L at expiry. P&L is piecewise linear with kinks at the strikes, so every extreme
/// and break-even is found exactly from the values at the strikes.
extension IronCondor {
    /// Net premium per unit, `Σ −sign_i · premium_i`: for a credit condor `P(K2) − P(K1) + C(K3) − C(K4)`
    /// (credit received, > 0 normally); for a debit condor its negative (debit paid, < 0).
    public var netCreditPoints: ExactDecimal {
        legs.reduce(.zero) { $0 - ExactDecimal($1.quantity.signum()) * $1.premium }
    }

    /// Net premium for the whole position: received (> 0) or paid (< 0), in money.
    public var netCredit: ExactDecimal { money(netCreditPoints) }

    /// P&L per condor unit (points) at expiry for settlement `s`: `Σ sign_i · (payoff_i(s) − premium_i)`.
    public func pnlPoints(at s: ExactDecimal) -> ExactDecimal {
        legs.reduce(.zero) { acc, leg in
            let sign = ExactDecimal(leg.quantity.signum())
            return acc + sign * (leg.payoff(at: s) - leg.premium)
        }
    }

    /// P&L of the whole position at expiry for settlement value `s`: `Σ qty × multiplier × (payoff − premium)`.
    /// Exact; a loss is negative.
    public func pnl(at s: ExactDecimal) -> ExactDecimal { money(pnlPoints(at: s)) }

    /// Best P&L at expiry for the whole position (the credit for a credit condor; wider wing − debit for a debit one).
    public var maxProfit: ExactDecimal { money(kinkValues.max() ?? .zero) }

    /// Worst P&L at expiry for the whole position, signed (negative = loss): −(wider wing − credit)
    /// for a credit condor, −debit for a debit one.
    public var maxLoss: ExactDecimal { money(kinkValues.min() ?? .zero) }

    /// Settlement values where P&L crosses zero, ascending: `K2 − credit` and `K3 + credit` for a
    /// credit condor (`K2 − debit`, `K3 + debit` for a debit one). A side whose wing width is ≤ the
    /// credit (debit) never crosses zero and has none.
    public var breakEvens: [ExactDecimal] {
        var result: [ExactDecimal] = []
        let strikes = legs.map(\.strike)
        for (a, b) in zip(strikes, strikes.dropFirst()) {
            let fa = pnlPoints(at: a)
            let fb = pnlPoints(at: b)
            guard (fa.signum < 0 && fb.signum > 0) || (fa.signum > 0 && fb.signum < 0) else { continue }
            // Slope is ±1 per point inside a wing: the root is a − f(a)/slope, exact.
            let slope = fb - fa
            if let root = (fa * (b - a)).dividedExactly(by: slope) { result.append(a - root) }
        }
        return result
    }

    /// Aggregated greeks of the position from per-unit greeks of each leg:
    /// `Σ greeks_i × quantity_i × multiplier` (price in money, theta per year; see ``OptionGreeks``).
    public func greeks(putWing gPW: OptionGreeks, putBody gPB: OptionGreeks, callBody gCB: OptionGreeks,
                       callWing gCW: OptionGreeks) -> OptionGreeks {
        zip(legs, [gPW, gPB, gCB, gCW]).reduce(OptionGreeks.zero) { acc, pair in
            acc + pair.1.scaled(by: Double(pair.0.quantity * multiplier))
        }
    }

    /// P&L per unit at every kink, plus the flat regions beyond (equal to the outer kinks).
    private var kinkValues: [ExactDecimal] { legs.map { pnlPoints(at: $0.strike) } }

    private func money(_ points: ExactDecimal) -> ExactDecimal { points * ExactDecimal(contracts * multiplier) }
}
