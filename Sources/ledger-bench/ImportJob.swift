import Foundation
import LedgerMath
import PortfolioLedger
#if canImport(Glibc)
import Glibc
#endif

/// Imports price observations from a CSV file into an existing ledger — the seam through which
/// the library's own CSV import plugs into the benchmark.
///
/// The file is the benchmark's observation CSV (``ObservationCSV``). The timed call includes
/// opening and closing the ledger, as the `sqlite3` shell's run includes opening and closing its
/// database.
protocol ObservationCSVImporter: Sendable {
    /// What the output calls this importer.
    var label: String { get }
    /// Imports `csv` into the ledger at `ledgerPath`; returns the number of observations stored.
    func importObservations(csv: String, into ledgerPath: String) throws -> Int
}

/// Wiring points for work that lands on other branches; both are wired now.
enum PendingHooks {
    /// The library/CLI CSV import of price observations.
    static let libraryCSVImport: any ObservationCSVImporter = LibraryCSVImporter()

    /// The full report (valuation, loans, hedges, returns) over a ledger.
    static let fullReport: (any FullReportRunner)? = LibraryFullReport()
}

/// The library's CSV import, exactly as `portfolio-ledger import LEDGER prices FILE
/// --series-kind index --instant-format unix-seconds` runs it: `Ledger.importCSV(.prices, …)`
/// with a series per row (the file's `series` column), streaming, one transaction.
struct LibraryCSVImporter: ObservationCSVImporter {
    var label: String { "Swift: Ledger.importCSV(.prices), the import CLI's path" }

    func importObservations(csv: String, into ledgerPath: String) throws -> Int {
        let ledger = try Ledger.open(at: ledgerPath, clock: benchClock)
        let summary = try ledger.importCSV(.prices, file: csv, options: ObservationCSV.importOptions)
        return summary.inserted
    }
}

/// The benchmark's observation CSV: what both the library and the `sqlite3` shell read.
///
/// `series,observed_at,price`: the series as an integer (the ledger's series name, and — as the
/// series of a fresh ledger are numbered in order of creation — its `series_id` too), the instant
/// as Unix seconds, the price as a decimal. So the shell's `.import` can load the very same file
/// into a table with `price_observation`'s own column types (INTEGER, INTEGER, REAL).
enum ObservationCSV {
    static let header = "series,observed_at,price"

    /// What the library import is told about the file (the CLI's `--series-kind index
    /// --instant-format unix-seconds`).
    static let importOptions = CSVImportOptions(constants: ["kind": "index"], instantFormat: .unixSeconds)

    /// Writes `rows` observations spread over `series` series 1…`series` (hourly instants, each
    /// series in time order), streaming.
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
                line += "\(s + 1),\(946_684_800 + Int64(i) * 3_600),\(price)\n"
                fputs(line, file)
                written += 1
            }
        }
    }

    /// The judged baseline's table: `price_observation`'s columns as the file carries them, with
    /// the same types, CHECKs and primary key, STRICT, WITHOUT ROWID. (The ledger's table also
    /// has `recorded_at` and `source_id`, which the ledger adds and a CSV does not carry, a
    /// foreign key per reference, a `source_id` index and the append-only triggers.)
    static let sqliteTable = """
        CREATE TABLE price_observation (
            series_id   INTEGER NOT NULL,
            observed_at INTEGER NOT NULL CHECK (observed_at BETWEEN 0 AND 253402300799),
            price       REAL    NOT NULL CHECK (price BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308),
            PRIMARY KEY (series_id, observed_at)
        ) STRICT, WITHOUT ROWID;
        """

    /// Context baseline, setup: series 1…`series` and one import source in a fresh ledger.
    static func ledgerSetupSQL(series: Int) -> String {
        """
        INSERT INTO import_source (source_kind, source_name, imported_at) VALUES ('csv', 'sqlite3 shell', 1700000000);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(series))
        INSERT INTO price_series (series_name, series_kind, recorded_at) SELECT CAST(i AS TEXT), 'index', 1700000000 FROM n;
        """
    }

    /// Context baseline, timed: the shell reads the file into a TEMP table, then one
    /// `INSERT … SELECT` moves it into the ledger's own `price_observation` (FKs, index, trigger).
    static func ledgerImportCommands(csv: String) -> [String] {
        ["PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
         "CREATE TEMP TABLE staging (series_id INTEGER, observed_at INTEGER, price REAL)",
         ".import --csv --skip 1 \(csv) staging",
         "INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) SELECT series_id, observed_at, price, 1700000000, 1 FROM staging"]
    }
}

/// CSV import: the library import vs the `sqlite3` shell's `.import` of the same CSV into the
/// equivalent STRICT table (judged), and — for context — the shell loading the same file into the
/// ledger's own table; then the import's peak memory at 1× and 4× the rows.
func importJob(_ config: Config, _ scratch: Scratch) throws -> [Comparison] {
    let rows = config.importRows
    let series = 100
    let csv = scratch.file("observations", "csv")
    try ObservationCSV.write(to: csv, rows: rows, series: series)
    defer { if !config.keep { unlink(csv) } }

    let importer = PendingHooks.libraryCSVImport
    var ours = Side(importer.label)
    func runOurs(_ file: String, rows expected: Int) throws -> (seconds: Double, kib: Int) {
        let path = scratch.file("import-ours", "ledger")
        _ = try Ledger.create(at: path, clock: benchClock)   // released at once: file made, connection closed
        defer { if !config.keep { scratch.removeDatabase(path) } }
        let m = try Measure.run { try importer.importObservations(csv: file, into: path) }
        guard m.result == expected else { throw BenchError.failed("ours imported \(m.result) of \(expected) rows") }
        return (m.seconds, m.kib)
    }
    var shell = Side("sqlite3 shell .import --csv into the equivalent STRICT table")
    var context = Side("sqlite3 shell: .import to TEMP, INSERT … SELECT into the ledger's price_observation")
    let haveShell = Measure.onPath("sqlite3")
    func runShell() throws {
        let path = scratch.file("import-sqlite3", "db")
        defer { if !config.keep { scratch.removeDatabase(path) } }
        let setup = try Measure.runChild(["sqlite3", path, "PRAGMA journal_mode = WAL", ObservationCSV.sqliteTable])
        guard setup.status == 0 else { throw BenchError.failed("sqlite3 could not create the table") }
        let run = try Measure.runChild(["sqlite3", "-bail", path, "PRAGMA synchronous = FULL", ".import --csv --skip 1 \(csv) price_observation"])
        guard run.status == 0 else { throw BenchError.failed("sqlite3 .import failed (exit \(run.status))") }
        let check = try Measure.runChild(["sqlite3", path, "SELECT count(*) FROM price_observation"])
        guard Int(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == rows else {
            throw BenchError.failed("sqlite3 imported \(check.stdout) rows, expected \(rows)")
        }
        shell.add(seconds: run.seconds, kib: run.peakKiB)
    }
    func runContext() throws {
        let path = scratch.file("import-sqlite3-ledger", "ledger")
        _ = try Ledger.create(at: path, clock: benchClock)
        defer { if !config.keep { scratch.removeDatabase(path) } }
        let setup = try Measure.runChild(["sqlite3", "-bail", path, ObservationCSV.ledgerSetupSQL(series: series)])
        guard setup.status == 0 else { throw BenchError.failed("sqlite3 could not set up the ledger") }
        let run = try Measure.runChild(["sqlite3", "-bail", path] + ObservationCSV.ledgerImportCommands(csv: csv))
        guard run.status == 0 else { throw BenchError.failed("sqlite3 INSERT … SELECT into the ledger failed (exit \(run.status))") }
        let check = try Measure.runChild(["sqlite3", path, "SELECT count(*) FROM price_observation"])
        guard Int(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == rows else {
            throw BenchError.failed("sqlite3 loaded \(check.stdout) rows into the ledger, expected \(rows)")
        }
        context.add(seconds: run.seconds, kib: run.peakKiB)
    }
    // Alternate which side goes first in each repetition.
    for repetition in 0..<config.repetitions {
        let order: [() throws -> Void] = [
            { let r = try runOurs(csv, rows: rows); ours.add(seconds: r.seconds, kib: r.kib) },
            { if haveShell { try runShell() } },
            { if haveShell { try runContext() } },
        ]
        for step in (repetition % 2 == 0 ? order : order.reversed()) { try step() }
    }

    var judged = Comparison(job: "CSV import", size: "\(Format.count(rows)) observations, \(series) series",
                            ours: ours, baseline: haveShell ? shell : nil, target: .atLeast(1.0))
    judged.notes.append("same file for both (series,observed_at,price; Unix seconds); WAL, synchronous=FULL on both; the sqlite3 time is the whole process (start, open, import in one transaction, close); ours includes opening and closing the ledger")
    if !haveShell { judged.notes.append("skipped the baselines: the sqlite3 shell is not on PATH") }
    var results = [judged]
    if haveShell {
        var c = Comparison(job: "CSV import (context)", size: judged.size, ours: ours, baseline: context, target: .none)
        c.notes.append("context, not judged: the shell loading the same file into the ledger's own table (its FKs, source index and append-only trigger), staged through a TEMP table")
        results.append(c)
    }

    // Memory: the same import at 1× and 4× the rows, each in a process of its own
    // (`ledger-bench --child-import`), whose peak resident size (VmHWM) holds nothing but the
    // runtime and the import. The files are written first, by this process.
    let big = scratch.file("observations-4x", "csv")
    try ObservationCSV.write(to: big, rows: rows * 4, series: series)
    defer { if !config.keep { unlink(big) } }
    func runChild(_ file: String, rows expected: Int) throws -> Measure.ChildResult {
        let path = scratch.file("import-child", "ledger")
        _ = try Ledger.create(at: path, clock: benchClock)
        defer { if !config.keep { scratch.removeDatabase(path) } }
        let run = try Measure.runChild(["/proc/self/exe", "--child-import", file, path])
        guard run.status == 0, Int(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) == expected else {
            throw BenchError.failed("the import child failed (exit \(run.status), printed '\(run.stdout)')")
        }
        return run
    }
    let one = try runChild(csv, rows: rows)
    let four = try runChild(big, rows: rows * 4)
    let growth = Double(four.peakKiB) / Double(max(one.peakKiB, 1)) - 1
    var memory = Comparison(job: "CSV import memory", size: "\(Format.count(rows * 4)) vs \(Format.count(rows)) observations",
                            ours: Side("library import in its own process, 4× rows"), baseline: Side("the same, 1× rows"), target: .none)
    memory.comparesMemoryOnly = true
    memory.ours.add(seconds: four.seconds, kib: four.peakKiB)
    memory.baseline?.add(seconds: one.seconds, kib: one.peakKiB)
    memory.notes.append(String(format: "peak RSS (VmHWM of the importing process) %@ at %@ rows vs %@ at %@ rows: %+.1f %% (flat ⇔ within 20 %%: %@)",
                               Format.mib(four.peakKiB), Format.count(rows * 4), Format.mib(one.peakKiB), Format.count(rows),
                               growth * 100, abs(growth) <= 0.2 ? "met" : "MISSED"))
    results.append(memory)
    return results
}
