import BenchBaselines
import Foundation
import LedgerMath

/// BSM theta: `BlackScholes.thetaPerYear` (validating, typed throws) vs the same closed form as a
/// plain C loop, over the same input arrays. Both sums are printed so neither loop can be dropped.
func thetaJob(_ config: Config) throws -> Comparison {
    let n = config.thetaEvaluations
    var random = SeededRandom(seed: 42)
    var isCall = [UInt8](repeating: 0, count: n)
    var spot = [Double](repeating: 0, count: n), strike = spot, vol = spot, rate = spot, dividend = spot, years = spot
    for i in 0..<n {
        isCall[i] = UInt8(random.next() & 1)
        spot[i] = 3_000 + 3_000 * random.unit()
        strike[i] = spot[i] * (0.8 + 0.4 * random.unit())
        vol[i] = 0.08 + 0.5 * random.unit()
        rate[i] = 0.05 * random.unit()
        dividend[i] = 0.02 * random.unit()
        years[i] = (1 + 364 * random.unit()) / 365
    }
    var ours = Side("Swift: BlackScholes.thetaPerYear")
    var plain = Side("C: same formula, plain loop")
    var sums = (0.0, 0.0)
    try interleaved(config.repetitions, ours: {
        let m = try Measure.run { () throws(BlackScholes.InputError) -> Double in
            var sum = 0.0
            for i in 0..<n {
                sum += try BlackScholes.thetaPerYear(isCall[i] != 0 ? .call : .put, spot: spot[i], strike: strike[i], volatility: vol[i],
                                                     rate: rate[i], dividendYield: dividend[i], timeToExpiry: years[i])
            }
            return sum
        }
        sums.0 = m.result
        ours.add(seconds: m.seconds, kib: m.kib)
    }, baseline: {
        let c = Measure.run { bench_c_theta_sum(isCall, spot, strike, vol, rate, dividend, years, Int64(n)) }
        sums.1 = c.result
        plain.add(seconds: c.seconds, kib: c.kib)
    })
    let relative = abs(sums.0 - sums.1) / abs(sums.1)
    guard relative < 1e-9 else { throw BenchError.failed("theta checksums differ: \(sums.0) vs \(sums.1)") }
    return Comparison(job: "BSM theta", size: "\(Format.count(n)) evaluations", ours: ours, baseline: plain, target: .atLeast(0.8),
                      notes: [String(format: "checksum Σθ = %.6e (Swift) / %.6e (C), relative difference %.1e", sums.0, sums.1, relative)])
}

/// XIRR of 10,000 dated flows: `XIRR.solve` vs pyxirr's `xirr` in one Python process, timing only
/// the call on both sides (the flows are parsed before the clock starts).
func xirrJob(_ config: Config, _ scratch: Scratch) throws -> Comparison {
    let n = config.xirrFlows
    var random = SeededRandom(seed: 2024)
    let day: Int64 = 86_400
    let first: Int64 = 946_684_800   // 2000-01-01
    var dates: [Instant] = []
    var amounts: [Double] = []
    for i in 0..<n {
        dates.append(Instant(unixSeconds: first + Int64(i) * day))
        // One investment, then mostly income with occasional top-ups (several sign changes).
        let amount = i == 0 ? -1_000_000 : (random.unit() < 0.1 ? -100 - 400 * random.unit() : 20 + 380 * random.unit())
        amounts.append((amount * 100).rounded() / 100)
    }
    let samples = 51
    var ours = Side("Swift: XIRR.solve")
    var oursRate = Double.nan
    let m = Measure.run { () -> [Double] in
        var times: [Double] = []
        for _ in 0..<samples {
            let start = Measure.now()
            let result = XIRR.solve(dates: dates, amounts: amounts)
            times.append(Measure.now() - start)
            oursRate = result.rate ?? .nan
        }
        return times
    }
    ours.seconds = m.result
    ours.peakKiB = m.kib
    var comparison = Comparison(job: "XIRR", size: "\(Format.count(n)) flows", ours: ours, baseline: nil, target: .faster)

    guard Measure.onPath("python3") else {
        comparison.notes.append("skipped the baseline: python3 is not on PATH")
        return comparison
    }
    let csv = scratch.file("xirr-flows", "csv")
    var text = "date,amount\n"
    for (d, a) in zip(dates, amounts) { text += "\(ISO8601.formatDate(d)),\(a)\n" }
    try text.write(toFile: csv, atomically: true, encoding: .utf8)
    let script = """
        import csv, datetime, statistics, sys, time
        try:
            import pyxirr
        except ImportError:
            print("missing"); sys.exit(0)
        with open(sys.argv[1]) as f:
            rows = list(csv.DictReader(f))
        dates = [datetime.date.fromisoformat(r["date"]) for r in rows]
        amounts = [float(r["amount"]) for r in rows]
        times = []
        for _ in range(int(sys.argv[2])):
            start = time.perf_counter()
            rate = pyxirr.xirr(dates, amounts)
            times.append(time.perf_counter() - start)
        print("ok", repr(rate), pyxirr.__version__, " ".join(repr(t) for t in times))
        """
    let child = try Measure.runChild(["python3", "-c", script, csv, String(samples)])
    let words = child.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
    if words.first == "missing" {
        comparison.notes.append("skipped the baseline: pyxirr is not importable (pip install pyxirr)")
        return comparison
    }
    guard child.status == 0, words.count == 3 + samples, words[0] == "ok", let theirRate = Double(words[1]) else {
        throw BenchError.failed("the pyxirr baseline failed (exit \(child.status)): \(child.stdout.prefix(300))")
    }
    var baseline = Side("pyxirr \(words[2]).xirr (Rust), Python process")
    baseline.seconds = words[3...].compactMap(Double.init)
    baseline.peakKiB = child.peakKiB
    comparison.baseline = baseline
    comparison.notes.append(String(format: "rate: ours %.12f, pyxirr %.12f; %d timed calls per side, the Python process' peak RSS includes the interpreter", oursRate, theirRate, samples))
    if !(abs(oursRate - theirRate) <= 1e-9 * max(1, abs(theirRate))) {
        comparison.notes.append("WARNING: the rates differ")
    }
    return comparison
}
