import ArgumentParser
import Foundation
import PortfolioLedger

/// `portfolio-ledger`: the command-line face of the library.
@main
struct PortfolioLedgerCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "portfolio-ledger",
        abstract: "Books of NFT-collateralised loans and their SPX option hedges, in one SQLite file.",
        discussion: "Exit codes: 0 ok, 1 database or internal error, 3 integrity or schema findings, 4 not a ledger file, 5 schema newer than this version, 6 migration needed or migration history broken, 7 file already exists (--force replaces an output file), 8 query stopped at --max-rows or --timeout (the output is complete up to there), 64 usage error, 65 invalid input, 66 input file not found or unreadable, or a needed price missing or stale, 73 cannot create an output file (a folder that cannot be written, a symbolic link in the way), 75 busy (another process held the write lock longer than 5 s; try again).",
        version: version,
        subcommands: [DemoCommand.self, InitCommand.self, MigrateCommand.self, CheckCommand.self, BackupCommand.self, ImportCommand.self, ExportCommand.self, QueryCommand.self,
                      ReportCommand.self, RefreshCommand.self, PolicyCommand.self, ChartCommand.self, CalcCommand.self, ReplayCommand.self]
    )

    /// Runs the command and turns every error into one line on stderr and a distinct exit code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            failure.report()
            Foundation.exit(failure.exitCode.rawValue)
        } catch let error as LedgerError {
            let failure = CLIFailure(error)
            failure.report()
            Foundation.exit(failure.exitCode.rawValue)
        } catch let error as AnalyticsError {
            let failure = CLIFailure(error)
            failure.report()
            Foundation.exit(failure.exitCode.rawValue)
        } catch {
            // ArgumentParser's own errors (usage, --help, --version) keep its formatting and codes.
            exit(withError: error)
        }
    }
}
