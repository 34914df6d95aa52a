import BenchBaselines
import Foundation
import LedgerMath
import PortfolioLedger

/// The refresh job at 1×, 2× and 4× history: a full `Ledger.refreshAnalytics` on a copy of each
/// synthetic ledger (the report job's books), timed end to end — its cost per history day must be
/// flat (linear in history) — and its write transaction's rows per second against the plain-C
/// insert loop writing the same number of rows into a fresh ledger (target ≥ 0.5).
func refreshJob(_ config: Config, _ scratch: Scratch) throws -> [Comparison] {
    var results: [Comparison] = []
    var perDay: [(Int, Double)] = []
    let repetitions = min(config.repetitions, 3)
    let parameters = DerivedAnalyticsParameters(maxPriceAgeSeconds: 3 * 86_400, market: LibraryFullReport.market)
    for scale in config.reportScales {
        let source = scratch.file("refresh-\(scale)x", "ledger")
        let summary = try SyntheticLedger.generate(at: source, shape: config.reportShape, scale: scale)
        defer { if !config.keep { scratch.removeDatabase(source) } }
        let size = "\(config.reportShape.years * scale) y (\(Format.count(summary.days)) days), \(config.reportShape.nfts) NFTs"

        /// A full refresh of a fresh copy (so every repetition computes everything).
        func refreshCopy() throws -> (seconds: Double, kib: Int, report: DerivedRefreshReport) {
            let copy = scratch.file("refresh-\(scale)x-run", "ledger")
            try LedgerFile.backup(from: source, to: copy)
            defer { scratch.removeDatabase(copy) }
            let ledger = try Ledger.open(at: copy, clock: benchClock)
            let m = try Measure.run { try ledger.refreshAnalytics(parameters) }
            guard m.result.mode == .full, m.result.rowsWritten > 0 else { throw BenchError.failed("refresh \(scale)×: \(m.result.mode), \(m.result.rowsWritten) rows") }
            return (m.seconds, m.kib, m.result)
        }
        // Untimed first run: the row count the baseline writes, and warm caches for both sides.
        let rows = try refreshCopy().report.rowsWritten
        var whole = Side("Swift: Ledger.refreshAnalytics, full (compute + write)")
        var writes = Side("Swift: the refresh's write transaction (one prepared INSERT per table)")
        var raw = Side("C: sqlite3_bind/step/reset loop into price_observation, same row count")
        var report: DerivedRefreshReport?
        try interleaved(repetitions, ours: {
            let run = try refreshCopy()
            report = run.report
            whole.add(seconds: run.seconds, kib: run.kib)
            writes.add(seconds: run.report.writeSeconds, kib: run.kib)
        }, baseline: {
            let path = scratch.file("refresh-raw", "ledger")
            defer { scratch.removeDatabase(path) }
            let series = try Ledger.create(at: path, clock: benchClock).write { try $0.addPriceSeries(name: "BENCH", kind: .index) }
            guard let db = bench_c_open(path, 0) else { throw BenchError.failed("baseline cannot open \(path)") }
            let m = Measure.run { bench_c_insert_observations(db, series.rawValue, Int64(rows), 1_600_000_000, 60, benchClock().unixSeconds) }
            bench_c_close(db)
            guard m.result == rows else { throw BenchError.failed("baseline inserted \(m.result) of \(rows) rows") }
            raw.add(seconds: m.seconds, kib: m.kib)
        })
        guard let report else { continue }
        var row = Comparison(job: "refresh \(scale)× (write)", size: "\(Format.count(rows)) derived rows; \(size)", ours: writes, baseline: raw,
                             target: .atLeast(0.5))
        row.notes.append("\(report.loanDays) loan-days, \(report.hedgeLegDays) hedge-leg-days, \(report.portfolioDays) portfolio days, \(report.returnLayers) return layers")
        row.notes.append(String(format: "end to end %.3f s (compute %.3f s + write %.3f s): %.0f rows/s, %.1f µs per history day",
                                whole.median, report.computeSeconds, report.writeSeconds, Double(rows) / whole.median,
                                whole.median / Double(summary.days) * 1e6))
        perDay.append((scale, whole.median / Double(summary.days)))
        results.append(Comparison(job: "refresh \(scale)× (whole)", size: size, ours: whole, baseline: nil, target: .none))
        results.append(row)
        say(Format.progress(results[results.count - 2]))
        say(Format.progress(row))
    }
    if let base = perDay.first?.1 {
        let growth = perDay.map { String(format: "%d× %.1f µs/day (%.2f of 1×)", $0.0, $0.1 * 1e6, $0.1 / base) }
        let line = "refresh cost per history day (constant ⇔ linear growth): " + growth.joined(separator: ", ")
        results[results.count - 1].notes.append(line)
        say("  \(line)")
    }
    return results
}
