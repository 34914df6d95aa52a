import ArgumentParser
import Foundation
import PortfolioLedger

/// `portfolio-ledger export LEDGER`: the whole book as the JSON Lines journal `import` reads.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole book as a JSON Lines journal (docs/import.md) that `import LEDGER jsonl FILE` reads back.",
        discussion: """
            Every entry ever booked (corrected ones too) and every correction, then price observations and option \
            quotes. Importing the file into a new ledger rebuilds the same book; only recorded_at (the importing \
            ledger's clock) and the import sources differ. Money stays exact: decimals are JSON strings.
            """
    )

    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @Option(help: "Write to this file (must not exist) instead of standard output.")
    var out: String?

    func run() throws {
        let book = try Ledger.openReadOnly(at: ledger)
        let handle: FileHandle
        if let out {
            guard !FileManager.default.fileExists(atPath: out) else { throw LedgerError.alreadyExists(path: out) }
            guard FileManager.default.createFile(atPath: out, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let file = FileHandle(forWritingAtPath: out) else {
                throw CLIFailure(message: "cannot create \(out)", exitCode: CLIFailure.databaseError)
            }
            handle = file
        } else {
            handle = FileHandle.standardOutput
        }
        // Lines are buffered so a large export is not one system call per line.
        var buffer = Data()
        buffer.reserveCapacity(1 << 16)
        let count = try book.exportJournal { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 {
                handle.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(buffer)
        if let out {
            try handle.close()
            printLine("exported \(count) lines to \(out)")
        }
    }
}
