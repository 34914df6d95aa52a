import LedgerTestSupport
import Foundation
import LedgerMath
import PortfolioLedger
import SQLiteDB
import Testing

@Suite struct FileCommandTests {
    let dir = TemporaryDirectory()

    @Test func initCreatesALedgerThatChecksClean() throws {
        let path = dir.path("x.sqlite")
        let created = try CLIRunner.run(["init", path])
        #expect(created.exitCode == 0)
        #expect(created.stdout.hasPrefix("created \(path) (schema version "))
        #expect(created.stderr.isEmpty)
        let check = try CLIRunner.run(["check", path])
        #expect(check.exitCode == 0)
        #expect(check.stdout == "ok: \(path) passed integrity_check, foreign_key_check, the schema check and its balance assertions\n")
        let migrate = try CLIRunner.run(["migrate", path])
        #expect(migrate.exitCode == 0)
        #expect(migrate.stdout.contains("is up to date"))
    }

    @Test func initRefusesToOverwrite() throws {
        let path = dir.path("x.sqlite")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let result = try CLIRunner.run(["init", path])
        #expect(result.exitCode == 7)
        #expect(result.stderr == "portfolio-ledger: error: \(path) already exists; refusing to overwrite it\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test(arguments: ["check", "migrate"])
    func notALedgerExitsFourWithOneLineAndLeavesTheFileAlone(command: String) throws {
        let path = dir.path("notes.txt")
        try Data("just some text that is not a database at all".utf8).write(to: URL(fileURLWithPath: path))
        let result = try CLIRunner.run([command, path])
        #expect(result.exitCode == 4)
        #expect(result.stderr == "portfolio-ledger: error: \(path) is not a PortfolioLedger file: not a SQLite database\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "just some text that is not a database at all")
    }

    @Test func newerSchemaExitsFive() throws {
        let path = dir.path("x.sqlite")
        #expect(try CLIRunner.run(["init", path]).exitCode == 0)
        // Another tool (or a newer portfolio-ledger) bumped the schema version.
        try Connection(path: path, mode: .readWrite(create: false)).executeScript("PRAGMA user_version = 999")
        let result = try CLIRunner.run(["migrate", path])
        #expect(result.exitCode == 5)
        #expect(result.stderr.contains("schema version 999, newer than this version"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func backupCopiesAndRefusesToOverwrite() throws {
        let path = dir.path("x.sqlite"), copy = dir.path("copy.sqlite")
        #expect(try CLIRunner.run(["init", path]).exitCode == 0)
        let backup = try CLIRunner.run(["backup", path, copy])
        #expect(backup.exitCode == 0)
        #expect(try CLIRunner.run(["check", copy]).exitCode == 0)
        #expect(try CLIRunner.run(["backup", path, copy]).exitCode == 7)
    }

    @Test func usageErrorExits64() throws {
        let result = try CLIRunner.run(["init"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("Missing expected argument"))
    }

    @Test func versionAndHelp() throws {
        let version = try CLIRunner.run(["--version"])
        #expect(version.exitCode == 0)
        #expect(version.stdout == "0.1.0\n")
        for command in ["init", "migrate", "check", "backup", "demo"] {
            let help = try CLIRunner.run([command, "--help"])
            #expect(help.exitCode == 0)
            #expect(help.stdout.contains("USAGE: portfolio-ledger \(command)"))
        }
    }
}

@Suite struct CheckBalanceAssertionTests {
    let dir = TemporaryDirectory()

    @Test func checkReportsAContradictedBalanceAssertion() throws {
        let path = dir.path("b.ledger")
        let ledger = try Ledger.create(at: path)
        let eth = try Currency("ETH")
        try ledger.write { tx in
            _ = try tx.recordExternalFlow(.deposit, at: ISO8601.parse("2024-01-01"), amount: Money(ExactDecimal(parsing: "10.5"), eth))
            _ = try tx.assertBalance(at: ISO8601.parse("2024-01-02"), amount: Money(ExactDecimal(parsing: "10.5"), eth))
            _ = try tx.assertBalance(at: ISO8601.parse("2024-01-03"), amount: Money(ExactDecimal(parsing: "11"), eth))
        }
        let result = try CLIRunner.run(["check", path])
        #expect(result.exitCode == 3)
        #expect(result.stdout == "balance: ETH at 2024-01-03T00:00:00Z asserted 11, journal gives 10.5 (difference -0.5)\n")
        #expect(result.stderr == "portfolio-ledger: error: \(path): 1 finding(s)\n")
    }
}
