import Foundation
import LedgerMath
import PortfolioLedger
import SQLiteDB

/// A test-only reader process for the concurrency tests (`ConcurrencyTests`): it reads a ledger
/// through the library's read-only path, again and again, while another process imports into it,
/// and fails on the first error or inconsistent snapshot.
///
/// `ledger-probe LEDGER STOP-FILE ROWS [reopen|keep]`: reads until STOP-FILE exists (at least
/// once, at most 10 minutes).
///
/// Every price series in the ledger was created by the import that filled it, in the same
/// transaction, so in every snapshot each series holds exactly ROWS observations, there is one
/// `import_source` per series, and every series' latest price (asked through `Ledger.read`, as
/// reports do) is the file's last row. Exit 0 prints `reads=K series=S`; any error or
/// inconsistency prints one line on stderr and exits 1.
@main
struct LedgerProbe {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 4, let rows = Int(args[3]) else {
            fail("usage: ledger-probe LEDGER STOP-FILE ROWS [reopen|keep]")
        }
        let path = args[1], stopFile = args[2]
        let reopen = args.count < 5 || args[4] == "reopen"
        let deadline = Date().addingTimeInterval(600)
        var reads = 0
        var maxSeries = 0
        do {
            var connection: Connection?
            var ledger: Ledger?
            while reads == 0 || (!FileManager.default.fileExists(atPath: stopFile) && Date() < deadline) {
                if reopen || connection == nil {
                    connection?.close()
                    connection = try LedgerFile.openReadOnly(at: path)
                    ledger = try Ledger.openReadOnly(at: path)
                }
                guard let connection, let ledger else { break }
                let series = try checkSnapshot(connection, rows: rows)
                try checkLatestPrices(ledger, rows: rows)
                maxSeries = max(maxSeries, series)
                reads += 1
            }
            connection?.close()
        } catch {
            fail("read \(reads + 1) failed: \(error)")
        }
        print("reads=\(reads) series=\(maxSeries)")
    }

    /// Counts in one snapshot: every series full, one import source per series.
    static func checkSnapshot(_ db: Connection, rows: Int) throws -> Int {
        try db.read { db in
            var seriesCount = 0
            try db.query("""
                SELECT s.series_name, count(o.observed_at) FROM price_series s
                LEFT JOIN price_observation o ON o.series_id = s.series_id GROUP BY s.series_id
                """) { row in
                let name: String = try row.column(0)
                let count: Int = try row.column(1)
                if count != rows { fail("series \(name) holds \(count) observations, expected \(rows): a half-imported file is visible") }
                seriesCount += 1
            }
            let sources = try db.scalar("SELECT count(*) FROM import_source", as: Int.self)
            if sources != seriesCount { fail("\(sources) import sources but \(seriesCount) series") }
            return seriesCount
        }
    }

    /// The report path: the latest price of each series through `Ledger.read`.
    static func checkLatestPrices(_ ledger: Ledger, rows: Int) throws {
        let expected = lastPrice(rows: rows)
        try ledger.read { snapshot in
            for series in try snapshot.allSeries() {
                let latest = try snapshot.price(of: series, at: Instant(unixSeconds: 4_000_000_000))
                if latest.price != expected { fail("series \(series.name): latest price \(latest.price), expected \(expected)") }
            }
        }
    }

    /// The price on the last row of the files the tests generate (`1000 + (rows - 1) / 100`).
    static func lastPrice(rows: Int) -> Double { Double(100_000 + rows - 1) / 100 }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("ledger-probe: \(message)\n".utf8))
        exit(1)
    }
}
