import Foundation
import LedgerMath
import PortfolioLedger
#if canImport(Glibc)
import Glibc
#endif

/// Imports price observations from a CSV file into an existing ledger — the seam through which
/// the library's own CSV import plugs into the benchmark.
///
/// The file is the benchmark's observation CSV (``ObservationCSV``): a header line, then
/// `series,observed_at,price` with the series name, Unix seconds and a decimal price, grouped by
/// series and in time order. The timed call includes opening and closing the ledger, as the
/// `sqlite3` shell's run includes opening and closing its database.
protocol ObservationCSVImporter: Sendable {
    /// What the output calls this importer.
    var label: String { get }
    /// True for a stand-in that is not the library's import path.
    var isPlaceholder: Bool { get }
    /// Imports `csv` into the ledger at `ledgerPath`; returns the number of observations stored.
    func importObservations(csv: String, into ledgerPath: String) throws -> Int
}

/// Wiring points for work that lands on other branches. Each is `nil` until then, and the job
/// that uses it says so in its output.
enum PendingHooks {
    /// Branch `import`: the library/CLI CSV import of price observations. Wire it by returning an
    /// importer that calls the library's import API (or runs `portfolio-ledger import`), adapting
    /// ``ObservationCSV/write(to:rows:series:)`` if that path reads another column layout; the
    /// `sqlite3` baseline's table follows the same columns.
    static let libraryCSVImport: (any ObservationCSVImporter)? = nil

    /// Branch `analytics`: the full report (valuation, loans, hedges, returns) over a ledger.
    static let fullReport: (any FullReportRunner)? = nil
}

/// The benchmark's observation CSV.
enum ObservationCSV {
    static let header = "series,observed_at,price"

    /// Writes `rows` observations spread over `series` series (hourly instants), streaming.
    static func write(to path: String, rows: Int, series: Int) throws {
        guard let file = fopen(path, "w") else { throw BenchError.failed("cannot write \(path)") }
        defer { fclose(file) }
        fputs(header + "\n", file)
        let perSeries = (rows + series - 1) / series
        var written = 0
        var line = ""
        for s in 0..<series {
            for i in 0..<perSeries where written < rows {
                line.removeAll(keepingCapacity: true)
                let price = (100.0 + Double((i * 7 + s) % 10_007) * 0.01 * 100).rounded() / 100
                line += "CSV-\(s),\(946_684_800 + Int64(i) * 3_600),\(price)\n"
                fputs(line, file)
                written += 1
            }
        }
    }

    /// The equivalent STRICT table for the `sqlite3` shell: the same key, types and CHECKs as
    /// `price_observation` (series by name, as in the CSV).
    static let sqliteTable = """
        CREATE TABLE price_observation_csv (
            series      TEXT    NOT NULL CHECK (length(series) BETWEEN 1 AND 200),
            observed_at INTEGER NOT NULL CHECK (observed_at BETWEEN 0 AND 253402300799),
            price       REAL    NOT NULL CHECK (price BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
            PRIMARY KEY (series, observed_at)
        ) STRICT, WITHOUT ROWID;
        """
}

/// TEMPORARY PLACEHOLDER — not the library's import path. Splits each line at commas (no
/// quoting, no validation beyond number parsing) and feeds `LedgerTransaction.addObservations`
/// in batches inside one transaction, so it measures the bulk write path under a naive parser.
/// Replace by ``PendingHooks/libraryCSVImport`` when branch `import` lands.
struct PlaceholderLineSplitImporter: ObservationCSVImporter {
    var label: String { "PLACEHOLDER line splitter + addObservations (not the library import)" }
    var isPlaceholder: Bool { true }

    func importObservations(csv: String, into ledgerPath: String) throws -> Int {
        guard let file = fopen(csv, "r") else { throw BenchError.failed("cannot read \(csv)") }
        defer { fclose(file) }
        let ledger = try Ledger.open(at: ledgerPath, clock: benchClock)
        return try ledger.write { tx in
            var seriesByName: [Substring: PriceSeriesID] = [:]
            var batch: [PriceObservation] = []
            batch.reserveCapacity(10_000)
            var current: PriceSeriesID?
            var stored = 0
            func flush() throws {
                if let current, !batch.isEmpty { stored += try tx.addObservations(batch, to: current) }
                batch.removeAll(keepingCapacity: true)
            }
            var buffer: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(buffer) }
            var lineNumber = 0
            while getline(&buffer, &capacity, file) > 0 {
                lineNumber += 1
                if lineNumber == 1 { continue }   // header
                let line = String(cString: buffer!).dropLast()
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count == 3, let at = Int64(fields[1]), let price = Double(fields[2]) else {
                    throw BenchError.failed("\(csv):\(lineNumber): not series,observed_at,price")
                }
                let series: PriceSeriesID
                if let known = seriesByName[fields[0]] {
                    series = known
                } else {
                    series = try tx.addPriceSeries(name: String(fields[0]), kind: .index)
                    seriesByName[fields[0]] = series
                }
                if series != current || batch.count == 10_000 {
                    try flush()
                    current = series
                }
                batch.append(PriceObservation(observedAt: Instant(unixSeconds: at), price: price))
            }
            try flush()
            return stored
        }
    }
}

/// CSV import: ours (the library import once wired, else the placeholder) vs the `sqlite3`
/// shell's `.import` of the same CSV into the equivalent STRICT table.
func importJob(_ config: Config, _ scratch: Scratch) throws -> Comparison {
    let rows = config.importRows
    let csv = scratch.file("observations", "csv")
    try ObservationCSV.write(to: csv, rows: rows, series: 100)
    defer { if !config.keep { unlink(csv) } }

    let importer: any ObservationCSVImporter = PendingHooks.libraryCSVImport ?? PlaceholderLineSplitImporter()
    var ours = Side(importer.label)
    for _ in 0..<config.repetitions {
        let path = scratch.file("import-ours", "ledger")
        _ = try Ledger.create(at: path, clock: benchClock)   // released at once: file made, connection closed
        let m = try Measure.run { try importer.importObservations(csv: csv, into: path) }
        guard m.result == rows else { throw BenchError.failed("ours imported \(m.result) of \(rows) rows") }
        ours.add(seconds: m.seconds, kib: m.kib)
        if !config.keep { scratch.removeDatabase(path) }
    }
    var comparison = Comparison(job: "CSV import", size: "\(Format.count(rows)) observations",
                                ours: ours, baseline: nil, target: importer.isPlaceholder ? .none : .faster)
    if importer.isPlaceholder {
        comparison.notes.append("the library's CSV import is on branch `import`; until PendingHooks.libraryCSVImport is wired, ours is a PLACEHOLDER and no target is judged")
    }
    guard Measure.onPath("sqlite3") else {
        comparison.notes.append("skipped the baseline: the sqlite3 shell is not on PATH")
        return comparison
    }
    var shell = Side("sqlite3 shell .import --csv (STRICT table, WAL, synchronous=FULL)")
    for _ in 0..<config.repetitions {
        let path = scratch.file("import-sqlite3", "db")
        let setup = try Measure.runChild(["sqlite3", path, "PRAGMA journal_mode = WAL", ObservationCSV.sqliteTable])
        guard setup.status == 0 else { throw BenchError.failed("sqlite3 could not create the table") }
        let run = try Measure.runChild(["sqlite3", "-bail", path, "PRAGMA synchronous = FULL",
                                        ".import --csv --skip 1 \(csv) price_observation_csv"])
        guard run.status == 0 else { throw BenchError.failed("sqlite3 .import failed (exit \(run.status))") }
        let check = try Measure.runChild(["sqlite3", path, "SELECT count(*) FROM price_observation_csv"])
        guard Int(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == rows else {
            throw BenchError.failed("sqlite3 imported \(check.stdout) rows, expected \(rows)")
        }
        shell.add(seconds: run.seconds, kib: run.peakKiB)
        if !config.keep { scratch.removeDatabase(path) }
    }
    comparison.baseline = shell
    comparison.notes.append("the sqlite3 time is the whole process (start, open, import in one transaction, close); ours includes opening and closing the ledger")
    return comparison
}
