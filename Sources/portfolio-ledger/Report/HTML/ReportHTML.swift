import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// `report html LEDGER --out DIR`: the whole book on one self-contained page, `DIR/index.html`.
///
/// Each section is a `report` view run through its own command (``ReportView/output()``) with the
/// flags this command passes on, so the page shows the numbers `--format json` prints for the same
/// command line — and each section names that command line.
struct ReportHTML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "The whole book as one self-contained HTML page (DIR/index.html): overview, loans, hedges, statements, risk, prices used.",
        discussion: """
            The page needs no network and no other file (open it from file://); its tables sort on a click and it \
            prints. Every figure is the value the matching `report … --format json` gives; each section names \
            that command. The file is owner-only; an existing index.html is replaced only with --force.
            """
    )

    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @Option(help: "The directory to write index.html into (created owner-only when missing).")
    var out: String

    @OptionGroup var overwrite: OverwriteOption

    @OptionGroup var view: ReportViewOptions

    @Option(help: "Start of the returns, statement and borrowing-cost period (default: the first booked entry).")
    var from: String?

    @Option(help: "Numeraire of returns, costs and statements: usd or eth.")
    var numeraire: Numeraire = .usd

    @Option(name: .customLong("equity-step-days"), help: "Days between the points of the equity chart.")
    var equityStepDays: Int = 1

    @OptionGroup var marketOptions: OptionMarketOptions

    func run() throws {
        guard equityStepDays > 0 else { throw CLIFailure(message: "--equity-step-days must be positive", exitCode: CLIFailure.usage) }
        let html = try HTMLBookPage(command: self).render()
        let path = try Self.prepareDirectory(out) + "/index.html"
        try overwrite.write(to: path) { file in try file.write(Data(html.utf8)) }
        printLine("wrote \(path)")
    }

    /// The report instant, fixed once so every section is at the same one.
    var atInstant: Instant { get throws { try view.at.map { try parseInstant($0, option: "--at") } ?? Ledger.systemClock() } }

    var knownAtInstant: Instant? { get throws { try view.asKnownAt.map { try parseInstant($0, option: "--as-known-at") } } }

    /// The flags every section shares (its instant, knowledge cut-off, price policy).
    func commonFlags(at: Instant) throws -> [String] {
        var flags = ["--at", at.description]
        if let known = try knownAtInstant { flags += ["--as-known-at", known.description] }
        flags += ["--max-price-age-days", "\(view.maxPriceAgeDays)"]
        if view.flagMissingPrices { flags.append("--flag-missing-prices") }
        return flags
    }

    /// The option-market flags, for the sections that value options.
    var marketFlags: [String] {
        var flags = ["--rate", "\(marketOptions.rate)", "--dividend-yield", "\(marketOptions.dividendYield)"]
        for (name, value) in [("--underlying-series", marketOptions.underlyingSeries), ("--rate-series", marketOptions.rateSeries),
                              ("--settlement-series", marketOptions.settlementSeries)] {
            if let value { flags += [name, value] }
        }
        return flags
    }

    /// `out` as a directory: made owner-only when missing; a file or a symbolic link there is refused.
    static func prepareDirectory(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        let manager = FileManager.default
        if let attributes = try? manager.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeSymbolicLink {
            throw CLIFailure(message: "--out \(path): is a symbolic link (give the directory itself)", exitCode: CLIFailure.usage)
        }
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIFailure(message: "--out \(path): is a file, not a directory", exitCode: CLIFailure.usage)
            }
        } else {
            do {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw CLIFailure(message: "--out \(path): cannot create the directory: \(error.localizedDescription)", exitCode: CLIFailure.usage)
            }
        }
        return path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }
}
