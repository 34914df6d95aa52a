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
        _ = try Ledger.create(at: path)
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
        abstract: "Check a ledger file (read-only): integrity, foreign keys, schema and balance assertions. Exits 3 on any finding.",
        discussion: """
            The schema is compared with what portfolio-ledger's migrations create: a missing or changed table, index, \
            view or trigger, any trigger added, and an added index that can refuse writes (unique, partial or on an \
            expression) are findings. An index, view or table you added for your own queries is listed as a note and \
            does not fail the check.
            """
    )

    @Argument(help: "Path of an existing ledger file.")
    var path: String

    func run() throws {
        let report = try LedgerFile.check(at: path)
        for problem in report.integrity.structural { printLine("integrity: \(problem)") }
        for violation in report.integrity.foreignKeys { printLine("foreign key: \(violation)") }
        for finding in report.schema.findings { printLine("schema: \(finding)") }
        for note in report.schema.notes { printLine("note: \(note)") }
        for failure in report.balanceFailures {
            let asserted = failure.assertion.amount
            printLine("balance: \(asserted.currency) at \(failure.assertion.assertedAt) asserted \(asserted.amount), journal gives \(failure.actual) (difference \(failure.difference))")
        }
        let findings = report.integrity.count
            + report.schema.findings.count + report.balanceFailures.count
        guard findings == 0 else {
            if !report.balanceAssertionsChecked && report.pendingMigrations.isEmpty {
                printLine("balance assertions were not checked: fix the findings above first")
            }
            throw CLIFailure(message: "\(path): \(findings) finding(s)", exitCode: CLIFailure.integrityFindings)
        }
        // Balance assertions need the current schema; an older file is checked structurally only.
        guard report.pendingMigrations.isEmpty else {
            throw LedgerError.needsMigration(path: path, fileVersion: LedgerFile.schemaVersion - report.pendingMigrations.count,
                                             knownVersion: LedgerFile.schemaVersion)
        }
        printLine("ok: \(path) passed integrity_check, foreign_key_check, the schema check and its balance assertions")
        // Derived analytics are not journal: being out of date is a notice, not a finding.
        if let derived = report.derivedAnalytics, derived.refreshedBookVersion != nil {
            let through = derived.throughDay.map { " through \($0)" } ?? ""
            if derived.isStale {
                printLine("notice: derived analytics are stale: computed\(through) from book version \(derived.refreshedBookVersion ?? 0), the book is now at \(derived.currentBookVersion); run `portfolio-ledger refresh \(path)`")
            } else {
                printLine("derived analytics: current\(through) (book version \(derived.currentBookVersion))")
            }
        }
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of a ledger while it may be in use (SQLite online backup).",
        discussion: """
            The copy is one consistent snapshot (SQLite's online backup in a single read transaction): imports in \
            progress are in it whole or not at all. It is created owner-only (0600), never through a symbolic link, and replaces an existing file only with --force.

            To restore: stop every process using the ledger; move the ledger file and its -wal and -shm files aside \
            (keep them until the restore is checked; never leave an old -wal beside the restored file); copy the \
            backup to the ledger's path; run `portfolio-ledger check LEDGER`. See docs/reliability.md.
            """
    )

    @Argument(help: "Path of an existing ledger file.")
    var path: String

    @Argument(help: "Path of the copy to create (owner-only). An existing file is replaced only with --force.")
    var destination: String

    @OptionGroup var overwrite: OverwriteOption

    func run() throws {
        try OverwriteOption.hintingForce { try LedgerFile.backup(from: path, to: destination, existing: overwrite.existing) }
        printLine("backed up \(path) to \(destination)")
    }
}
