import Foundation

extension XIRR {
    /// Netted, date-ordered flows ready for iteration: `t[j]` in years from the first kept flow
    /// (ascending, `t[0] = 0`), `a[j]` the netted amount divided by the largest magnitude (so
    /// `max|a| = 1`), `ta[j] = t[j]·a[j]` precomputed for the derivative.
    struct Schedule {
        var t: [Double]
        var a: [Double]
        var ta: [Double]
        /// Whole-day offsets from the first kept flow when the basis is days (for the fast
        /// power ladder), else empty.
        var days: [Int32]
        var signChanges: Int

        enum Made {
            case schedule(Schedule)
            case outcome(Result)
        }

        static func make(dates: [Instant], amounts: [Double], basis: TimeBasis) -> Made {
            let n = amounts.count
            guard n >= 2 else { return .outcome(.invalid(.tooFewFlows(count: n))) }
            if let bad = amounts.firstIndex(where: { !$0.isFinite }) {
                return .outcome(.invalid(.nonFiniteAmount(index: bad)))
            }
            // Ticks: UTC day numbers (floor division, correct before 1970 too) or seconds.
            var ticks = [Int64](repeating: 0, count: n)
            var sorted = true
            for i in 0..<n {
                let s = dates[i].unixSeconds
                let tick: Int64
                switch basis {
                case .days:
                    let q = s / Instant.secondsPerDay
                    tick = (s % Instant.secondsPerDay < 0) ? q - 1 : q
                case .seconds:
                    tick = s
                }
                ticks[i] = tick
                if i > 0 && tick < ticks[i - 1] { sorted = false }
            }
            let order = sorted ? [] : sortedOrder(ticks)
            // Net same-tick flows; drop nets of exactly zero (they contribute nothing at any rate).
            var keptTicks: [Int64] = []
            var netted: [Double] = []
            keptTicks.reserveCapacity(n)
            netted.reserveCapacity(n)
            var i = 0
            while i < n {
                let idx = sorted ? i : order[i]
                let tick = ticks[idx]
                var sum = amounts[idx]
                i += 1
                while i < n, ticks[sorted ? i : order[i]] == tick {
                    sum += amounts[sorted ? i : order[i]]
                    i += 1
                }
                if sum != 0 {
                    keptTicks.append(tick)
                    netted.append(sum)
                }
            }
            var changes = 0
            for j in netted.indices.dropFirst() where (netted[j] > 0) != (netted[j - 1] > 0) { changes += 1 }
            guard changes > 0 else { return .outcome(.noSolution(.noSignChange)) }

            let scale = netted.reduce(0) { max($0, abs($1)) }
            let unit = basis == .days ? 365.0 : Double(Instant.secondsPerYear)
            let origin = keptTicks[0]
            let m = netted.count
            var t = [Double](repeating: 0, count: m)
            var a = [Double](repeating: 0, count: m)
            var ta = [Double](repeating: 0, count: m)
            for j in 0..<m {
                t[j] = Double(keptTicks[j] - origin) / unit
                a[j] = netted[j] / scale
                ta[j] = t[j] * a[j]
            }
            var days: [Int32] = []
            if basis == .days, keptTicks[m - 1] - origin < Int64(Int32.max) {
                days = keptTicks.map { Int32($0 - origin) }
            }
            return .schedule(Schedule(t: t, a: a, ta: ta, days: days, signChanges: changes))
        }

        /// Indices of `ticks` in ascending (tick, index) order: a counting sort when the ticks are
        /// dense; else, when the tick range and the count fit in 32 bits each, both packed into one
        /// `UInt64` key sorted as plain integers (several times faster than a comparator over two
        /// arrays); else a comparator sort.
        static func sortedOrder(_ ticks: [Int64]) -> [Int] {
            let lowest = ticks.min()!, highest = ticks.max()!
            let n = ticks.count
            let (range, overflow) = highest.subtractingReportingOverflow(lowest)
            if !overflow && range <= 8 * Int64(n) + 4096 {
                // Dense ticks (e.g. daily flows): a stable counting sort, O(n + range).
                var start = [Int](repeating: 0, count: Int(range) + 2)
                for tick in ticks { start[Int(tick - lowest) + 1] += 1 }
                for k in 1..<start.count { start[k] += start[k - 1] }
                var order = [Int](repeating: 0, count: n)
                for i in 0..<n {
                    let slot = Int(ticks[i] - lowest)
                    order[start[slot]] = i
                    start[slot] += 1
                }
                return order
            }
            if !overflow && range < 1 << 32 && n < 1 << 32 {
                var keys = [UInt64](repeating: 0, count: n)
                for i in 0..<n { keys[i] = UInt64(ticks[i] - lowest) << 32 | UInt64(i) }
                keys.sort()
                return keys.map { Int($0 & 0xFFFF_FFFF) }
            }
            var order = Array(0..<n)
            order.sort { ticks[$0] < ticks[$1] || (ticks[$0] == ticks[$1] && $0 < $1) }
            return order
        }

        func solve(guess: Double) -> Result {
            if a.count == 2 {
                // (1 + r)^t1 = −a1/a0 (opposite signs, t1 > 0 after netting).
                let r = expm1(log(-a[1] / a[0]) / t[1])
                guard r.isFinite else { return .noSolution(.noRootFound) }
                return .ok(Solution(rate: r, method: .closedForm, iterations: 0, signChanges: signChanges))
            }
            if let (r, steps) = newton(from: guess) {
                return .ok(Solution(rate: r, method: .newton, iterations: steps, signChanges: signChanges))
            }
            if let (r, evaluations) = bracketed(near: log1p(guess)) {
                return .ok(Solution(rate: r, method: .bracketing, iterations: evaluations, signChanges: signChanges))
            }
            return .noSolution(.noRootFound)
        }

        // MARK: Newton in r

        /// Newton's method on XNPV(r), Excel-style; nil when it overflows, stalls or takes more
        /// than 50 steps.
        func newton(from guess: Double) -> (Double, Int)? {
            var r = guess
            for step in 1...50 {
                let (f, weighted, gross) = evaluate(rate: r)
                // d/dr Σ a·(1+r)^(−t) = −Σ t·a·(1+r)^(−t) / (1 + r)
                let derivative = -weighted / (1 + r)
                guard f.isFinite, derivative.isFinite, derivative != 0 else { return nil }
                var next = r - f / derivative
                // A step past −100 % (typical when a long schedule is discounted hard at the guess)
                // is halved back towards −1 instead of failing, as a spreadsheet would; from there
                // Newton climbs monotonically on the usual convex XNPV profile.
                if next <= -1 { next = 0.5 * (r - 1) }
                guard next.isFinite else { return nil }
                if abs(next - r) <= 1e-12 * (1 + abs(next)) && abs(f) <= 1e-8 * gross { return (next, step) }
                r = next
            }
            return nil
        }

        /// `(Σ a·v, Σ t·a·v, Σ |a|·v)` with `v = (1+r)^(−t) = e^(−t·ln(1+r))`.
        func evaluate(rate r: Double) -> (Double, Double, Double) {
            let logGrowth = log1p(r)
            if !days.isEmpty { return evaluateDays(logGrowth: logGrowth) }
            var f = 0.0, weighted = 0.0, gross = 0.0
            t.withUnsafeBufferPointer { t in
                a.withUnsafeBufferPointer { a in
                    ta.withUnsafeBufferPointer { ta in
                        for j in 0..<t.count {
                            let v = exp(-t[j] * logGrowth)
                            f += a[j] * v
                            weighted += ta[j] * v
                            gross += abs(a[j]) * v
                        }
                    }
                }
            }
            return (f, weighted, gross)
        }

        /// The same sums on a whole-day schedule, where `v_j = w^(days_j)` with the one-day
        /// factor `w = e^(−ln(1+r)/365)`: successive flows a few days apart are reached by
        /// multiplying by a cached `w^gap` instead of calling `exp`. The running product is reset
        /// with an exact `exp` every 32 flows and on long gaps, so its rounding stays below
        /// ~40 ulps — far under the solver's tolerance — while most flows cost one multiply.
        func evaluateDays(logGrowth: Double) -> (Double, Double, Double) {
            let perDay = -logGrowth / 365
            let w = exp(perDay)
            var f = 0.0, weighted = 0.0, gross = 0.0
            // w^1 … w^8 by repeated multiplication (≤ 8 ulps), kept on the stack.
            var ladder = (1.0, w, w * w, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            ladder.3 = ladder.2 * w; ladder.4 = ladder.3 * w; ladder.5 = ladder.4 * w
            ladder.6 = ladder.5 * w; ladder.7 = ladder.6 * w; ladder.8 = ladder.7 * w
            withUnsafeBytes(of: &ladder) { raw in
                let powers = raw.bindMemory(to: Double.self)
                days.withUnsafeBufferPointer { d in
                    a.withUnsafeBufferPointer { a in
                        ta.withUnsafeBufferPointer { ta in
                            var v = 1.0
                            var sinceReset = 0
                            for j in 0..<d.count {
                                let gap = j == 0 ? 0 : Int(d[j] - d[j - 1])
                                if gap <= 8 && sinceReset < 32 && j > 0 {
                                    v *= powers[gap]
                                    sinceReset += 1
                                } else {
                                    v = exp(perDay * Double(d[j]))
                                    sinceReset = 0
                                }
                                f += a[j] * v
                                weighted += ta[j] * v
                                gross += abs(a[j]) * v
                            }
                        }
                    }
                }
            }
            return (f, weighted, gross)
        }

        // MARK: Bracketing in u = ln(1 + r)

        /// XNPV at `r = e^u − 1`, rescaled so that no term overflows: for `u ≥ 0` every
        /// `e^(−t·u) ≤ 1`; for `u < 0` the sum is multiplied by `e^(t_max·u) > 0`, making every
        /// term `e^((t_max − t)·u) ≤ 1`. The factor is positive, so the sign (and the roots) are
        /// those of XNPV, and the two forms agree at `u = 0`, so the function stays continuous.
        func scaledNPV(_ u: Double) -> Double {
            let shift = u < 0 ? t[t.count - 1] : 0
            var f = 0.0
            t.withUnsafeBufferPointer { t in
                a.withUnsafeBufferPointer { a in
                    for j in 0..<t.count { f += a[j] * exp((shift - t[j]) * u) }
                }
            }
            return f
        }

        /// A root in u found by bracketing, converted to a rate; nil when none is found or the
        /// rate overflows.
        func bracketed(near u0: Double) -> (Double, Int)? {
            var evaluations = 0
            func F(_ u: Double) -> Double {
                evaluations += 1
                return scaledNPV(u)
            }
            var bracket: (Double, Double, Double, Double)?   // (lo, F(lo), hi, F(hi))
            if signChanges == 1 {
                bracket = expandBracket(from: u0, F)
            } else {
                bracket = scanBracket(near: u0, F)
            }
            guard let (lo, flo, hi, fhi) = bracket else { return nil }
            let u = brent(lo, flo, hi, fhi, F)
            let r = expm1(u)
            return r.isFinite ? (r, evaluations) : nil
        }

        /// One sign change: XNPV has the sign of the first flow as `u → +∞` and of the last as
        /// `u → −∞`, with exactly one root between; walk from `u0` towards it by doubling steps.
        func expandBracket(from u0: Double, _ F: (Double) -> Double) -> (Double, Double, Double, Double)? {
            let f0 = F(u0)
            if f0 == 0 { return (u0, 0, u0, 0) }
            let positiveAtPlusInfinity = a[0] > 0
            let direction: Double = (f0 > 0) == positiveAtPlusInfinity ? -1 : 1
            var near = u0, fNear = f0, width = 1.0
            for _ in 0..<64 {
                let far = u0 + direction * width
                let fFar = F(far)
                if fFar == 0 || (fFar > 0) != (fNear > 0) {
                    return direction > 0 ? (near, fNear, far, fFar) : (far, fFar, near, fNear)
                }
                near = far
                fNear = fFar
                width *= 2
            }
            return nil
        }

        /// Several sign changes: tabulate the sign of XNPV on a grid of `u` (dense where rates
        /// are plausible: r from −99.999 % to +14,700 %, step 0.05 in u) and bracket the sign
        /// change nearest `u0`. Roots closer together than the grid step can be missed.
        func scanBracket(near u0: Double, _ F: (Double) -> Double) -> (Double, Double, Double, Double)? {
            var best: (Double, Double, Double, Double)?
            var bestDistance = Double.infinity
            var previous: (Double, Double)?
            func visit(_ u: Double) {
                let fu = F(u)
                if let (pu, pf) = previous, fu == 0 || (pf != 0 && (fu > 0) != (pf > 0)) {
                    let distance = abs(0.5 * (pu + u) - u0)
                    if distance < bestDistance {
                        bestDistance = distance
                        best = (pu, pf, u, fu)
                    }
                }
                previous = (u, fu)
            }
            for u in [-700.0, -300, -100, -50, -30, -20, -15] { visit(u) }
            var k = -240   // u = −12 … +5 in steps of 0.05
            while k <= 100 {
                visit(Double(k) * 0.05)
                k += 1
            }
            for u in [6.0, 8, 10, 15, 20, 30, 50, 100, 300, 700] { visit(u) }
            return best
        }

        /// Brent's method (after SciPy's `brentq`) on `[lo, hi]` with `F(lo)·F(hi) ≤ 0`, to a
        /// few ulps of u.
        func brent(_ lo: Double, _ flo: Double, _ hi: Double, _ fhi: Double,
                   _ F: (Double) -> Double) -> Double {
            if flo == 0 { return lo }
            if fhi == 0 { return hi }
            var xpre = lo, xcur = hi, fpre = flo, fcur = fhi
            var xblk = 0.0, fblk = 0.0, spre = 0.0, scur = 0.0
            for _ in 0..<300 {
                if fpre != 0 && fcur != 0 && (fpre > 0) != (fcur > 0) {
                    xblk = xpre; fblk = fpre
                    spre = xcur - xpre; scur = spre
                }
                if abs(fblk) < abs(fcur) {
                    xpre = xcur; xcur = xblk; xblk = xpre
                    fpre = fcur; fcur = fblk; fblk = fpre
                }
                let tolerance = 1e-18 + 4 * Double.ulpOfOne * abs(xcur)
                let sbis = (xblk - xcur) / 2
                if fcur == 0 || abs(sbis) < tolerance { return xcur }
                if abs(spre) > tolerance && abs(fcur) < abs(fpre) {
                    var stry: Double
                    if xpre == xblk {
                        stry = -fcur * (xcur - xpre) / (fcur - fpre)   // secant
                    } else {                                           // inverse quadratic
                        let dpre = (fpre - fcur) / (xpre - xcur)
                        let dblk = (fblk - fcur) / (xblk - xcur)
                        stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
                    }
                    if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - tolerance) {
                        spre = scur; scur = stry
                    } else {
                        spre = sbis; scur = sbis
                    }
                } else {
                    spre = sbis; scur = sbis
                }
                xpre = xcur; fpre = fcur
                xcur += abs(scur) > tolerance ? scur : (sbis > 0 ? tolerance : -tolerance)
                fcur = F(xcur)
            }
            return xcur
        }
    }
}
