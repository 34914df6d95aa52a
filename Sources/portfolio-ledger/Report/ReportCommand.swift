import ArgumentParser
import Foundation
import LedgerMath
import PortfolioLedger

/// `portfolio-ledger report VIEW LEDGER …`: read-only reports over stored history.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports over the stored history (read-only): valuation, loans, hedges, returns, stress, cost, statement, balance-sheet, break-even, borrowing-wacc, buffer, momentum.",
        discussion: """
            Every report opens the ledger read-only, computes from what is stored, and lists the prices it \
            used with their instants and ages. --as-known-at reproduces a report as the book was known then. \
            Tables on a terminal; --format json (booked money as strings, instants ISO-8601 UTC) or csv for machines.
            """,
        subcommands: [ReportValuation.self, ReportLoans.self, ReportLoan.self, ReportHedges.self, ReportHedge.self,
                      ReportReturns.self, ReportStress.self, ReportCost.self,
                      ReportStatement.self, ReportBalanceSheet.self,
                      ReportBreakEven.self, ReportBorrowingWACC.self, ReportBuffer.self, ReportMomentum.self,
                      ReportHTML.self]
    )
}

/// A `report` view: computes its ``ReportOutput`` (stamped with its instant) and prints it in
/// `--format`. `report html` builds its page from the same outputs, so the page's numbers are the
/// JSON's.
protocol ReportView: ParsableCommand {
    var options: ReportOptions { get }
    func output() throws -> ReportOutput
}

extension ReportView {
    func run() throws { try output().emit(options.format) }
}

/// Output formats of reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Options every report shares.
struct ReportOptions: ParsableArguments {
    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @OptionGroup var view: ReportViewOptions

    @Option(help: "Output format: table, json or csv.")
    var format: ReportFormat = .table

    @Option(name: .customLong("wallet"),
            help: "Only this wallet's part of the book: the NFTs kept in it, the cash entries naming it and the loans it borrowed (hedges and yield positions are held in no wallet).")
    var wallet: String?

    /// `--wallet` as the library's scope; `nil`: the whole book.
    var walletScope: WalletScope? { wallet.map { WalletScope($0) } }

    /// Refuses `--wallet` for a report of things no wallet holds (a usage error naming why).
    func refuseWallet(_ report: String, because reason: String) throws {
        guard wallet != nil else { return }
        throw CLIFailure(message: "\(report): --wallet does not apply: \(reason)", exitCode: CLIFailure.usage)
    }

    /// Why hedge reports refuse `--wallet` (WALLETS-5).
    static let hedgesHaveNoWallet = "hedges are not kept in a wallet; --wallet applies to NFTs, cash and loans"

    var at: String? { view.at }
    var asKnownAt: String? { view.asKnownAt }
    var maxPriceAgeDays: Double { view.maxPriceAgeDays }
    var flagMissingPrices: Bool { view.flagMissingPrices }

    func instant(_ text: String?, name: String) throws -> Instant {
        guard let text else { return Ledger.systemClock() }
        return try parseInstant(text, option: name)
    }

    var atInstant: Instant { get throws { try instant(at, name: "--at") } }

    var policy: PricingPolicy {
        PricingPolicy(maxAgeSeconds: Int64(maxPriceAgeDays * 86_400), onMissingPrice: flagMissingPrices ? .flag : .fail)
    }

    /// `--as-known-at`, parsed.
    var knownAtInstant: Instant? { get throws { try asKnownAt.map { try parseInstant($0, option: "--as-known-at") } } }

    /// Opens the ledger read-only and runs `body` on one snapshot (as known at `--as-known-at`).
    func read<R>(_ body: (LedgerSnapshot) throws -> R) throws -> R {
        let book = try Ledger.openReadOnly(at: ledger)
        return try book.read(asKnownAt: try knownAtInstant, body)
    }
}

/// What a report is of: its instant, the knowledge cut-off and the price policy (`report html`
/// takes these too, and passes them on to every view it runs).
struct ReportViewOptions: ParsableArguments {
    @Option(help: "The instant to report at: YYYY-MM-DD (00:00 UTC) or an ISO-8601 UTC instant. Default: now.")
    var at: String?

    @Option(name: .customLong("as-known-at"), help: "Show the book as it was known at this instant (later entries and corrections are invisible).")
    var asKnownAt: String?

    @Option(name: .customLong("max-price-age-days"), help: "Refuse prices older than this many days at the report instant (stale data). Default 3.")
    var maxPriceAgeDays: Double = 3

    @Flag(name: .customLong("flag-missing-prices"), help: "Report a missing or stale price as a flagged item instead of failing.")
    var flagMissingPrices = false
}

/// Option-market inputs for reports that value options.
struct OptionMarketOptions: ParsableArguments {
    @Option(help: "Risk-free rate, continuously compounded per year (0.01 = 1 %). Default 0.")
    var rate: Double = 0

    @Option(name: .customLong("dividend-yield"), help: "Index dividend yield, continuous per year. Default 0.")
    var dividendYield: Double = 0

    @Option(name: .customLong("underlying-series"), help: "Index series for the underlying level when a quote carries none (e.g. SPX).")
    var underlyingSeries: String?

    @Option(name: .customLong("rate-series"), help: "A rate series to use instead of --rate.")
    var rateSeries: String?

    @Option(name: .customLong("settlement-series"), help: "Stored settlement values (e.g. SPX SET) for contracts that expired without a booked settlement; else the expiry day's close of --underlying-series.")
    var settlementSeries: String?

    var market: OptionMarketInputs {
        OptionMarketInputs(underlyingSeries: underlyingSeries, settlementSeries: settlementSeries, rateSeries: rateSeries, rate: rate,
                           dividendYield: dividendYield)
    }
}

/// Parses `YYYY-MM-DD` or an ISO-8601 UTC instant given for `option`.
func parseInstant(_ text: String, option: String) throws -> Instant {
    do { return try ISO8601.parse(text) } catch {
        throw CLIFailure(message: "\(option): \(error.description)", exitCode: CLIFailure.usage)
    }
}

extension Numeraire: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}
