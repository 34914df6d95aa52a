/// Money-weighted annual return of dated cash flows (Excel's `XIRR`).
///
/// Solves for the rate `r > −1` with
///
/// ```
/// XNPV(r) = Σ P_i / (1 + r)^((d_i − d_0)/365) = 0
/// ```
///
/// where `d_0` is the **earliest** date (flows may come in any order) and exponents are
/// Actual/365 Fixed: elapsed days / 365, leap days counted, never divided by 366.
///
/// **Time basis.** ``TimeBasis/days`` (the default) truncates each instant to its UTC calendar
/// day before differencing, as Excel ("time information in the date arguments is ignored"),
/// LibreOffice and pyxirr do, so results match spreadsheets to the last digits.
/// ``TimeBasis/seconds`` uses exact elapsed seconds / 31,536,000 instead, the same Act/365F
/// clock the lending protocols and the option model use.
///
/// **Algorithm.** Flows at the same instant are netted, zero nets dropped, and amounts scaled by
/// the largest magnitude, so nothing below depends on the currency unit (1e-12 or 1e12 give the
/// same rate). Then:
/// 1. two remaining flows: closed form, `r = (−P_1/P_0)^(1/t_1) − 1`;
/// 2. Newton's method in `r` from `guess` (default 0.1, Excel's), at most 50 steps (a step past
///    −100 % is halved back towards −1 rather than abandoned), accepted when
///    the step is below 1e-12·(1 + |r|) and the residual is below 1e-9 of `Σ|P_i·v_i|` —
///    spreadsheet parity whenever a spreadsheet finds a root;
/// 3. otherwise bracketing in `u = ln(1 + r)`: Brent's method on a sign change of the NPV,
///    evaluated in a rescaled form that cannot overflow, so roots from `r ≈ −1 + 1e-16` to
///    `r ≈ e^700` are found (rates near −100 % and far above +1000 % included).
///
/// **Uniqueness.** The netted, date-ordered flows' sign changes bound the number of roots
/// (Descartes' rule of signs holds for these real-exponent sums). One change: exactly one root.
/// Several: there may be several roots, ``Solution/multipleRootsPossible`` is set, and the root
/// chosen is the one Newton reaches from `guess` or, failing that, the bracketed root nearest to
/// `guess` on a grid in `u` — not necessarily the one another library reports.
///
/// **Cost.** A counting sort (or O(n log n) sort) for unsorted input, then O(n) per iteration:
/// on whole days the discount factors of nearby dates are chained by multiplication (an exact
/// `exp` every 32 flows), otherwise one `exp` per distinct date; no allocation in the iteration.
/// About 0.4 ms for 10,000 daily flows (pyxirr: 0.65 ms on the same machine).
///
/// Sources: ECMA-376 Part 4 `XIRR`; LibreOffice `scaddins/source/analysis/financial.cxx`;
/// pyxirr `src/core/scheduled/xirr.rs` (earliest date as `d_0`).
public enum XIRR {
    /// One dated cash flow: negative = paid out (invested), positive = received.
    public struct Flow: Sendable, Hashable {
        public var date: Instant
        public var amount: Double
        public init(_ date: Instant, _ amount: Double) {
            self.date = date
            self.amount = amount
        }
    }

    /// How elapsed time is measured between flows (both Act/365F).
    public enum TimeBasis: Sendable, Hashable {
        /// Whole UTC calendar days / 365 (Excel, LibreOffice, pyxirr).
        case days
        /// Elapsed seconds / 31,536,000.
        case seconds
    }

    /// How the reported root was found.
    public enum Method: String, Sendable, Hashable {
        /// Closed form for two (netted) flows.
        case closedForm
        /// Newton's method from the guess (the spreadsheet root).
        case newton
        /// Bracketing (Brent) after Newton failed.
        case bracketing
    }

    /// A root of the XNPV equation.
    public struct Solution: Sendable, Hashable {
        /// The annual rate, e.g. 0.0501 = 5.01 % per year (`> −1`).
        public var rate: Double
        public var method: Method
        /// Newton steps or function evaluations spent.
        public var iterations: Int
        /// Sign changes of the netted, date-ordered flows (≥ 1).
        public var signChanges: Int
        /// More than one sign change: other roots may exist; this one is reported.
        public var multipleRootsPossible: Bool { signChanges > 1 }
    }

    /// Why there is no rate.
    public enum NoSolutionReason: String, Sendable, Hashable {
        /// After netting same-day flows, the amounts do not include both a positive and a negative
        /// value (Excel's `#NUM!`), so XNPV never crosses zero.
        case noSignChange
        /// The flows change sign but XNPV has no root the solvers could find (it may stay on one
        /// side of zero, or touch zero only at a double root), or the root is beyond `e^700`.
        case noRootFound
    }

    /// Why the input was rejected.
    public enum InvalidReason: Sendable, Hashable, CustomStringConvertible {
        case tooFewFlows(count: Int)
        case countMismatch(dates: Int, amounts: Int)
        case nonFiniteAmount(index: Int)
        case invalidGuess(Double)

        public var description: String {
            switch self {
            case .tooFewFlows(let n): return "XIRR needs at least 2 cash flows, got \(n)"
            case .countMismatch(let d, let a): return "\(d) dates but \(a) amounts"
            case .nonFiniteAmount(let i): return "amount #\(i) is NaN or infinite"
            case .invalidGuess(let g): return "guess \(g) must be finite and > −1"
            }
        }
    }

    /// The typed outcome of ``solve(_:basis:guess:)``: a rate, no rate, or bad input — never NaN.
    public enum Result: Sendable, Hashable {
        case ok(Solution)
        case noSolution(NoSolutionReason)
        case invalid(InvalidReason)

        /// The rate when there is one.
        public var rate: Double? {
            if case .ok(let s) = self { return s.rate }
            return nil
        }
    }

    /// XIRR of `flows` (any order, same-day flows allowed, 2 to millions of flows).
    public static func solve(_ flows: some Collection<Flow>, basis: TimeBasis = .days,
                             guess: Double = 0.1) -> Result {
        var dates: [Instant] = []
        var amounts: [Double] = []
        dates.reserveCapacity(flows.count)
        amounts.reserveCapacity(flows.count)
        for f in flows {
            dates.append(f.date)
            amounts.append(f.amount)
        }
        return solve(dates: dates, amounts: amounts, basis: basis, guess: guess)
    }

    /// XIRR of parallel arrays of dates and amounts (pyxirr's and Excel's calling shape).
    public static func solve(dates: [Instant], amounts: [Double], basis: TimeBasis = .days,
                             guess: Double = 0.1) -> Result {
        guard dates.count == amounts.count else {
            return .invalid(.countMismatch(dates: dates.count, amounts: amounts.count))
        }
        guard guess > -1 && guess.isFinite else { return .invalid(.invalidGuess(guess)) }
        switch Schedule.make(dates: dates, amounts: amounts, basis: basis) {
        case .schedule(let schedule): return schedule.solve(guess: guess)
        case .outcome(let result): return result
        }
    }
}
