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

    @Option(help: "Write to this file (owner-only; an existing file only with --force) instead of standard output.")
    var out: String?

    @OptionGroup var overwrite: OverwriteOption

    func run() throws {
        let book = try Ledger.openReadOnly(at: ledger)
        guard let out else {
            _ = try Self.export(book) { FileHandle.standardOutput.write($0) }
            return
        }
        let count = try overwrite.write(to: out) { file in try Self.export(book) { try file.write($0) } }
        printLine("exported \(count) lines to \(out)")
    }

    /// Writes the journal to `sink` in 64 KiB pieces, so a large export is not one system call per
    /// line; returns the number of lines.
    static func export(_ book: Ledger, to sink: (Data) throws -> Void) throws -> Int {
        var buffer = Data()
        buffer.reserveCapacity(1 << 16)
        let count = try book.exportJournal { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 {
                try sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try sink(buffer)
        return count
    }
}
