import Foundation

/// True time-weighted return: the growth of one unit of capital kept in a position, with the
/// effect of money put in or taken out removed (GIPS; Portfolio Performance's "TTWROR").
///
/// The period is split at every external flow into sub-periods `i`, each with the capital at its
/// start `S_i` (the value just before the flow, plus the money put in / minus the money taken out
/// at that flow, at the flow's amount) and the value at its end `E_i` (the value just before the
/// next flow, or at the end of the period). Then
///
/// ```
/// r_i = (E_i − S_i) / |S_i|            (|S_i|: a liability — negative capital — earns when it shrinks)
/// TWR = Π (1 + r_i) − 1                 cumulative, not annualized
/// TWR_annual = (1 + TWR)^(1/y) − 1      y = Act/365F years from the first to the last sub-period with capital
/// ```
///
/// A sub-period that starts and ends with no capital (nothing held) is skipped. One that starts
/// with no capital but ends with some, or whose growth factor `1 + r_i` is ≤ 0 (the capital was
/// lost or changed sign), leaves the TWR undefined: the result says why instead of returning NaN.
/// "No capital" is `|x| ≤ 1e-9 × scale` with `scale` the largest magnitude seen, so the test does
/// not depend on the unit.
public enum TimeWeightedReturn {
    /// One sub-period between two external flows.
    public struct SubPeriod: Sendable, Hashable {
        public var start: Instant
        public var end: Instant
        /// Capital at the start (value before the flow + money put in − money taken out).
        public var startCapital: Double
        /// Value at the end, before the next flow.
        public var endValue: Double
        public init(start: Instant, end: Instant, startCapital: Double, endValue: Double) {
            self.start = start
            self.end = end
            self.startCapital = startCapital
            self.endValue = endValue
        }
    }

    /// A defined time-weighted return.
    public struct Value: Sendable, Hashable {
        /// Π (1 + r_i) − 1 over the whole period (not annualized).
        public var cumulative: Double
        /// `(1 + cumulative)^(1/years) − 1`; compounds a short period up to a year, so report it beside
        /// `cumulative` and `years`, never alone.
        public var annualized: Double
        /// Years (Act/365F) from `since` to the end of the last sub-period with capital.
        public var years: Double
        /// Start of the first sub-period with capital.
        public var since: Instant
        /// Sub-periods with capital, in order.
        public var subPeriods: [SubPeriod]
        /// True when the period is shorter than a year, so `annualized` extrapolates.
        public var isShorterThanAYear: Bool { years < 1 }
    }

    public enum Result: Sendable, Hashable {
        case value(Value)
        /// No sub-period with capital, or capital appearing from nothing / lost entirely: why.
        case undefined(reason: String)

        public var value: Value? {
            if case .value(let v) = self { return v }
            return nil
        }
    }

    /// Chains `subPeriods` (in time order) into the cumulative and annualized return.
    /// - Complexity: O(n).
    public static func chain(_ subPeriods: [SubPeriod]) -> Result {
        let scale = subPeriods.reduce(0.0) { max($0, abs($1.startCapital), abs($1.endValue)) }
        guard scale.isFinite else { return .undefined(reason: "a value is not finite") }
        let tiny = 1e-9 * scale
        var growth = 1.0
        var used: [SubPeriod] = []
        for period in subPeriods {
            let startsEmpty = abs(period.startCapital) <= tiny, endsEmpty = abs(period.endValue) <= tiny
            if startsEmpty && endsEmpty { continue }
            if startsEmpty {
                return .undefined(reason: "value appears from no capital between \(period.start) and \(period.end)")
            }
            let factor = 1 + (period.endValue - period.startCapital) / abs(period.startCapital)
            guard factor > 0 else {
                return .undefined(reason: "the capital was lost or changed sign between \(period.start) and \(period.end)")
            }
            growth *= factor
            used.append(period)
        }
        guard let first = used.first, let last = used.last else { return .undefined(reason: "no capital was invested in the period") }
        let years = first.start.yearFraction(to: last.end)
        guard years > 0 else { return .undefined(reason: "the period has no length") }
        return .value(Value(cumulative: growth - 1, annualized: pow(growth, 1 / years) - 1, years: years,
                            since: first.start, subPeriods: used))
    }
}
