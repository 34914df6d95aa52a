import BenchBaselines
import LedgerMath
import PortfolioLedger

/// The fixed `recorded_at` of every benchmark ledger (reproducible files).
let benchClock: @Sendable () -> Instant = { Instant(unixSeconds: 1_700_000_000) }

/// Bulk insert: `Ledger.write { tx.addObservations }` vs one prepared statement in C, each into
/// a fresh ledger file made by the library (same schema, same BEFORE INSERT trigger, same
/// connection settings).
func insertJob(_ config: Config, _ scratch: Scratch) throws -> Comparison {
    let rows = config.insertRows
    let firstAt: Int64 = 946_684_800   // 2000-01-01
    let step: Int64 = 3_600
    var ours = Side("Swift: Ledger.write { tx.addObservations }")
    var raw = Side("C: sqlite3_bind/step/reset loop")

    /// A new ledger with one series; returns its path and the series id.
    func freshLedger(_ stem: String) throws -> (String, Ledger, PriceSeriesID) {
        let path = scratch.file(stem, "ledger")
        let ledger = try Ledger.create(at: path, clock: benchClock)
        let series = try ledger.write { try $0.addPriceSeries(name: "BENCH", kind: .index) }
        return (path, ledger, series)
    }

    try interleaved(config.repetitions, ours: {
            let (path, ledger, series) = try freshLedger("insert-ours")
            let observations = (0..<rows).lazy.map { i in
                PriceObservation(observedAt: Instant(unixSeconds: firstAt + Int64(i) * step), price: bench_price(Int64(i)))
            }
            let m = try Measure.run { try ledger.write { tx in try tx.addObservations(observations, to: series) } }
            guard m.result == rows else { throw BenchError.failed("ours inserted \(m.result) of \(rows) rows") }
            ours.add(seconds: m.seconds, kib: m.kib)
            if !config.keep { scratch.removeDatabase(path) }
        }, baseline: {
            // The library makes the file; its connection closes when `freshLedger`'s ledger is released.
            let (path, seriesID) = try { let (p, _, s) = try freshLedger("insert-raw"); return (p, s.rawValue) }()
            guard let db = bench_c_open(path, 0) else { throw BenchError.failed("baseline cannot open \(path)") }
            let m = Measure.run { bench_c_insert_observations(db, seriesID, Int64(rows), firstAt, step, benchClock().unixSeconds) }
            bench_c_close(db)
            guard m.result == rows else { throw BenchError.failed("baseline inserted \(m.result) of \(rows) rows") }
            raw.add(seconds: m.seconds, kib: m.kib)
            if !config.keep { scratch.removeDatabase(path) }
        })
    return Comparison(job: "bulk insert", size: "\(Format.count(rows)) observations", ours: ours, baseline: raw,
                      target: .atLeast(0.8), notes: ["same ledger schema (STRICT, WITHOUT ROWID, BEFORE INSERT trigger), WAL, synchronous=FULL, foreign_keys=ON, one transaction"])
}

/// As-of lookups: `LedgerSnapshot.priceIfAny` inside one `Ledger.read` vs the same SQL through one
/// prepared statement in C, on the same ledger file (same primary-key index), same queries.
func lookupJob(_ config: Config, _ scratch: Scratch) throws -> Comparison {
    let path = scratch.file("lookup", "ledger")
    let seriesCount = config.lookupSeries
    let perSeries = config.observationsPerLookupSeries
    let firstAt: Int64 = 946_684_800
    let step: Int64 = 86_400
    var seriesIDs: [PriceSeriesID] = []
    do {
        let ledger = try Ledger.create(at: path, clock: benchClock)
        try ledger.write { tx in
            for s in 0..<seriesCount {
                let id = try tx.addPriceSeries(name: "LOOKUP-\(s)", kind: .index)
                seriesIDs.append(id)
                try tx.addObservations((0..<perSeries).lazy.map { i in
                    PriceObservation(observedAt: Instant(unixSeconds: firstAt + Int64(i) * step), price: bench_price(Int64(i + s)))
                }, to: id)
            }
        }
    }
    defer { if !config.keep { scratch.removeDatabase(path) } }

    // The same random (series, instant) pairs for both sides; some fall before the first
    // observation (no row), most between observations (a backwards seek).
    var random = SeededRandom(seed: 7)
    let n = config.lookups
    let span = Int64(perSeries) * step
    let querySeries = (0..<n).map { _ in seriesIDs[Int(random.next() % UInt64(seriesCount))] }
    let queryInstants = (0..<n).map { _ in firstAt - 5 * step + Int64(random.next() % UInt64(span + 5 * step)) }
    let rawSeries = querySeries.map(\.rawValue)

    var ours = Side("Swift: Ledger.read { snapshot.priceIfAny }")
    var raw = Side("C: same SQL, one prepared statement")
    var checksums: (Double, Double) = (0, 0)
    try interleaved(config.repetitions, ours: {
            let ledger = try Ledger.openReadOnly(at: path)
            let m = try Measure.run {
                try ledger.read { snapshot in
                    var sum = 0.0
                    for i in 0..<n {
                        if let found = try snapshot.priceIfAny(of: querySeries[i], at: Instant(unixSeconds: queryInstants[i])) {
                            sum += found.price
                        }
                    }
                    return sum
                }
            }
            checksums.0 = m.result
            ours.add(seconds: m.seconds, kib: m.kib)
        }, baseline: {
            guard let db = bench_c_open(path, 1) else { throw BenchError.failed("baseline cannot open \(path)") }
            var sum = 0.0
            let m = Measure.run { bench_c_asof_lookups(db, LedgerSnapshot.asOfSQL, rawSeries, queryInstants, Int64(n), Int64.max, &sum) }
            bench_c_close(db)
            guard m.result >= 0 else { throw BenchError.failed("baseline lookups failed") }
            checksums.1 = sum
            raw.add(seconds: m.seconds, kib: m.kib)
        })
    guard checksums.0 == checksums.1 else { throw BenchError.failed("lookup checksums differ: \(checksums.0) vs \(checksums.1)") }
    return Comparison(job: "as-of lookups", size: "\(Format.count(n)) lookups in \(Format.count(seriesCount * perSeries)) rows",
                      ours: ours, baseline: raw, target: .atLeast(0.8),
                      notes: [String(format: "checksum Σprice = %.2f on both sides", checksums.0)])
}

/// Runs both sides once per repetition, alternating which goes first, so that neither side
/// always inherits the other's warm (or cold) caches.
func interleaved(_ repetitions: Int, ours: () throws -> Void, baseline: () throws -> Void) rethrows {
    for repetition in 0..<repetitions {
        if repetition % 2 == 0 {
            try ours()
            try baseline()
        } else {
            try baseline()
            try ours()
        }
    }
}
