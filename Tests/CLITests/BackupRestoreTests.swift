import LedgerTestSupport
import Foundation
import Testing

/// `backup` while another process writes gives a consistent copy (every import in it whole or
/// absent, integrity clean, owner-only permissions); the documented restore brings it back.
@Suite(.serialized) struct BackupRestoreTests {
    let dir = TemporaryDirectory()
    static let rows = 20_000

    @Test func backupDuringWritesIsConsistentAndRestoreBringsItBack() async throws {
        let ledger = dir.path("live.ledger"), csv = dir.path("p.csv"), small = dir.path("small.csv")
        try Reliability.writePriceFile(csv, rows: Self.rows)
        try Reliability.writePriceFile(small, rows: 50)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        #expect(try CLIRunner.run(["import", ledger, "prices", csv, "--series", "base", "--series-kind", "index"]).exitCode == 0)

        // A writer: large imports (one long transaction each) and bursts of small commits.
        let stop = Stop()
        let writer = Task.detached {
            var round = 0
            while !stop.isSet || round < 4 {
                let file = round.isMultiple(of: 2) ? csv : small
                _ = try? CLIRunner.run(["import", ledger, "prices", file, "--series", "W\(round)", "--series-kind", "index"])
                round += 1
            }
            return round
        }
        var copies: [String] = []
        for i in 0..<6 {
            let copy = dir.path("copy\(i).ledger")
            let started = monotonicSeconds()
            let backup = try CLIRunner.run(["backup", ledger, copy])
            #expect(backup.exitCode == 0, "\(backup.stderr)")
            #expect(monotonicSeconds() - started < 60, "backup took too long under a busy writer")
            copies.append(copy)
            try await Task.sleep(nanoseconds: 150_000_000)
        }
        stop.set()
        let writes = await writer.value
        for copy in copies {
            // Owner-only like the ledger; integrity clean; every import whole or absent.
            let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(try CLIRunner.run(["check", copy]).exitCode == 0)
            #expect(try Reliability.count(copy, """
                SELECT count(*) FROM price_series s
                WHERE (SELECT count(*) FROM price_observation o WHERE o.series_id = s.series_id) NOT IN (\(Self.rows), 50)
                """) == 0)
            #expect(try Reliability.count(copy, "SELECT count(*) FROM import_source") == Reliability.count(copy, "SELECT count(*) FROM price_series"))
        }
        #expect(writes >= 4)

        // Restore (docs/reliability.md): with no process using the ledger, move it and its -wal and
        // -shm aside, copy the backup into place, check.
        let chosen = copies[copies.count / 2]
        let expected = try Reliability.logicalDump(chosen)
        #expect(try Reliability.logicalDump(ledger) != expected)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: ledger + suffix) {
            try FileManager.default.moveItem(atPath: ledger + suffix, toPath: ledger + ".old" + suffix)
        }
        try FileManager.default.copyItem(atPath: chosen, toPath: ledger)
        let check = try CLIRunner.run(["check", ledger])
        #expect(check.exitCode == 0, "\(check.stdout)\(check.stderr)")
        #expect(try Reliability.logicalDump(ledger) == expected)
        // The restored ledger takes writes again.
        #expect(try CLIRunner.run(["import", ledger, "prices", small, "--series", "after-restore", "--series-kind", "index"]).exitCode == 0)
        #expect(try CLIRunner.run(["check", ledger]).exitCode == 0)
    }

    @Test func backupHelpDocumentsRestore() throws {
        let help = try CLIRunner.run(["backup", "--help"])
        #expect(help.exitCode == 0)
        #expect(help.stdout.contains("To restore"))
        #expect(help.stdout.contains("-wal"))
    }
}

/// A flag set once, read from other tasks.
final class Stop: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
