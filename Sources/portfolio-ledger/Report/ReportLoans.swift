import ArgumentParser
import LedgerMath
import PortfolioLedger

/// Which series risk is computed on.
enum RiskSourceOption: String, ExpressibleByArgument, CaseIterable {
    case floor, oracle
    var source: RiskPriceSource { self == .floor ? .floor : .oracle }
}

/// `report loans`: every loan's state at an instant.
struct ReportLoans: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "loans",
        abstract: "Every loan at an instant: status, debt, accrued interest, LTV, health factor, liquidation floor."
    )

    @OptionGroup var options: ReportOptions
    @Option(name: .customLong("risk-source"), help: "Value collateral on the user's floor series or the protocol's oracle series.")
    var riskSource: RiskSourceOption = .floor

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let states = try options.read { book in
            try book.loans(wallet: options.wallet).filter { $0.startedAt <= at }.map {
                try book.loanState($0.id, at: at, riskSource: riskSource.source, policy: options.policy)
            }
        }
        return try Self.render(states, at: at).stamped(options, at: at)
    }

    static func row(_ s: LoanStateReport) -> [String] {
        [String(s.loan.id.rawValue), s.loan.lendingProtocol.rawValue, s.status.rawValue, Fmt.money(Money(s.debt, s.loan.currency)),
         s.accruedInterest.description, Fmt.pct(s.risk?.loanToValue), Fmt.hf(s.risk?.healthFactor),
         s.risk?.liquidationFloorPrice.map { "\(Fmt.num($0.doubleValue, 4)) \(s.risk?.collateral.priceCurrency?.code ?? "")" } ?? "-",
         s.secondsToMaturity.map { Fmt.age($0) } ?? "-"]
    }

    static let header = ["loan", "protocol", "status", "debt", "accrued interest", "LTV", "HF", "liquidation floor", "to maturity"]

    static func render(_ states: [LoanStateReport], at: Instant) throws -> ReportOutput {
        var text = "Loans at \(at)\n\n" + PlainTable.grid(header: header, rows: states.map(row), rightAligned: [5, 6])
        let notes = states.flatMap { (s: LoanStateReport) -> [String] in
            var lines: [String] = []
            if let problem = s.priceProblem { lines.append("loan \(s.loan.id): " + problemText(problem)) }
            lines += s.notes.map { "loan \(s.loan.id): \($0)" }
            if let none = caseNone(s.priceLiquidation) { lines.append("loan \(s.loan.id): \(none)") }
            return lines
        }
        if !notes.isEmpty { text += "\n\n" + notes.joined(separator: "\n") }
        text += "\n" + Fmt.pricesText(states.flatMap { $0.risk?.collateral.pricesUsed ?? [] })
        return try ReportOutput(document: LoansDocument(states, at: at), text: text, csvHeader: header, csvRows: states.map(row))
    }

    /// A collection with no floor series at all is unvalued (vault or wrapped tokens), not a failure.
    static func problemText(_ problem: AnalyticsError) -> String {
        if case .noSeries(.floor, _) = problem { return "collateral unvalued (\(problem)): LTV unavailable" }
        return "price problem: \(problem)"
    }

    static func caseNone(_ p: PriceLiquidation) -> String? { p.noneText }
}

/// `report loan ID`: one loan's state, cost and risk history.
struct ReportLoan: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "loan",
        abstract: "One loan: state at --at, borrowing cost, and its risk history over --from…--to (min HF and liquidatable instants)."
    )

    @OptionGroup var options: ReportOptions
    @Argument(help: "The loan id.")
    var id: Int64
    @Option(help: "Start of the history period (default: the loan's start).")
    var from: String?
    @Option(help: "End of the history period (default: --at).")
    var to: String?
    @Option(name: .customLong("risk-source"), help: "Value collateral on the user's floor series or the protocol's oracle series.")
    var riskSource: RiskSourceOption = .floor
    @Option(help: "Numeraire for the cost in another currency: usd or eth.")
    var numeraire: Numeraire = .usd

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let loanID = LoanID(id)
        let (state, cost, history) = try options.read { book in
            guard let record = try book.loan(loanID) else { throw LedgerError.unknownEntity(kind: "loan", id: String(id)) }
            if let scope = options.walletScope, !scope.contains(record.wallet) {
                throw CLIFailure(message: "loan \(id) was borrowed by \(record.wallet ?? "no named wallet"), not by \(scope)",
                                 exitCode: CLIFailure.usage)
            }
            let state = try book.loanState(loanID, at: at, riskSource: riskSource.source, policy: options.policy)
            let cost = try book.borrowingCost(loanID, at: at, numeraire: numeraire, policy: options.policy)
            let from = try from.map { try parseInstant($0, option: "--from") } ?? record.startedAt
            let to = try to.map { try parseInstant($0, option: "--to") } ?? at
            var flagging = options.policy
            flagging.onMissingPrice = .flag
            let history = try book.loanHistory(loanID, from: from, to: to, sampling: .riskSeriesObservations,
                                               riskSource: riskSource.source, policy: flagging)
            return (state, cost, history)
        }
        return try Self.render(state, cost, history).stamped(options, at: at)
    }

    static func render(_ s: LoanStateReport, _ c: LoanBorrowingCost, _ h: LoanHistoryReport) throws -> ReportOutput {
        var text = "Loan \(s.loan.id) (\(s.loan.lendingProtocol.rawValue), \(s.loan.currency)) at \(s.at)\n\n"
        text += PlainTable.grid(header: ReportLoans.header, rows: [ReportLoans.row(s)], rightAligned: [5, 6])
        if let problem = s.priceProblem { text += "\n" + ReportLoans.problemText(problem) }
        text += "\n\nBorrowing cost (\(c.start) → \(c.end))\n" + PlainTable.keyValue([
            ("borrowed", .string(Fmt.money(Money(c.borrowed, c.currency)))), ("received", .string(Fmt.money(Money(c.received, c.currency)))),
            ("interest paid", .string(c.interestPaid.description)), ("fees paid", .string(c.feesPaid.description)),
            ("interest accrued", .string(c.interestAccrued.description)), ("cost", .string(Fmt.money(Money(c.cost, c.currency)))),
            ("effective APR", .string(Fmt.pct(c.effectiveAPR))),
            ("cost in \(c.numeraire.rawValue)", .string(Fmt.num(c.costInNumeraire, 2))),
            ("effective APR in \(c.numeraire.rawValue)", .string(Fmt.pct(c.effectiveAPRInNumeraire))),
            ("  of which interest", .string(Fmt.pct(c.costSplit.interestAPR) + " (\(Fmt.num(c.costSplit.interest, 2)) \(c.numeraire.rawValue))")),
            ("  of which fees", .string(Fmt.pct(c.costSplit.feesAPR) + " (\(Fmt.num(c.costSplit.fees, 2)) \(c.numeraire.rawValue))")),
            ("  of which currency effect", .string(Fmt.pct(c.costSplit.currencyEffectAPR)
                + " (\(Fmt.num(c.costSplit.currencyEffect, 2)) \(c.numeraire.rawValue): \(c.currency) moved against \(c.numeraire.rawValue) on the principal)")),
        ])
        text += "\n\nRisk history (\(h.points.count) points on \(s.riskSource))\n"
        if let minimum = h.minimumHealthFactor {
            text += "minimum health factor \(Fmt.num(minimum.value)) at \(minimum.at)\n"
        } else if let reason = ReportLoans.caseNone(h.priceLiquidation) {
            let ltvs = h.points.compactMap(\.loanToValue)
            text += reason + (ltvs.max().map { "; highest LTV \(Fmt.pct($0))" } ?? "") // nothing to liquidate: no line follows
        } else {
            text += "no health factor in the period (no price liquidation, or no debt)\n"
        }
        text += h.liquidatableInstants.isEmpty ? (ReportLoans.caseNone(h.priceLiquidation) == nil ? "never liquidatable in the period" : "")
            : "liquidatable at \(h.liquidatableInstants.count) instant(s): " + h.liquidatableInstants.prefix(10).map(\.description).joined(separator: ", ")
                + (h.liquidatableInstants.count > 10 ? ", …" : "")
        // The cost's conversions add no observations to list here, but any rate they assumed is flagged.
        text += "\n" + Fmt.pricesText((s.risk?.collateral.pricesUsed ?? []) + c.flows.flatMap { $0.amount.prices.filter { $0.assumption != nil } })
        let historyRows = h.points.map { p in
            [p.at.description, p.debt.description, Fmt.pct(p.loanToValue), Fmt.hf(p.healthFactor),
             p.liquidationFloorPrice?.description ?? "-", p.isLiquidatable.map { $0 ? "yes" : "no" } ?? "-"]
        }
        return try ReportOutput(document: LoanDocument(state: s, cost: c, history: h), text: text, csvHeader: ["at", "debt", "ltv", "health_factor", "liquidation_floor", "liquidatable"],
                            csvRows: historyRows)
    }
}
