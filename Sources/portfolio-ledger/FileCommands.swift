import ArgumentParser
import PortfolioLedger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty ledger file (owner-only permissions, current schema)."
    )

    @Argument(help: "Path of the ledger file to create. An existing file is never overwritten.")
    var path: String

    func run() throws {
        let db = try LedgerFile.create(at: path)
        db.close()
        printLine("created \(path) (schema version \(LedgerFile.schemaVersion))")
    }
}

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a ledger file's schema up to this version's (each migration in its own transaction)."
    )

    @Argument(help: "Path of an existing ledger file.")
    var path: String

    func run() throws {
        let applied = try LedgerFile.migrate(at: path)
        if applied.isEmpty {
            printLine("\(path) is up to date (schema version \(LedgerFile.schemaVersion))")
        } else {
            for name in applied { printLine("applied \(name)") }
            printLine("\(path) is at schema version \(LedgerFile.schemaVersion)")
        }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a ledger file (read-only): integrity, foreign keys and balance assertions. Exits 3 on any finding."
    )

    @Argument(help: "Path of an existing ledger file.")
    var path: String

    func run() throws {
        let report = try LedgerFile.check(at: path)
        var findings = report.integrityProblems.count + report.foreignKeyViolations.count
        for problem in report.integrityProblems { printLine("integrity: \(problem)") }
        for violation in report.foreignKeyViolations {
            let row = violation.rowID.map { "rowid \($0)" } ?? "a row"
            printLine("foreign key: \(violation.table) \(row) refers to a missing row of \(violation.parentTable)")
        }
        if report.isClean {
            // Balance assertions need the current schema; an older file is checked structurally only.
            let ledger = try Ledger.openReadOnly(at: path)
            let failures = try ledger.read { try $0.balanceAssertionFailures() }
            for failure in failures {
                let asserted = failure.assertion.amount
                printLine("balance: \(asserted.currency) at \(failure.assertion.assertedAt) asserted \(asserted.amount), journal gives \(failure.actual) (difference \(failure.difference))")
            }
            findings += failures.count
        }
        guard findings > 0 else {
            printLine("ok: \(path) passed integrity_check, foreign_key_check and its balance assertions")
            return
        }
        throw CLIFailure(message: "\(path): \(findings) finding(s)", exitCode: CLIFailure.integrityFindings)
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of a ledger while it may be in use (SQLite online backup).",
        discussion: """
            The copy is one consistent snapshot (SQLite's online backup in a single read transaction): imports in \
            progress are in it whole or not at all. It is created owner-only (0600) and never overwrites a file.

            To restore: stop every process using the ledger; move the ledger file and its -wal and -shm files aside \
            (keep them until the restore is checked; never leave an old -wal beside the restored file); copy the \
            backup to the ledger's path; run `portfolio-ledger check LEDGER`. See docs/reliability.md.
            """
    )

    @Argument(help: "Path of an existing ledger file.")
    var path: String

    @Argument(help: "Path of the copy to create. An existing file is never overwritten.")
    var destination: String

    func run() throws {
        try LedgerFile.backup(from: path, to: destination)
        printLine("backed up \(path) to \(destination)")
    }
}
