import ArgumentParser
import Foundation
import PortfolioLedger

/// An error as the CLI reports it: one line on stderr and a distinct exit code (see `--help`).
struct CLIFailure: Error {
    var message: String
    var exitCode: ExitCode

    static let databaseError = ExitCode(1)
    static let integrityFindings = ExitCode(3)
    static let notALedger = ExitCode(4)
    static let newerSchema = ExitCode(5)
    static let migrationProblem = ExitCode(6)
    static let alreadyExists = ExitCode(7)
    static let usage = ExitCode(64)
    static let invalidInput = ExitCode(65)
    static let missingData = ExitCode(66)

    init(message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    init(_ error: LedgerError) {
        message = error.description
        exitCode = switch error {
        case .notALedger: CLIFailure.notALedger
        case .newerSchema: CLIFailure.newerSchema
        case .needsMigration, .migrationHistory, .migrationFailed: CLIFailure.migrationProblem
        case .alreadyExists: CLIFailure.alreadyExists
        case .invalidValue, .unknownEntity, .conflict: CLIFailure.invalidInput
        case .missingPrice, .stalePrice: CLIFailure.missingData
        case .database: CLIFailure.databaseError
        }
    }

    init(_ error: AnalyticsError) {
        message = error.description
        exitCode = switch error {
        case .missingPrice, .stalePrice, .noSeries, .noFXSeries, .noUnderlying, .noOptionValue: CLIFailure.missingData
        default: CLIFailure.invalidInput
        }
    }

    func report() {
        // One line, whatever the message holds: a newline would split the error across lines.
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("portfolio-ledger: error: \(line)\n".utf8))
    }
}

/// Writes `text` and a newline to standard output.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
