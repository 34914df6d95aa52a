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
    /// `query` stopped at `--max-rows` or `--timeout`; what it printed is complete and valid.
    static let queryLimitReached = ExitCode(8)
    /// Another process held the ledger's write lock longer than the busy timeout (EX_TEMPFAIL).
    static let busy = ExitCode(75)
    static let usage = ExitCode(64)
    static let invalidInput = ExitCode(65)
    static let missingData = ExitCode(66)
    /// An output file cannot be created (a read-only folder, a symbolic link in the way; EX_CANTCREAT).
    static let cannotCreate = ExitCode(73)

    init(message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    /// "The ledger is busy": the write lock stayed taken for the whole busy timeout, nothing was
    /// written. `path` names the ledger when the command knows it.
    static func busyLedger(path: String?, _ error: DatabaseFailure) -> CLIFailure {
        CLIFailure(message: "\(path ?? "the ledger") is busy: another process held its write lock for longer than "
                       + "\(LedgerFile.busyTimeoutSeconds) s; nothing was written, try again (SQLite: \(error.message))",
                   exitCode: busy)
    }

    /// True for `SQLITE_BUSY` (any extended form) under a ledger error.
    static func isBusy(_ error: LedgerError) -> DatabaseFailure? {
        if case .database(let failure) = error, failure.isBusy { return failure }
        return nil
    }

    init(_ error: LedgerError, path: String? = nil) {
        if let sqlite = Self.isBusy(error) {
            self = .busyLedger(path: path, sqlite)
            return
        }
        message = error.description
        exitCode = switch error {
        case .notALedger: CLIFailure.notALedger
        case .newerSchema: CLIFailure.newerSchema
        case .needsMigration, .migrationHistory, .migrationFailed: CLIFailure.migrationProblem
        case .alreadyExists: CLIFailure.alreadyExists
        case .cannotCreate: CLIFailure.cannotCreate
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
        FileHandle.standardError.write(Data("portfolio-ledger: error: \(Self.oneLine(message))\n".utf8))
    }

    /// The message on one line, safe for a terminal: it may quote values from an input file, so
    /// a newline becomes a space and every other control character (a carriage return that would
    /// overwrite the line, an escape sequence that would restyle or retitle the terminal) is
    /// shown escaped, e.g. `\r` or `\u{1B}`.
    static func oneLine(_ message: String) -> String {
        var line = ""
        for scalar in message.unicodeScalars {
            switch scalar.value {
            case 0x0A: line += " "
            case 0x0D: line += "\\r"
            case 0x09: line += "\\t"
            case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029: line += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: line.unicodeScalars.append(scalar)
            }
        }
        return line
    }
}

/// Writes `text` and a newline to standard output.
func printLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
