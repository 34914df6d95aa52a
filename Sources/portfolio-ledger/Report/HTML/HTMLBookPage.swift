import Foundation
import LedgerMath
import PortfolioLedger

/// Assembles `report html`'s page: the sections, each from one `report` view's output, the charts
/// (the `chart` commands' own builders) and the footer.
struct HTMLBookPage {
    let command: ReportHTML

    /// One section's source: the `report` command line (without the ledger) and what it gave.
    struct Part {
        var arguments: [String]
        var result: Result<ReportOutput, Error>
    }

    /// What the page lists and charts, read from one snapshot.
    private struct Book {
        var loans: [LoanRecord]
        var hedges: [HedgeRecord]
        var collections: [CollectionRecord]
        var firstEntry: Instant?
        var charts: [String: Result<String, Error>]
    }

    func render() throws -> String {
        let at = try command.atInstant
        let common = try command.commonFlags(at: at)
        let numeraire = ["--numeraire", command.numeraire.rawValue.lowercased()]
        let book = try readBook(at: at)
        let from = try command.from.map { try parseInstant($0, option: "--from") } ?? book.firstEntry.map(Self.dayBefore)
        let fromFlags = from.map { ["--from", $0.description] } ?? []
        let market = command.marketFlags

        func part<V: ReportView>(_ view: V.Type, _ words: [String], _ flags: [String]) -> Part {
            let arguments = words + common + flags
            let ledger = command.ledger.hasPrefix("-") ? "./" + command.ledger : command.ledger
            return Part(arguments: arguments, result: Result { try V.parse([ledger] + Array(arguments.dropFirst())).output() })
        }

        let valuation = part(ReportValuation.self, ["valuation"], market)
        var html = Self.head(title: "Portfolio ledger at \(at)")
        html += "<header class=\"top\"><h1>Portfolio ledger</h1><p>\(HTMLText.escape(command.ledger)) at \(at)"
            + (try command.knownAtInstant.map { ", as known at \($0)" } ?? "") + "</p></header>\n"
        html += nav(book)
        html += "<main>\n"

        html += section("overview", "Overview") {
            var out = ""
            if case .success(let v) = valuation.result {
                out += "<div class=\"figures\" data-report=\"\(Self.attribute(valuation.arguments))\">"
                    + HTMLJSONView.figure("Net equity (USD)", v.json, "totals", "net_equity_usd")
                    + HTMLJSONView.figure("Net equity (ETH)", v.json, "totals", "net_equity_eth")
                    + HTMLJSONView.figure("NFTs (USD)", v.json, "totals", "nft_usd")
                    + HTMLJSONView.figure("Debt (USD)", v.json, "totals", "debt_usd")
                    + HTMLJSONView.figure("Hedges (USD)", v.json, "totals", "hedge_usd")
                    + HTMLJSONView.figure("Cash (USD)", v.json, "totals", "cash_usd") + "</div>\n"
            }
            out += chart(book, "equity")
            out += "<h3>Returns per layer</h3>\n" + render(part(ReportReturns.self, ["returns"], market + numeraire + fromFlags))
            out += "<h3>Valuation</h3>\n" + render(valuation, skipping: ["prices"])
            return out
        }

        html += section("loans", "Loans") {
            var out = render(part(ReportLoans.self, ["loans"], []))
            out += "<h3>Borrowing cost</h3>\n" + render(part(ReportCost.self, ["cost"], numeraire))
            out += "<h3>Weighted borrowing cost</h3>\n" + render(part(ReportBorrowingWACC.self, ["borrowing-wacc"], numeraire + fromFlags))
            for loan in book.loans {
                out += "<h3 id=\"loan-\(loan.id)\">Loan \(loan.id) · \(HTMLText.escape(loan.lendingProtocol.rawValue)) · \(HTMLText.escape(loan.currency.code))</h3>\n"
                out += "<div class=\"charts\">" + chart(book, "health-\(loan.id)") + chart(book, "loan-\(loan.id)") + "</div>\n"
                out += render(part(ReportLoan.self, ["loan", "\(loan.id)"], numeraire))
            }
            return out
        }

        html += section("hedges", "Hedges") {
            var out = render(part(ReportHedges.self, ["hedges"], market))
            for hedge in book.hedges {
                out += "<h3 id=\"hedge-\(hedge.id)\">Hedge \(hedge.id) · \(HTMLText.escape(hedge.name))</h3>\n"
                out += chart(book, "theta-\(hedge.id)")
                out += render(part(ReportHedge.self, ["hedge", "\(hedge.id)"], market))
            }
            return out
        }

        html += section("statements", "Accounting statements") {
            var out = "<h3>Income statement</h3>\n"
            out += fromFlags.isEmpty ? "<p class=\"none\">nothing booked yet</p>\n"
                : render(part(ReportStatement.self, ["statement"], market + numeraire + fromFlags))
            out += "<h3>Balance sheet</h3>\n" + render(part(ReportBalanceSheet.self, ["balance-sheet"], market + numeraire))
            return out
        }

        html += section("risk", "Stack risk") {
            var out = "<h3>Break-even</h3>\n" + render(part(ReportBreakEven.self, ["break-even"], market + numeraire))
            out += "<h3>Collateral buffer</h3>\n" + render(part(ReportBuffer.self, ["buffer"], []))
            for collection in book.collections {
                out += "<h3>Momentum · \(HTMLText.escape(collection.name))</h3>\n"
                    + render(part(ReportMomentum.self, ["momentum", "\(collection.id)"], []))
            }
            return out
        }

        html += section("prices", "Prices used") {
            guard case .success(let v) = valuation.result, let prices = HTMLJSONView.value(v.json, "prices") else {
                return render(valuation, only: "prices")
            }
            return "<p>Every price the valuation used, with the instant it was observed and its age at \(at).</p>\n"
                + "<div data-report=\"\(Self.attribute(valuation.arguments))\">" + HTMLJSONView.render(prices, path: "prices") + "</div>\n"
        }

        html += "</main>\n" + footer(at: at)
        html += "<script>\n\(HTMLPageAssets.script)\n</script>\n</body>\n</html>\n"
        return html
    }

    // MARK: - Pieces

    private static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <title>\(HTMLText.escape(title))</title>
        <style>
        \(HTMLPageAssets.css)
        </style>
        </head>
        <body>

        """
    }

    private func nav(_ book: Book) -> String {
        var links = [("overview", "Overview"), ("loans", "Loans")]
        links += book.loans.map { ("loan-\($0.id)", "loan \($0.id)") }
        links.append(("hedges", "Hedges"))
        links += book.hedges.map { ("hedge-\($0.id)", "hedge \($0.id)") }
        links += [("statements", "Statements"), ("risk", "Risk"), ("prices", "Prices")]
        return "<nav>" + links.map { "<a href=\"#\($0.0)\">\(HTMLText.escape($0.1))</a>" }.joined() + "</nav>\n"
    }

    private func section(_ id: String, _ title: String, _ body: () -> String) -> String {
        "<section id=\"\(id)\">\n<h2>\(HTMLText.escape(title))</h2>\n" + body() + "</section>\n"
    }

    /// A part's JSON as HTML inside a `data-report` element naming its command, or the reason it is missing.
    private func render(_ part: Part, skipping skipped: Set<String> = [], only: String? = nil) -> String {
        let commandLine = (["portfolio-ledger", "report", part.arguments[0], "LEDGER"] + part.arguments.dropFirst() + ["--format", "json"])
            .joined(separator: " ")
        var out = "<div class=\"part\" data-report=\"\(Self.attribute(part.arguments))\">\n"
        out += "<p class=\"source\">\(HTMLText.escape(commandLine))</p>\n"
        switch part.result {
        case .success(let output):
            out += HTMLJSONView.render(output.json, skipping: skipped.union(["report", "at", "as_known_at"]))
        case .failure(let error):
            out += "<p class=\"problem\">Not available: \(HTMLText.escape(Self.message(error)))</p>\n"
        }
        return out + "</div>\n"
    }

    private func chart(_ book: Book, _ name: String) -> String {
        switch book.charts[name] {
        case .success(let svg)?: "<figure class=\"chart\">\(svg)</figure>\n"
        case .failure(let error)?: "<p class=\"problem\">Chart not available: \(HTMLText.escape(Self.message(error)))</p>\n"
        case nil: ""
        }
    }

    private func footer(at: Instant) -> String {
        let known = (try? command.knownAtInstant)??.description
        let rows: [(String, String)] = [
            ("ledger file", command.ledger), ("schema version", String(LedgerFile.schemaVersion)), ("at", at.description),
            ("as known at", known ?? "– (the book as stored now)"), ("numeraire", command.numeraire.rawValue),
            ("option market", command.marketFlags.joined(separator: " ")),
        ]
        return "<footer id=\"footer\"><table class=\"kv\"><tbody>"
            + rows.map { "<tr><th scope=\"row\">\(HTMLText.escape($0.0))</th><td data-footer=\"\(HTMLText.escape($0.0))\">\(HTMLText.escape($0.1))</td></tr>" }.joined()
            + "</tbody></table><p>Made by portfolio-ledger report html. Every figure is the value of the `report` command named above it.</p></footer>\n"
    }

    // MARK: - Data

    private func readBook(at: Instant) throws -> Book {
        let ledger = try Ledger.openReadOnly(at: command.ledger)
        return try ledger.read(asKnownAt: try command.knownAtInstant) { book in
            let loans = try book.loans().filter { $0.startedAt <= at }
            let hedges = try book.hedges().filter { $0.openedAt <= at }
            let first = try book.journal(from: Instant(unixSeconds: 0), to: at).first?.at
            var charts: [String: Result<String, Error>] = [:]
            func draw(_ name: String, _ make: () throws -> LineChart) {
                charts[name] = Result { try Self.inline(make().svg()) }
            }
            if let first {
                draw("equity") {
                    try EquityChart.lineChart(book, from: first, to: at, endsWithPrices: true, stepDays: command.equityStepDays,
                                          market: command.marketOptions.market)
                }
            }
            var flagging = PricingPolicy.default
            flagging.onMissingPrice = .flag
            for loan in loans {
                let history = Result {
                    try book.loanHistory(loan.id, from: loan.startedAt, to: at, sampling: .riskSeriesObservations, riskSource: .floor, policy: flagging)
                }
                draw("health-\(loan.id)") { HealthChart.lineChart(try history.get()) }
                draw("loan-\(loan.id)") { LoanChart.lineChart(try history.get()) }
            }
            for hedge in hedges {
                draw("theta-\(hedge.id)") {
                    ThetaChart.lineChart(hedge: hedge.id, name: hedge.name,
                                     decay: try book.thetaDecay(hedge.id, from: hedge.openedAt, to: at, market: command.marketOptions.market))
                }
            }
            return Book(loans: loans, hedges: hedges, collections: try book.collections(), firstEntry: first, charts: charts)
        }
    }

    /// The chart's SVG element for inlining (its standalone document with any prolog dropped).
    private static func inline(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }

    /// 00:00 UTC of `instant`'s day, or of the day before when `instant` is that midnight: the
    /// statement's period is (from, to], so it must start before the first entry.
    static func dayBefore(_ instant: Instant) -> Instant {
        let midnight = Instant(unixSeconds: instant.unixSeconds - ((instant.unixSeconds % 86_400) + 86_400) % 86_400)
        return midnight == instant ? midnight.adding(seconds: -86_400) : midnight
    }

    static func message(_ error: Error) -> String {
        if let failure = error as? CLIFailure { return failure.message }
        return "\(error)"
    }

    /// The command's arguments as a JSON array, for the `data-report` attribute the browser test reads.
    static func attribute(_ arguments: [String]) -> String {
        HTMLText.escape(JSONString.compactArray(arguments))
    }
}
