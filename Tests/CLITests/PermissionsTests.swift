import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing

/// Ledger files and their `-wal`/`-shm` companions are owner-only, and every report works on a
/// ledger its reader cannot write (file `0400`, folder not writable) without creating anything.
@Suite struct PermissionsTests {
    let dir = TemporaryDirectory()

    @Test func theLedgerAndItsWALFilesAreOwnerOnly() throws {
        let ledger = dir.path("private.ledger"), csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 100)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        // A connection kept open keeps the -wal and -shm files in place while it writes.
        let db = try Connection(path: ledger, mode: .readWrite(create: false))
        try db.write { try $0.execute("INSERT INTO ledger_setting (setting_key, setting_value, updated_at) VALUES ('probe', 'x', 0)") }
        let reader = try CLIRunner.run(["import", ledger, "prices", csv, "--series", "S", "--series-kind", "index"])
        #expect(reader.exitCode == 0, "\(reader.stderr)")
        for suffix in ["", "-wal", "-shm"] {
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: ledger + suffix)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "\(suffix.isEmpty ? "ledger" : suffix) has mode \(String(mode, radix: 8))")
        }
        db.close()
    }

    /// As an unprivileged user (root's permissions would ignore the mode bits, so as root the CLI
    /// runs as `nobody` through setpriv): the ledger is `0400` and its folder `0555`. As root, a
    /// missing `setpriv` or `nobody`, or a binary `nobody` cannot run, fails the test naming it.
    @Test func reportsWorkOnAReadOnlyLedger() throws {
        let folder = dir.url.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ledger = folder.appendingPathComponent("book.ledger").path, csv = dir.path("p.csv")
        try Reliability.writePriceFile(csv, rows: 5_000)
        #expect(try CLIRunner.run(["init", ledger]).exitCode == 0)
        let fx = try CLIRunner.run(["import", ledger, "prices", csv, "--series", "ETH/USD", "--series-kind", "fx", "--base", "ETH", "--quote", "USD"])
        #expect(fx.exitCode == 0, "\(fx.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ledger))
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: ledger)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        if geteuid() == 0 {
            let nobody = try TestRequirement.account("nobody")
            #expect(chown(ledger, nobody.uid, nobody.gid) == 0)
            // The clone may sit in a folder `nobody` cannot enter: run a copy of the binary.
            try FileManager.default.copyItem(at: CLIRunner.binary, to: unprivilegedBinary)
            let probe = try runUnprivileged(["--version"])
            guard probe.exitCode == 0 else {
                throw TestRequirement.Missing(
                    what: "user `nobody` cannot run a copy of portfolio-ledger from \(dir.url.path) (exit \(probe.exitCode): \(probe.stderr))",
                    remedy: "The folders on the way and the Swift runtime libraries the binary links (see ldd) must be readable by other users.")
            }
        }

        for command in [["report", "loans", ledger, "--format", "json"],
                        ["report", "valuation", ledger, "--at", "2000-01-03", "--format", "json"],
                        ["report", "hedges", ledger, "--at", "2000-01-03", "--format", "csv"],
                        ["check", ledger]] {
            let result = try runUnprivileged(command)
            #expect(result.exitCode == 0, "\(command.joined(separator: " ")): \(result.stderr)")
            #expect(result.stderr.isEmpty)
        }
        // A write is refused as a database error, not attempted elsewhere.
        let write = try runUnprivileged(["import", ledger, "prices", csv, "--series", "X", "--series-kind", "index"])
        #expect(write.exitCode != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["book.ledger"])
    }

    /// `init` where the user cannot create a file says so (exit 73), not "not a ledger" (exit 4).
    @Test(.enabled(if: geteuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func initInAReadOnlyFolderCannotCreate() throws {
        let folder = dir.url.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if geteuid() == 0 {
            try FileManager.default.copyItem(at: CLIRunner.binary, to: unprivilegedBinary)
            guard try runUnprivileged(["--version"]).exitCode == 0 else {
                print("PermissionsTests: `nobody` cannot run a program from \(dir.url.path); the read-only init test did not run")
                return
            }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        let path = folder.appendingPathComponent("new.ledger").path
        for arguments in [["init", path], ["demo", "--db", path]] {
            let result = try runUnprivileged(arguments)
            #expect(result.exitCode == 73, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr == "portfolio-ledger: error: cannot create \(path): Permission denied\n")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    private var unprivilegedBinary: URL { dir.url.appendingPathComponent("portfolio-ledger") }

    private func runUnprivileged(_ arguments: [String]) throws -> CLIRunner.Result {
        guard geteuid() == 0 else { return try CLIRunner.run(arguments) }
        let nobody = try TestRequirement.account("nobody")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestRequirement.program("setpriv", package: "util-linux"))
        process.arguments = ["--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups", unprivilegedBinary.path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Result(exitCode: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                stderr: String(decoding: stderr, as: UTF8.self))
    }
}
