import LedgerTestSupport
import Foundation
import Testing

/// Crash safety: `portfolio-ledger import` killed with SIGKILL at random moments leaves a ledger
/// that opens, passes `check`, and holds either none or all of the interrupted import.
///
/// Each round imports the same generated price file into a new series (`S<round>`), so every
/// round is a new import. The kill moment is drawn (seeded: `LEDGER_CRASH_SEED`) uniformly from
/// [0, 1.1 T] in even rounds and from [0.75 T, 1.25 T] in odd ones, T being the time of an
/// uninterrupted import, so kills land while rows stream in, during COMMIT and the checkpoint
/// after it, and after the process has finished.
/// Rounds go on until 50 imports were killed (rounds that finished first do not count) with
/// 100,000 rows (about 30 s); `LEDGER_SOAK=1`: 300 kills of 200,000-row imports.
/// `LEDGER_CRASH_KILLS`, `LEDGER_CRASH_ROWS` and `LEDGER_CRASH_SEED` override.
@Suite(.serialized) struct CrashSafetyTests {
    let dir = TemporaryDirectory()

    @Test func sigkillDuringImportLeavesNoneOrAllOfIt() async throws {
        let rows = Reliability.setting("LEDGER_CRASH_ROWS", Reliability.soak ? 200_000 : 100_000)
        let kills = Reliability.setting("LEDGER_CRASH_KILLS", Reliability.soak ? 300 : 50)
        let seed = UInt64(Reliability.setting("LEDGER_CRASH_SEED", 8_2024))
        var rng = SeededGenerator(seed: seed)
        let csv = dir.path("prices.csv"), template = dir.path("template.ledger"), ledger = dir.path("crash.ledger")
        try Reliability.writePriceFile(csv, rows: rows)
        #expect(try CLIRunner.run(["init", template]).exitCode == 0)

        // An uninterrupted import: the reference time and the "all of it" state.
        try FileManager.default.copyItem(atPath: template, toPath: ledger)
        let started = monotonicSeconds()
        let reference = try await ChildProcess.run(CLIRunner.binary, importArguments(ledger, csv, series: "reference"), logDirectory: dir.url)
        let fullTime = monotonicSeconds() - started
        try #require(reference.exitCode == 0, "uninterrupted import failed: \(reference.stderr)")
        try #require(try seriesCount(ledger, "reference") == rows)
        try resetLedger(ledger, from: template)

        var outcomes: [String: Int] = [:]
        var estimate = fullTime  // the fastest uninterrupted run seen: the machine is shared, times vary
        var round = 0
        while outcomes["killed before commit", default: 0] + outcomes["killed after commit", default: 0] < kills && round < 3 * kills {
            defer { round += 1 }
            let fullTime = estimate
            let series = "S\(round)"
            // Even rounds anywhere in the run; odd rounds around its end (COMMIT, checkpoint, exit).
            let window = round.isMultiple(of: 2) ? 0...(fullTime * 1.1) : (fullTime * 0.75)...(fullTime * 1.25)
            let delay = Double.random(in: window, using: &rng)
            let roundStart = monotonicSeconds()
            let child = try ChildProcess(CLIRunner.binary, importArguments(ledger, csv, series: series), logDirectory: dir.url)
            child.kill(after: delay)
            await child.wait()
            if !child.wasKilled { estimate = min(estimate, monotonicSeconds() - roundStart) }
            let context = Comment(rawValue: "seed \(seed), round \(round), kill after \(String(format: "%.3f", delay)) s")
            if !child.wasKilled { #expect(child.exitCode == 0, "\(context): \(child.stderr)") }

            // The file opens read-only (WAL recovery after the crash) and passes `check`.
            let check = try CLIRunner.run(["check", ledger])
            #expect(check.exitCode == 0, "\(context): check said \(check.stdout) \(check.stderr)")
            // None or all of this import; every earlier series complete; one source per series.
            let imported = try seriesCount(ledger, series)
            #expect(imported == 0 || imported == rows, "\(context): \(imported) of \(rows) rows survived")
            #expect(try Reliability.count(ledger, Self.partialSeriesSQL(rows)) == 0, "\(context)")
            #expect(try Reliability.count(ledger, "SELECT count(*) FROM import_source")
                    == Reliability.count(ledger, "SELECT count(*) FROM price_series"), "\(context)")

            let outcome = imported == rows ? (child.wasKilled ? "killed after commit" : "finished") : "killed before commit"
            outcomes[outcome, default: 0] += 1
            // Keep `check` fast: start again from an empty ledger once an import went through.
            if imported == rows { try resetLedger(ledger, from: template) }
        }
        // The crashed ledger still takes the import whole.
        let final = try CLIRunner.run(importArguments(ledger, csv, series: "final"))
        #expect(final.exitCode == 0, "\(final.stderr)")
        #expect(try seriesCount(ledger, "final") == rows)
        #expect(outcomes["killed before commit", default: 0] + outcomes["killed after commit", default: 0] >= kills)
        print("crash safety: \(round) rounds of \(rows) rows (uninterrupted import \(String(format: "%.2f", fullTime)) s), seed \(seed): \(outcomes.sorted { $0.key < $1.key })")
    }

    private func importArguments(_ ledger: String, _ csv: String, series: String) -> [String] {
        ["import", ledger, "prices", csv, "--series", series, "--series-kind", "index"]
    }

    private func seriesCount(_ ledger: String, _ series: String) throws -> Int {
        try Reliability.count(ledger, """
            SELECT count(*) FROM price_observation o JOIN price_series s ON s.series_id = o.series_id
            WHERE s.series_name = '\(series)'
            """)
    }

    /// Series whose observation count is not `rows` (test-generated names and counts only).
    static func partialSeriesSQL(_ rows: Int) -> String {
        "SELECT count(*) FROM price_series s WHERE (SELECT count(*) FROM price_observation o WHERE o.series_id = s.series_id) <> \(rows)"
    }

    private func resetLedger(_ ledger: String, from template: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger + suffix) }
        try FileManager.default.copyItem(atPath: template, toPath: ledger)
    }
}
