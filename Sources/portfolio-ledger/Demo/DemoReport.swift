import LedgerMath
import PortfolioLedger

/// The demo's full report: the same views `portfolio-ledger report` prints, in table form.
enum DemoReport {
    static func render(_ demo: DemoScenario) throws -> String {
        let at = try ISO8601.parse(DemoScenario.reportAt)
        let market = OptionMarketInputs(rate: DemoScenario.rate, dividendYield: DemoScenario.dividendYield)
        let midQuarter = try ISO8601.parse("2021-02-26T21:00:00Z")
        return try demo.ledger.read { book in
            var sections: [String] = []
            sections.append("""
                PortfolioLedger demo — real market data (CryptoPunks sales, ETH/USD, S&P 500, VIX; docs/data.md)
                Two real CryptoPunks purchases in December 2020, an NFTfi-style fixed loan repaid early, a BendDAO-style
                pool loan with a health factor, and an SPX iron condor hedge opened at the 2021-01-04 close.
                Condor premiums and leg marks are model values (Black–Scholes, VIX as implied vol, r = \(DemoScenario.rate),
                q = \(DemoScenario.dividendYield)); the floor is the daily median CryptoPunks sale (a proxy).
                """)
            sections.append(try ReportValuation.render(try book.portfolioValuation(at: at, market: market)).text)

            let loanIDs = [demo.fixedLoan, demo.poolLoan]
            for id in loanIDs {
                guard let record = try book.loan(id) else { continue }
                // State while the loan was open, then its cost and the history of its risk.
                let during = record.startedAt.adding(seconds: 5 * 86_400)
                let state = try book.loanState(id, at: during)
                let cost = try book.borrowingCost(id, at: at, numeraire: .usd)
                var flagging = PricingPolicy.default
                flagging.onMissingPrice = .flag
                let history = try book.loanHistory(id, from: record.startedAt, to: at, sampling: .riskSeriesObservations, policy: flagging)
                sections.append(try ReportLoan.render(state, cost, history).text)
            }

            let valuation = try book.hedgeValuation(demo.hedge, at: midQuarter, market: market)
            let decay = try book.thetaDecay(demo.hedge, from: try ISO8601.parse(DemoScenario.condorEntry), to: midQuarter, market: market)
            sections.append(summarizedHedge(try ReportHedge.render(valuation, decay).text, points: decay.points.count))
            sections.append("Hedge at the end (settled at expiry)\n\n"
                            + (try ReportHedges.render([try book.hedgeValuation(demo.hedge, at: at, market: market)], at: at).text))

            let start = try ISO8601.parse("2020-12-14T00:00:00Z")
            var returns: [FullStackReturnReport] = []
            for numeraire in [Numeraire.usd, .eth] {
                returns.append(try book.fullStackReturn(.portfolio, from: start, to: at, numeraire: numeraire, market: market))
                sections.append(try ReportReturns.render(returns[returns.count - 1]).text)
            }
            let costs = try loanIDs.map { try book.borrowingCost($0, at: at, numeraire: .usd) }
            sections.insert(story(usd: returns[0], eth: returns[1], costs: costs), at: 1)
            return sections.joined(separator: "\n\n" + String(repeating: "─", count: 100) + "\n\n")
        }
    }

    /// The whole demo in a few sentences, every number taken from the reports below.
    static func story(usd: FullStackReturnReport, eth: FullStackReturnReport, costs: [LoanBorrowingCost]) -> String {
        let days = Fmt.days((Double(usd.from.seconds(to: usd.to)) / 86_400).rounded())
        var lines = ["The story in numbers (\(ISO8601.formatDate(usd.from)) → \(ISO8601.formatDate(usd.to)), \(days))", ""]
        func layer(_ name: String, _ u: LayerReturn, _ e: LayerReturn) -> String {
            "\(name): \(Fmt.multiple(u.moneyMultiple)) the money put in, in USD (\(Fmt.multiple(e.moneyMultiple)) in ETH); "
                + "time-weighted \(Fmt.twr(u.timeWeighted)) in USD, \(Fmt.twr(e.timeWeighted)) in ETH."
        }
        lines.append("- " + layer("The two punks alone", usd.nftAlone, eth.nftAlone))
        lines.append("- " + layer("With the two loans", usd.nftWithLoans, eth.nftWithLoans) + " Borrowing raised the time-weighted return (the floor rose faster than the loans cost); the multiple is lower because repaying a loan is money put in again.")
        lines.append("- " + layer("The iron condor", usd.hedgeAlone, eth.hedgeAlone) + " It expired worthless and kept its premium; it is an SPX hedge, not an NFT one.")
        lines.append("- " + layer("The whole stack", usd.total, eth.total))
        for c in costs {
            lines.append("- Loan \(c.loan) cost \(Fmt.pct(c.effectiveAPR)) a year in \(c.currency) and \(Fmt.pct(c.effectiveAPRInNumeraire)) in USD: "
                         + "\(Fmt.pct(c.costSplit.interestAPR)) interest, \(Fmt.pct(c.costSplit.feesAPR)) fees and \(Fmt.pct(c.costSplit.currencyEffectAPR)) "
                         + "because \(c.currency) rose against USD between borrowing and repaying.")
        }
        lines.append("")
        lines.append("XIRR, TWR p.a. and APRs are per year; over \(days) they extrapolate, so the multiples and cumulative figures come first.")
        return lines.joined(separator: "\n")
    }

    /// Keeps the theta table readable: the first and last ten days of the series.
    static func summarizedHedge(_ text: String, points: Int) -> String {
        guard points > 24 else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let headerIndex = lines.firstIndex(where: { $0.hasPrefix("at ") && $0.contains("time value USD") }) else { return text }
        let first = headerIndex + 1
        let removed = points - 20
        lines.replaceSubrange((first + 10)..<(first + 10 + removed), with: ["… \(removed) more days …"])
        return lines.joined(separator: "\n")
    }
}
