import Foundation

/// Net present value of dated cash flows at an annual rate (Excel's `XNPV`, with XIRR's clock).
public enum XNPV {
    /// Why an XNPV cannot be computed.
    public enum InvalidReason: Error, Sendable, Hashable, CustomStringConvertible {
        case noFlows
        case countMismatch(dates: Int, amounts: Int)
        case nonFiniteAmount(index: Int)
        /// The rate must be finite and `> −1` (at −100 % every later flow is worth infinitely much).
        case invalidRate(Double)

        public var description: String {
            switch self {
            case .noFlows: return "XNPV needs at least one cash flow"
            case .countMismatch(let d, let a): return "\(d) dates but \(a) amounts"
            case .nonFiniteAmount(let i): return "amount #\(i) is NaN or infinite"
            case .invalidRate(let r): return "rate \(r) must be finite and > −1"
            }
        }
    }

    /// `Σ P_i / (1 + rate)^((d_i − d_0)/365)`, valued at `d_0`, the **earliest** date.
    ///
    /// This matches ``XIRR`` (and pyxirr): the root of this function in `rate` is the XIRR. Excel's
    /// `XNPV` instead values at the *first listed* date; for flows given in date order the two
    /// agree, otherwise they differ by the factor `(1 + rate)^((first listed − earliest)/365)`.
    /// The basis is whole UTC days by default (``XIRR/TimeBasis``).
    ///
    /// - Returns: the value in the flows' currency; it may overflow to ±∞ for rates very near −1
    ///   over long horizons (the mathematical value is that large).
    public static func value(rate: Double, dates: [Instant], amounts: [Double],
                             basis: XIRR.TimeBasis = .days) throws(InvalidReason) -> Double {
        guard dates.count == amounts.count else {
            throw .countMismatch(dates: dates.count, amounts: amounts.count)
        }
        guard !dates.isEmpty else { throw .noFlows }
        guard rate > -1 && rate.isFinite else { throw .invalidRate(rate) }
        if let bad = amounts.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteAmount(index: bad) }
        let (unit, tick): (Double, (Instant) -> Int64) = switch basis {
        case .days: (365, { i in
            let q = i.unixSeconds / Instant.secondsPerDay
            return i.unixSeconds % Instant.secondsPerDay < 0 ? q - 1 : q })
        case .seconds: (Double(Instant.secondsPerYear), { $0.unixSeconds })
        }
        let origin = dates.lazy.map(tick).min()!
        let logGrowth = log1p(rate)
        var sum = 0.0
        for i in dates.indices {
            sum += amounts[i] * exp(-Double(tick(dates[i]) - origin) / unit * logGrowth)
        }
        return sum
    }

    /// XNPV of ``XIRR/Flow`` values (see ``value(rate:dates:amounts:basis:)``).
    public static func value(rate: Double, flows: some Collection<XIRR.Flow>,
                             basis: XIRR.TimeBasis = .days) throws(InvalidReason) -> Double {
        try value(rate: rate, dates: flows.map(\.date), amounts: flows.map(\.amount), basis: basis)
    }
}
