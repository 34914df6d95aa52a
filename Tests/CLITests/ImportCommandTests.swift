import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing

/// Every row of every table, sorted: equal dumps mean the file's content did not change.
func dumpLedger(_ path: String) throws -> [String] {
    let db = try Connection(path: path, mode: .readOnly)
    var tables: [String] = []
    try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { tables.append(try $0.column(0)) }
    var lines: [String] = []
    for table in tables {
        // Names come from sqlite_schema, not from a user.
        try db.query("SELECT * FROM \"\(table)\"") { row in
            lines.append(([table] + (0..<row.columnCount).map { row.isNull($0) ? "NULL" : ((try? row.column($0, as: String.self)) ?? "?") })
                .joined(separator: "|"))
        }
    }
    return lines.sorted()
}

func writeText(_ text: String, to path: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

@Suite struct ImportCommandTests {
    let dir = TemporaryDirectory()

    func newLedger() throws -> String {
        let path = dir.path("book.ledger")
        #expect(try CLIRunner.run(["init", path]).exitCode == 0)
        return path
    }

    @Test func pricesWithMappingFlagsThenReimport() throws {
        let ledger = try newLedger()
        let file = dir.path("eth.csv")
        try writeText("date,snapshot_utc,price_usd\n2021-03-11,2021-03-11T00:00:00Z,1826.0574768119818\n2021-03-12,2021-03-12T00:00:00Z,1772.3\n", to: file)
        let args = ["import", ledger, "prices", file, "--time-column", "snapshot_utc", "--price-column", "price_usd",
                    "--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"]
        let first = try CLIRunner.run(args)
        #expect(first.exitCode == 0)
        #expect(first.stdout == "imported prices from \(file) into \(ledger): 2 rows read, 2 inserted, 0 skipped as duplicates (source 1)\n")
        #expect(first.stderr.isEmpty)  // no progress: stderr is not a terminal
        let again = try CLIRunner.run(args)
        #expect(again.exitCode == 0)
        #expect(again.stdout == "\(file) was already imported into \(ledger) (source 1, same content and mapping): nothing changed\n")
        let db = try Connection(path: ledger, mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM price_observation WHERE source_id = 1", as: Int.self) == 2)
    }

    /// `--recorded-at` stamps every row with a past instant (backfilling), which as-known-at reads
    /// honour; a future instant is refused and books nothing.
    @Test func recordedAtBackfillsAndRefusesTheFuture() throws {
        let ledger = try newLedger()
        let file = dir.path("eth.csv")
        try writeText("observed_at,price\n2021-03-11,1826.05\n", to: file)
        let args = ["import", ledger, "prices", file, "--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"]
        let before = try dumpLedger(ledger)
        let future = try CLIRunner.run(args + ["--recorded-at", "2999-01-01"])
        #expect(future.exitCode == 64)
        #expect(future.stderr == "portfolio-ledger: error: --recorded-at: 2999-01-01T00:00:00Z is in the future: a row cannot be known before it is booked\n")
        #expect(try dumpLedger(ledger) == before)
        let bad = try CLIRunner.run(args + ["--recorded-at", "yesterday"])
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("--recorded-at:"))
        #expect(try CLIRunner.run(args + ["--recorded-at", "2021-03-12T08:00:00Z"]).exitCode == 0)
        let db = try Connection(path: ledger, mode: .readOnly)
        #expect(try db.scalar("SELECT recorded_at FROM price_observation", as: Int64.self) == 1_615_536_000)
    }

    @Test func unixSecondsAndASeriesColumn() throws {
        let ledger = try newLedger()
        let file = dir.path("obs.csv")
        try writeText("series,observed_at,price\n1,946684800,100\n1,946688400,101.5\n2,946684800,7\n", to: file)
        let result = try CLIRunner.run(["import", ledger, "prices", file, "--series-kind", "index", "--instant-format", "unix-seconds"])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "imported prices from \(file) into \(ledger): 3 rows read, 3 inserted, 0 skipped as duplicates (source 1)\n")
        let db = try Connection(path: ledger, mode: .readOnly)
        #expect(try db.scalar("""
            SELECT group_concat(s.series_name || '@' || o.observed_at || '=' || o.price, ' ') FROM price_observation o
            JOIN price_series s USING (series_id) ORDER BY s.series_name, o.observed_at
            """, as: String.self) == "1@946684800=100.0 1@946688400=101.5 2@946684800=7.0")
        // Without the flag the same file's instants are not ISO 8601 dates.
        let iso = try CLIRunner.run(["import", ledger, "prices", file, "--series-kind", "index"])
        #expect(iso.exitCode == 65)
        #expect(iso.stderr.contains("'946684800' is not a date (YYYY-MM-DD) or a UTC instant"))
    }

    @Test func theFirstBadLineIsOneLineOnStderrAndTheLedgerIsUnchanged() throws {
        let ledger = try newLedger()
        let before = try dumpLedger(ledger)
        let file = dir.path("bad.csv")
        try writeText("when,value\n2021-03-11,1\n2021-03-12,NaN\n2021-03-13,x\n", to: file)
        let result = try CLIRunner.run(["import", ledger, "prices", file, "--map", "observed_at=when", "--map", "price=value",
                                        "--series", "X", "--series-kind", "index"])
        #expect(result.exitCode == 65)
        #expect(result.stderr == "portfolio-ledger: error: \(file):3: column 'value': 'NaN' is not a finite number\n")
        #expect(result.stdout.isEmpty)
        #expect(try dumpLedger(ledger) == before)
    }

    @Test func dateOnlyValuesTakeAtTimeInTheTimeZone() throws {
        let ledger = try newLedger()
        let file = dir.path("spx.csv")
        try writeText("date,close\n2021-03-12,3943.34\n2021-03-15,3968.94\n", to: file)
        let result = try CLIRunner.run(["import", ledger, "prices", file, "--time-column", "date", "--price-column", "close", "--series", "SPX",
                                        "--series-kind", "index", "--at-time", "16:00", "--time-zone", "America/New_York"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let db = try Connection(path: ledger, mode: .readOnly)
        var instants: [Int64] = []
        try db.query("SELECT observed_at FROM price_observation ORDER BY observed_at") { instants.append(try $0.column(0)) }
        // 21:00 UTC before the DST change on 2021-03-14, 20:00 UTC after it.
        #expect(instants == [1_615_582_800, 1_615_838_400])
    }

    @Test func journalImport() throws {
        let ledger = try newLedger()
        let file = dir.path("journal.jsonl")
        try writeText("""
            {"type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":"5000"}
            {"type":"balance_assertion","asserted_at":"2021-03-11T00:00:00Z","currency":"ETH","amount":"5000"}

            """, to: file)
        let result = try CLIRunner.run(["import", ledger, "jsonl", file])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "imported jsonl from \(file) into \(ledger): 2 rows read, 2 inserted, 0 skipped as duplicates (source 1)\n")
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)

        let bad = dir.path("bad.jsonl")
        try writeText(#"{"type":"external_flow","kind":"deposit","flowed_at":"2021-03-10T00:00:00Z","currency":"ETH","amount":5000}"# + "\n", to: bad)
        let refused = try CLIRunner.run(["import", ledger, "jsonl", bad])
        #expect(refused.exitCode == 65)
        #expect(refused.stderr == "portfolio-ledger: error: \(bad):1: column 'amount': expected a JSON string (money, decimals and instants are strings: a JSON number is lossy), found number 5000\n")
    }

    @Test func usageErrors() throws {
        let ledger = try newLedger()
        let file = dir.path("x.csv")
        try writeText("observed_at,price\n", to: file)
        let unknown = try CLIRunner.run(["import", ledger, "prices", file, "--preset", "nope"])
        #expect(unknown.exitCode == 64)
        #expect(unknown.stderr.contains("unknown preset 'nope'"))
        let mismatch = try CLIRunner.run(["import", ledger, "prices", file, "--preset", "spx-options-cboe"])
        #expect(mismatch.exitCode == 64)
        #expect(mismatch.stderr.contains("preset 'spx-options-cboe' imports quotes, not prices"))
        let badKind = try CLIRunner.run(["import", ledger, "trades", file])
        #expect(badKind.exitCode == 64)
        let notALedger = try CLIRunner.run(["import", dir.path("missing.ledger"), "prices", file, "--series", "X"])
        #expect(notALedger.exitCode == 4)
    }

    @Test func presetOnTheRealETHFile() throws {
        let ledger = try newLedger()
        let file = try TestRequirement.realData("market/eth_usd_daily_coingecko.csv")
        let result = try CLIRunner.run(["import", ledger, "prices", file, "--preset", "eth-usd-coingecko"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains(": 3351 rows read, 3351 inserted, 0 skipped as duplicates (source 1)"))
    }
}
