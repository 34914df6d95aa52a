import Foundation
import SQLiteDB
import Testing

/// Several processes on one ledger file (WAL): readers never fail, never see `SQLITE_BUSY` and
/// never see half an import; a second writer waits for the first, and one that waits longer than
/// the 5 s busy timeout fails with a clear "busy" error and changes nothing.
@Suite(.serialized) struct ConcurrencyTests {
    let dir = TemporaryDirectory()
    static let rows = 20_000

    /// One writer imports file after file (some of them bad, rolled back at their last row) while
    /// four readers read: two `ledger-probe` processes checking every snapshot (one reopening the
    /// file for each read, one keeping its connection) and two loops of CLI reports and `check`.
    /// 8 s (`LEDGER_SOAK=1`: 60 s; `LEDGER_CONCURRENCY_SECONDS` overrides).
    @Test func readersNeverSeeAHalfImportedFileNorAnError() async throws {
        let seconds = Double(Reliability.setting("LEDGER_CONCURRENCY_SECONDS", Reliability.soak ? 60 : 8))
        let ledger = dir.path("shared.ledger"), good = dir.path("good.csv"), bad = dir.path("bad.csv")
        try Reliability.writePriceFile(good, rows: Self.rows)
        // The same rows with the last one broken: the import fails after streaming everything.
        var badText = try String(contentsOfFile: good, encoding: .utf8)
        badText += "2099-01-01T00:00:00Z,not-a-price\n"
        try Data(badText.utf8).write(to: URL(fileURLWithPath: bad))
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        // An ETH/USD series first, so `report valuation` can convert from the start.
        let fx = try CLIRunner.run(["import", ledger, "prices", good, "--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"])
        try #require(fx.exitCode == 0, "\(fx.stderr)")

        let probes = try [
            ChildProcess(Reliability.probe, [ledger, String(seconds), String(Self.rows), "reopen"], logDirectory: dir.url),
            ChildProcess(Reliability.probe, [ledger, String(seconds), String(Self.rows), "keep"], logDirectory: dir.url),
        ]
        let deadline = monotonicSeconds() + seconds
        let logs = dir.url
        async let reports = Self.cliReader(deadline: deadline, logDirectory: logs) { round in
            ["report", round.isMultiple(of: 2) ? "valuation" : "loans", ledger, "--at", "2000-01-05", "--format", "json", "--flag-missing-prices"]
        }
        async let checks = Self.cliReader(deadline: deadline, logDirectory: logs) { _ in ["check", ledger] }
        var imports = 0, refused = 0
        while monotonicSeconds() < deadline {
            let isBad = imports % 3 == 2
            let result = try await ChildProcess.run(CLIRunner.binary, ["import", ledger, "prices", isBad ? bad : good, "--series", "W\(imports)",
                                                                       "--series-kind", "index"], logDirectory: dir.url)
            if isBad {
                #expect(result.exitCode == 65 && result.stderr.contains("line \(Self.rows + 2)") || result.stderr.contains(":\(Self.rows + 2):"),
                        "\(result.stderr)")
                refused += 1
            } else {
                #expect(result.exitCode == 0, "writer: \(result.stderr)")
            }
            imports += 1
        }
        let readerRuns = try await [reports, checks]
        for probe in probes {
            await probe.wait()
            #expect(probe.exitCode == 0, "\(probe.stderr)")
            #expect(probe.stderr.isEmpty)
        }
        let probeReads = probes.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(imports >= 3)
        #expect(try Reliability.count(ledger, "SELECT count(*) FROM price_series") == 1 + imports - refused)
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)
        print("concurrency: \(String(format: "%.0f", seconds)) s, \(imports) imports (\(refused) refused), probes \(probeReads), CLI reader runs \(readerRuns)")
    }

    /// Runs CLI commands one after another until `deadline`; each must succeed with nothing on
    /// stderr (a `SQLITE_BUSY` or any other error would show there). Returns how many ran.
    private static func cliReader(deadline: Double, logDirectory: URL, _ arguments: @Sendable (Int) -> [String]) async throws -> Int {
        var round = 0
        while monotonicSeconds() < deadline {
            let result = try await ChildProcess.run(CLIRunner.binary, arguments(round), logDirectory: logDirectory)
            #expect(result.exitCode == 0, "\(arguments(round).joined(separator: " ")): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            round += 1
        }
        return round
    }

    /// Two imports started together: the second waits for the first's write lock, then succeeds.
    @Test func twoWritersBothSucceed() async throws {
        let ledger = dir.path("two.ledger"), csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 50_000)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let writers = try ["A", "B"].map { series in
            try ChildProcess(CLIRunner.binary, ["import", ledger, "prices", csv, "--series", series, "--series-kind", "index"], logDirectory: dir.url)
        }
        for writer in writers {
            await writer.wait()
            #expect(writer.exitCode == 0, "\(writer.stderr)")
        }
        #expect(try Reliability.count(ledger, "SELECT count(*) FROM price_observation") == 100_000)
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)
    }

    /// Another connection holds the write lock for 1 s: the import waits, then succeeds.
    @Test func aWriterWaitsForTheLockThenSucceeds() async throws {
        let ledger = dir.path("wait.ledger"), csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 100)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let holder = try Connection(path: ledger, mode: .readWrite(create: false))
        try holder.execute("BEGIN IMMEDIATE")
        let started = monotonicSeconds()
        let writer = try ChildProcess(CLIRunner.binary, ["import", ledger, "prices", csv, "--series", "A", "--series-kind", "index"], logDirectory: dir.url)
        try await Task.sleep(nanoseconds: 1_000_000_000)
        try holder.execute("COMMIT")
        holder.close()
        await writer.wait()
        #expect(writer.exitCode == 0, "\(writer.stderr)")
        #expect(monotonicSeconds() - started >= 1)
        #expect(try Reliability.count(ledger, "SELECT count(*) FROM price_observation") == 100)
    }

    /// Another connection holds the write lock past the busy timeout: the import gives up after
    /// 5 s with one clear line and exit 75 (temporary failure), and the ledger is unchanged.
    @Test func aWriterThatWaitsTooLongFailsWithABusyError() async throws {
        let ledger = dir.path("busy.ledger"), csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 100)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let before = try Reliability.logicalDump(ledger)
        let holder = try Connection(path: ledger, mode: .readWrite(create: false))
        try holder.execute("BEGIN IMMEDIATE")
        let started = monotonicSeconds()
        let writer = try ChildProcess(CLIRunner.binary, ["import", ledger, "prices", csv, "--series", "A", "--series-kind", "index"], logDirectory: dir.url)
        await writer.wait()
        let waited = monotonicSeconds() - started
        try holder.execute("ROLLBACK")
        holder.close()
        #expect(writer.exitCode == 75)
        #expect(writer.stderr.hasPrefix("portfolio-ledger: error: \(ledger) is busy"), "\(writer.stderr)")
        #expect(writer.stderr.split(separator: "\n").count == 1)
        #expect(waited >= 4.5)
        #expect(try Reliability.logicalDump(ledger) == before)
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)
    }

    /// Four `migrate` processes on one schema-1 file: each migration is applied once, and no
    /// process fails because another applied it first.
    @Test func concurrentMigrationsApplyEachMigrationOnce() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PortfolioLedgerTests/Fixtures/schema-v1.ledger")
        for round in 0..<5 {
            let ledger = dir.path("v1-\(round).ledger")
            try FileManager.default.copyItem(atPath: fixture.path, toPath: ledger)
            let migrators = try (0..<4).map { _ in try ChildProcess(CLIRunner.binary, ["migrate", ledger], logDirectory: dir.url) }
            var applied = 0
            for migrator in migrators {
                await migrator.wait()
                #expect(migrator.exitCode == 0, "round \(round): \(migrator.stderr)")
                applied += migrator.stdout.split(separator: "\n").filter { $0.hasPrefix("applied ") }.count
            }
            #expect(try Reliability.count(ledger, "SELECT count(*) FROM schema_migration") == Reliability.count(ledger, "PRAGMA user_version"))
            #expect(applied == (try Reliability.count(ledger, "PRAGMA user_version")) - 1)
        }
    }
}
