import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing

/// Several processes on one ledger file (WAL): readers never fail, never see `SQLITE_BUSY` and
/// never see half an import; a second writer waits for the first, and one that waits longer than
/// the 5 s busy timeout fails with a clear "busy" error and changes nothing.
@Suite(.serialized) struct ConcurrencyTests {
    let dir = TemporaryDirectory()
    static let rows = 20_000

    /// One writer imports file after file (every third one bad, refused at its last row after
    /// streaming everything) while four readers read: two `ledger-probe` processes checking every
    /// snapshot (one reopening the file for each read, one keeping its connection) and two loops of
    /// CLI reports and `check`. At least 8 s and 6 imports (`LEDGER_SOAK=1`: 60 s;
    /// `LEDGER_CONCURRENCY_SECONDS` overrides); the readers go on until the writer is done.
    @Test func readersNeverSeeAHalfImportedFileNorAnError() async throws {
        let seconds = Double(Reliability.setting("LEDGER_CONCURRENCY_SECONDS", Reliability.soak ? 60 : 8))
        let ledger = dir.path("shared.ledger"), good = dir.path("good.csv"), bad = dir.path("bad.csv"), stop = dir.path("stop")
        try Reliability.writePriceFile(good, rows: Self.rows)
        // The same rows with one more, broken, at the end: the import fails after streaming them all.
        var badText = try String(contentsOfFile: good, encoding: .utf8)
        badText += "2099-01-01T00:00:00Z,not-a-price\n"
        try Data(badText.utf8).write(to: URL(fileURLWithPath: bad))
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        // An ETH/USD series first, so `report valuation` can convert from the start.
        let fx = try CLIRunner.run(["import", ledger, "prices", good, "--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"])
        try #require(fx.exitCode == 0, "\(fx.stderr)")

        let probes = try ["reopen", "keep"].map { mode in
            try ChildProcess(Reliability.probe, [ledger, stop, String(Self.rows), mode], logDirectory: dir.url)
        }
        let reports = CLIReaderLoop { round in
            ["report", round.isMultiple(of: 2) ? "valuation" : "loans", ledger, "--at", "2000-01-05", "--format", "json", "--flag-missing-prices"]
        }
        let checks = CLIReaderLoop { _ in ["check", ledger] }
        let deadline = monotonicSeconds() + seconds
        var imports = 0, refused = 0
        while monotonicSeconds() < deadline || imports < 6 {
            let isBad = imports % 3 == 2
            let result = try await ChildProcess.run(CLIRunner.binary, ["import", ledger, "prices", isBad ? bad : good, "--series", "W\(imports)",
                                                                       "--series-kind", "index"], logDirectory: dir.url)
            if isBad {
                #expect(result.exitCode == 65 && result.stderr.contains(":\(Self.rows + 2): column 'price'"), "\(result.stderr)")
                refused += 1
            } else {
                #expect(result.exitCode == 0, "writer: \(result.stderr)")
            }
            imports += 1
        }
        _ = FileManager.default.createFile(atPath: stop, contents: nil)
        let readerRuns = [await reports.stop(), await checks.stop()]
        for run in readerRuns { #expect(run.failures.isEmpty, "\(run.failures)") }
        for probe in probes {
            await probe.wait()
            #expect(probe.exitCode == 0, "\(probe.stderr)")
            #expect(probe.stderr.isEmpty)
        }
        let probeReads = probes.map { $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try Reliability.count(ledger, "SELECT count(*) FROM price_series") == 1 + imports - refused)
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)
        print("concurrency: \(imports) imports (\(refused) refused) of \(Self.rows) rows, probes \(probeReads), CLI reader runs \(readerRuns.map(\.runs))")
    }

    /// Two imports started together: the second waits for the first's write lock, then succeeds
    /// (or, on a machine so loaded that the first holds the lock past 5 s, fails with the busy
    /// error and writes nothing); each import is in the ledger whole or not at all.
    @Test func twoWritersBothSucceedOrTheSecondIsClearlyBusy() async throws {
        let ledger = dir.path("two.ledger"), csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 20_000)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let writers = try ["A", "B"].map { series in
            try ChildProcess(CLIRunner.binary, ["import", ledger, "prices", csv, "--series", series, "--series-kind", "index"], logDirectory: dir.url)
        }
        var succeeded = 0
        for (writer, series) in zip(writers, ["A", "B"]) {
            await writer.wait()
            if writer.exitCode == 0 {
                succeeded += 1
            } else {
                #expect(writer.exitCode == 75 && writer.stderr.contains("is busy"), "\(writer.stderr)")
            }
            let rows = try Reliability.count(ledger, """
                SELECT count(*) FROM price_observation o JOIN price_series s ON s.series_id = o.series_id WHERE s.series_name = '\(series)'
                """)
            #expect(rows == (writer.exitCode == 0 ? 20_000 : 0))
        }
        #expect(succeeded >= 1)
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

    /// Four `migrate` processes on one schema-1 file (rollback journal, so the first open switches
    /// it to WAL), ten times: each migration is applied once, and no process fails because another
    /// applied it first or was switching the file to WAL.
    @Test func concurrentMigrationsApplyEachMigrationOnce() async throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PortfolioLedgerTests/Fixtures/schema-v1.ledger")
        for round in 0..<10 {
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
