import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// What `import` reads: a CSV kind, or the JSON Lines journal.
enum ImportKindArgument: String, ExpressibleByArgument, CaseIterable {
    case prices, quotes, nfts, loans
    case loanEvents = "loan-events"
    case optionTrades = "option-trades"
    case reserveIndex = "reserve-index"
    case loanSnapshot = "loan-snapshot"
    case sales
    case jsonl

    var csvKind: CSVImportKind? { CSVImportKind(rawValue: rawValue) }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file of one kind, or a JSON Lines journal, in one transaction (all or nothing).",
        discussion: """
            Kinds: prices, quotes, nfts, loans, loan-events, option-trades, reserve-index, loan-snapshot, sales (CSV with a header row) and jsonl.
            Presets for the real exports: \(ImportPreset.all.map(\.name).joined(separator: ", ")).
            Re-importing the same file the same way changes nothing. The first bad row stops the import with
            file:line: column 'name': reason on stderr (exit 65) and the ledger is left unchanged.
            Column names, presets and the JSON Lines format: docs/import.md.
            """
    )

    @Argument(help: "Path of an existing ledger file.")
    var ledger: String

    @Argument(help: "What the file holds: \(ImportKindArgument.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: ImportKindArgument

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "A ready-made mapping for a real export (see the list above); flags given as well override it.")
    var preset: String?

    @Option(name: .customLong("map"), help: ArgumentHelp("Map a logical column to the file's header name (repeatable).", valueName: "NAME=HEADER"))
    var mappings: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Give a logical column one value for every row (repeatable).", valueName: "NAME=VALUE"))
    var constants: [String] = []

    @Option(help: ArgumentHelp("The file's column holding each row's time (observed_at, quoted_at, traded_at, started_at, occurred_at or updated_at by kind).", valueName: "HEADER"))
    var timeColumn: String?

    @Option(help: ArgumentHelp("prices: the file's column holding the price.", valueName: "HEADER"))
    var priceColumn: String?

    @Option(help: "prices: the series to add observations to (created when missing, with --series-kind).")
    var series: String?

    @Option(help: "prices: kind of a series to create: floor, oracle, appraisal, fx, index, rate.")
    var seriesKind: String?

    @Option(help: "prices: base of an fx series (ETH in ETH/USD).")
    var base: String?

    @Option(help: "prices: quote currency of a series (USD in ETH/USD, ETH for a floor).")
    var quote: String?

    @Option(help: ArgumentHelp("Time of day given to date-only values (default 00:00:00). Use when the value became known, e.g. 23:59:59 for a daily summary.", valueName: "HH:MM[:SS]"))
    var atTime: String?

    @Option(help: ArgumentHelp("Time zone of --at-time (default UTC), e.g. America/New_York.", valueName: "ZONE"))
    var timeZone: String?

    @Option(name: .customLong("instant-format"),
            help: ArgumentHelp("How the file writes instants: iso8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, the default) or unix-seconds.", valueName: "FORMAT"))
    var instantFormat: InstantFormat?

    @Option(name: .customLong("wallet"), help: ArgumentHelp("sales: one of your wallet addresses (repeatable); only rows it sold or bought are booked.", valueName: "ADDRESS"))
    var wallets: [String] = []

    // Backfilling a ledger from older records, or rebuilding one reproducibly, needs the rows to
    // say when they became known; a future instant would claim knowledge not yet had, so it is refused.
    @Option(help: ArgumentHelp("Book every row as recorded at this UTC instant instead of now (backfilling from older records; a JSON Lines line's own recorded_at still wins). Not in the future.", valueName: "INSTANT"))
    var recordedAt: String?

    func validate() throws {
        if let preset {
            guard let found = ImportPreset.named(preset) else {
                throw ValidationError("unknown preset '\(preset)'; known: \(ImportPreset.all.map(\.name).joined(separator: ", "))")
            }
            guard found.kind.rawValue == kind.rawValue else {
                throw ValidationError("preset '\(preset)' imports \(found.kind.rawValue), not \(kind.rawValue)")
            }
        }
        if kind == .jsonl, preset != nil || !mappings.isEmpty || !constants.isEmpty || timeColumn != nil || priceColumn != nil
            || series != nil || seriesKind != nil || base != nil || quote != nil || atTime != nil || timeZone != nil || instantFormat != nil {
            throw ValidationError("a jsonl journal takes no mapping options")
        }
        for pair in mappings + constants where !pair.contains("=") {
            throw ValidationError("'\(pair)' is not NAME=VALUE")
        }
    }

    func run() throws {
        let book: Ledger
        let clock: @Sendable () -> Instant
        if let recordedAt {
            let stamp = try parseInstant(recordedAt, option: "--recorded-at")
            guard stamp <= Ledger.systemClock() else {
                throw CLIFailure(message: "--recorded-at: \(stamp) is in the future: a row cannot be known before it is booked", exitCode: CLIFailure.usage)
            }
            clock = { stamp }
        } else {
            clock = Ledger.systemClock
        }
        do { book = try Ledger.open(at: ledger, clock: clock) } catch let error as LedgerError { throw CLIFailure(error, path: ledger) }
        let reporter = ProgressReporter()
        let summary: ImportSummary
        do {
            if let csvKind = kind.csvKind {
                summary = try book.importCSV(csvKind, file: file, options: try options(for: csvKind), progress: reporter.report)
            } else {
                summary = try book.importJournal(file: file, progress: reporter.report)
            }
        } catch let error as ImportError {
            reporter.finish()
            if let underlying = error.underlying, let busy = CLIFailure.isBusy(underlying) { throw CLIFailure.busyLedger(path: ledger, busy) }
            let code = if case .database = error.underlying { CLIFailure.databaseError }
                else if error.isUnreadableFile { CLIFailure.missingData } else { CLIFailure.invalidInput }
            throw CLIFailure(message: error.description, exitCode: code)
        } catch let error as LedgerError {
            reporter.finish()
            throw CLIFailure(error, path: ledger)
        }
        reporter.finish()
        if summary.alreadyImported {
            printLine("\(file) was already imported into \(ledger) (source \(summary.sourceID), same content and mapping): nothing changed")
        } else {
            printLine("imported \(summary.kind) from \(file) into \(ledger): \(summary.rowsRead) rows read, \(summary.inserted) inserted, \(summary.skippedDuplicates) skipped as duplicates (source \(summary.sourceID))")
            if kind == .sales {
                printLine("\(summary.skippedNotOwn) rows are not your wallets' trades; \(summary.rowsWithoutBuyer) rows do not record their buyer "
                          + "(your buys among them cannot be recognised: book them with an nfts import)")
            }
        }
    }

    /// The preset (if any) with the flags applied over it.
    func options(for csvKind: CSVImportKind) throws -> CSVImportOptions {
        var options = preset.flatMap(ImportPreset.named)?.options ?? CSVImportOptions()
        func split(_ pair: String) -> (String, String) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        for (name, header) in mappings.map(split) { options.columns[name] = header }
        for (name, value) in constants.map(split) { options.constants[name] = value }
        if let timeColumn { options.columns[csvKind.timeColumn] = timeColumn }
        if let priceColumn { options.columns["price"] = priceColumn }
        if let series { options.constants["series"] = series }
        if let seriesKind { options.constants["kind"] = seriesKind }
        if let base { options.constants["base"] = base }
        if let quote { options.constants["quote"] = quote }
        if atTime != nil || timeZone != nil {
            let time = atTime ?? options.dateOnlyTime.description.split(separator: " ").first.map(String.init) ?? "00:00:00"
            options.dateOnlyTime = try DateOnlyTime(time, timeZone: timeZone ?? options.dateOnlyTime.timeZone)
        }
        if let instantFormat { options.instantFormat = instantFormat }
        options.wallets = wallets
        try options.validate(for: csvKind)
        return options
    }
}

extension InstantFormat: ExpressibleByArgument {}

/// Progress on stderr, only when stderr is a terminal: a line redrawn in place.
final class ProgressReporter {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var shown = false

    func report(_ progress: ImportProgress) {
        guard enabled else { return }
        let percent = progress.totalBytes > 0 ? Int(progress.bytesRead * 100 / progress.totalBytes) : 0
        FileHandle.standardError.write(Data("\r\(progress.rowsRead) rows (\(percent) %)".utf8))
        shown = true
    }

    func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
