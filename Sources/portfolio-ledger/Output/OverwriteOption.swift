import ArgumentParser
import Foundation
import PortfolioLedger

/// `--force` of every command that writes a file, and the one way such a command writes it:
/// through ``OutputFile`` (owner-only, never through a symbolic link, never over an existing file
/// unless `--force`). A new command that writes a file takes this option group.
struct OverwriteOption: ParsableArguments {
    @Flag(help: "Replace an existing file at the output path (never a symbolic link or a directory).")
    var force = false

    var existing: OutputFile.Existing { force ? .replace : .refuse }

    /// Writes `path` through ``OutputFile/write(to:existing:_:)``.
    func write<R>(to path: String, _ produce: (OutputFile.Destination) throws -> R) throws -> R {
        try Self.hintingForce { try OutputFile.write(to: path, existing: existing, produce) }
    }

    /// Runs `body`, adding "--force replaces it" to a refusal to overwrite.
    static func hintingForce<R>(_ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch LedgerError.alreadyExists(let path) {
            throw CLIFailure(message: "\(LedgerError.alreadyExists(path: path).description) (--force replaces it)",
                             exitCode: CLIFailure.alreadyExists)
        }
    }
}
