import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `refresh LEDGER`: recomputes the derived analytics tables other tools read with SQL.
struct RefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Compute the daily analytics (loans, hedge legs, portfolio, returns) into the derived tables other tools query (v_loan_day, v_hedge_leg_day, v_portfolio_day, v_return_layer).",
        discussion: """
            Values every loan, hedge leg and the portfolio at the last second of each UTC day from the first cash \
            movement to the latest booked instant, and the full-stack return over that period. The journal is not \
            written; the derived rows are replaced in one transaction and stamped with the book version and these \
            parameters (v_derived_status). Incremental when the book only grew after the last refreshed day; \
            nothing is rewritten when the book has not changed. A missing or stale price leaves the figure empty \
            with the reason in the row, never failing the refresh. See docs/schema.md "Derived analytics".
            """
    )

    @Argument(help: "Path of an existing ledger file (opened read-write).")
    var path: String

    @Option(name: .customLong("max-price-age-days"), help: "Oldest accepted NFT, FX and index observation, in days. Default 3.")
    var maxPriceAgeDays: Double = 3

    @Option(name: .customLong("max-quote-age-days"), help: "Oldest accepted option quote, in days. Default 4.")
    var maxQuoteAgeDays: Double = 4

    @OptionGroup var marketOptions: OptionMarketOptions

    func run() throws {
        guard maxPriceAgeDays >= 0, maxQuoteAgeDays >= 0 else {
            throw CLIFailure(message: "--max-price-age-days and --max-quote-age-days must not be negative", exitCode: CLIFailure.usage)
        }
        var market = marketOptions.market
        market.maxQuoteAgeSeconds = Int64(maxQuoteAgeDays * 86_400)
        let ledger = try Ledger.open(at: path)
        let report = try ledger.refreshAnalytics(DerivedAnalyticsParameters(maxPriceAgeSeconds: Int64(maxPriceAgeDays * 86_400), market: market))
        let period = zip(report.fromDay, report.throughDay).map { " \(ISO8601.formatDate($0.0))…\(ISO8601.formatDate($0.1))" } ?? " (nothing to value)"
        printLine("refreshed \(path) (\(report.mode.rawValue), book version \(report.bookVersion)):\(period); rows written: \(report.loanDays) loan-days, \(report.hedgeLegDays) hedge-leg-days, \(report.portfolioDays) portfolio days, \(report.returnLayers) return layers")
        if let problem = report.returnsProblem { printLine("note: no returns written: \(problem)") }
    }
}

/// Both values, or `nil`.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
