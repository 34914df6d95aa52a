import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `report returns`: money-weighted return of the stack and of each layer.
struct ReportReturns: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "returns",
        abstract: "Full-stack XIRR over --from…--at (portfolio or one NFT with its loans and hedges), per layer, in USD or ETH, with every flow and price used."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(help: "Start of the period (default: the first booked entry).")
    var from: String?
    @Option(help: "Numeraire: usd or eth.")
    var numeraire: Numeraire = .usd
    @Option(help: "Limit the scope to one NFT (id) with the loans it backed and the hedges protecting them.")
    var nft: Int64?

    func output() throws -> ReportOutput {
        try options.refuseWallet("report returns", because: "the full-stack return's flows (hedges, and deposits that name no wallet) "
            + "cannot be split by wallet honestly; use --nft for one NFT's stack, or report statement --wallet")
        let at = try options.atInstant
        let report = try options.read { book in
            let start = try from.map { try parseInstant($0, option: "--from") }
                ?? (try book.journal(from: Instant(unixSeconds: 0), to: at).first?.at ?? at)
            return try book.fullStackReturn(nft.map { .nft(NFTID($0)) } ?? .portfolio, from: start, to: at, numeraire: numeraire,
                                            policy: options.policy, market: marketOptions.market)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static func render(_ r: FullStackReturnReport) throws -> ReportOutput {
        let unit = r.numeraire.rawValue
        let scope: String = switch r.scope {
        case .portfolio: "portfolio"
        case .nft(let id): "nft \(id) with its loans and hedges"
        }
        var text = "Return of the \(scope), \(r.from) → \(r.to), in \(unit)"
            + (r.isComplete ? "" : " — INCOMPLETE: items without a price are left out (listed below)") + "\n\n"
        var layers: [(String, LayerReturn)] = [("whole stack", r.total), ("NFT alone (unlevered)", r.nftAlone),
                                               ("NFT + loans", r.nftWithLoans), ("hedge alone", r.hedgeAlone)]
        layers += r.perLoan.map { ("loan \($0.loan) alone", $0.layer) }
        // Only a scope with yield positions shows the layer, so other books read as before.
        if let yieldLayer = r.yieldAlone {
            layers.append(("yield alone", yieldLayer))
            layers += r.perYieldPosition.map { ("yield position \($0.position) alone" + ($0.fundingLoan.map { " (funded by loan \($0))" } ?? ""), $0.layer) }
        }
        text += PlainTable.grid(header: ["layer", "start \(unit)", "terminal \(unit)", "gain \(unit)", "multiple", "holding-period",
                                         "TWR", "TWR p.a.", "XIRR p.a."],
                                rows: layers.map { [$0.0, Fmt.num($0.1.startValue, 2), Fmt.num($0.1.terminalValue, 2),
                                                    Fmt.num($0.1.gain, 2), Fmt.multiple($0.1.moneyMultiple), Fmt.pct($0.1.holdingPeriodReturn),
                                                    Fmt.twr($0.1.timeWeighted), Fmt.twrAnnualized($0.1.timeWeighted), Fmt.xirr($0.1.xirr)] },
                                rightAligned: [1, 2, 3, 4, 5, 6, 7, 8])
        text += "\n\n" + Self.story(r) + Fmt.incomplete(r.problems)
        text += "\n\nborrowing cost (\(unit)): \(Fmt.num(r.borrowingCost, 2))\n\nFlows\n"
        let flowRows = r.flows.map { f in
            [f.amount.at.description, f.layer.rawValue, f.description, Fmt.money(f.amount.amount), Fmt.num(f.amount.converted, 2),
             Fmt.num(f.amount.rate, 6)]
        }
        let flowHeader = ["at", "layer", "flow", "amount", unit, "rate"]
        text += PlainTable.grid(header: flowHeader, rows: flowRows, rightAligned: [4, 5])
        text += "\n" + Fmt.pricesText(r.prices)
        return try ReportOutput(document: ReturnsDocument(r), text: text, csvHeader: flowHeader, csvRows: flowRows)
    }

    /// The whole stack's figures in words, with the caveat every annualized figure needs.
    static func story(_ r: FullStackReturnReport) -> String {
        let unit = r.numeraire.rawValue
        let days = Double(r.from.seconds(to: r.to)) / 86_400
        var lines: [String] = []
        if let multiple = r.total.moneyMultiple {
            lines.append("The whole stack returned \(Fmt.multiple(multiple)) what it was paid (gain \(Fmt.num(r.total.gain, 2)) \(unit))"
                         + " over \(Fmt.days(days)): contributions \(Fmt.num(r.total.money.contributions, 2)),"
                         + " distributions and terminal value \(Fmt.num(r.total.money.distributions, 2)) \(unit).")
        }
        if let twr = r.total.timeWeighted.value {
            lines.append("Time-weighted, one \(unit) kept in the stack since \(ISO8601.formatDate(twr.since)) became "
                         + "\(Fmt.num(1 + twr.cumulative, 2)) \(unit) (TWR \(Fmt.pct(twr.cumulative))).")
        }
        lines.append("Multiple, holding-period return and TWR are not annualized. TWR p.a. and XIRR p.a. are per year: "
                     + "over a period shorter than a year they extrapolate it and can be huge; read the cumulative figures first. "
                     + "Loan rows are from the borrower's side (proceeds in, payments and debt out): a negative TWR or holding-period "
                     + "return is the loan's cost, and a loan's XIRR is its cost rate (money received first, so positive = cost).")
        return lines.joined(separator: "\n")
    }
}

/// `report cost`: borrowing cost of every loan and of the portfolio.
struct ReportCost: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "Borrowing cost per loan and for the portfolio: interest and fees paid and accrued, received vs owed, effective APR, in the loan currency and a numeraire."
    )

    @OptionGroup var options: ReportOptions
    @Option(help: "Numeraire: usd or eth (each flow converted at its own instant).")
    var numeraire: Numeraire = .usd
    @Flag(name: .customLong("by-wallet"), help: "Also split the cost by the wallet that borrowed each loan.")
    var byWallet = false

    func output() throws -> ReportOutput {
        if byWallet, options.wallet != nil {
            throw CLIFailure(message: "report cost: --by-wallet splits every loan; it cannot be combined with --wallet", exitCode: CLIFailure.usage)
        }
        let at = try options.atInstant
        let (report, carry, parts) = try options.read { book in
            let ids = try options.walletScope.map { try book.loans(in: $0).map(\.id) }
            let report = try book.portfolioBorrowingCost(at: at, numeraire: numeraire, loans: ids, policy: options.policy)
            return (report, try book.netCarry(at: at, numeraire: numeraire, policy: options.policy).filter { ids?.contains($0.loan) ?? true },
                    byWallet ? try book.borrowingCostByWallet(report) : nil)
        }
        let unit = numeraire.rawValue
        var header = ["loan", "currency", "received", "interest paid", "fees paid", "interest accrued", "cost", "APR",
                      "cost \(unit)", "APR \(unit)"]
        // Loans that funded yield positions add their yield and net carry (books without any read as before).
        let carryByLoan = Dictionary(uniqueKeysWithValues: carry.map { ($0.loan, $0) })
        if !carry.isEmpty { header += ["yield earned \(unit)", "net carry \(unit)"] }
        let rows = report.loans.map { c in
            [String(c.loan.rawValue), c.currency.code, c.received.description, c.interestPaid.description, c.feesPaid.description,
             c.interestAccrued.description, c.cost.description, Fmt.pct(c.effectiveAPR), Fmt.num(c.costInNumeraire, 2),
             Fmt.pct(c.effectiveAPRInNumeraire)]
                + (carry.isEmpty ? [] : [Fmt.num(carryByLoan[c.loan]?.yieldEarned, 2), Fmt.num(carryByLoan[c.loan]?.netCarry, 2)])
        }
        var text = "Borrowing cost at \(at)" + (options.walletScope.map { " of the loans wallet \($0) borrowed" } ?? "") + "\n\n" + PlainTable.grid(header: header, rows: rows, rightAligned: [7, 8, 9])
        text += "\n\nCost in \(unit), split (each flow at its own instant)\n\n" + Self.splitTable(report.loans, unit: unit)
        text += "\n\nportfolio: cost \(Fmt.num(report.costInNumeraire, 2)) \(unit) on \(Fmt.num(report.receivedInNumeraire, 2)) received "
            + "(interest \(Fmt.num(report.interestInNumeraire, 2)), fees \(Fmt.num(report.feesInNumeraire, 2)), "
            + "currency effect \(Fmt.num(report.currencyEffectInNumeraire, 2))), "
            + "time-weighted effective APR \(Fmt.pct(report.effectiveAPRInNumeraire))" + Fmt.incomplete(report.problems)
        let assumed = Fmt.assumptionsText(report.assumptions)
        if !assumed.isEmpty { text += "\n" + assumed }
        if !carry.isEmpty {
            text += "\n\nNet carry in \(unit): yield earned by the positions each loan funded (withdrawals − deposits + value held) − its borrowing cost\n\n"
                + PlainTable.grid(header: ["loan", "yield positions", "yield earned", "borrowing cost", "net carry"],
                                  rows: carry.map { c in
                                      [String(c.loan.rawValue), c.positions.map(\.description).joined(separator: ", "), Fmt.num(c.yieldEarned, 2),
                                       Fmt.num(c.borrowingCost, 2), Fmt.num(c.netCarry, 2)] }, rightAligned: [2, 3, 4])
        }
        if let parts {
            text += "\n\nBy wallet that borrowed (\(unit))\n" + PlainTable.grid(
                header: ["wallet", "loans", "received", "cost", "APR"],
                rows: parts.map { p in
                    [p.wallet.description, p.cost.loans.map { String($0.loan.rawValue) }.joined(separator: ", "),
                     Fmt.num(p.cost.receivedInNumeraire, 2), Fmt.num(p.cost.costInNumeraire, 2) + (p.cost.isComplete ? "" : " (INCOMPLETE)"),
                     Fmt.pct(p.cost.effectiveAPRInNumeraire)]
                }, rightAligned: [2, 3, 4])
        }
        let document = CostDocument(report, carry: carry, wallet: options.walletScope, byWallet: parts)
        return try ReportOutput(document: document, text: text, csvHeader: header, csvRows: rows).stamped(options, at: at)
    }

    /// Interest, fees and currency effect per loan, in the numeraire and as parts of its APR.
    static func splitTable(_ loans: [LoanBorrowingCost], unit: String) -> String {
        let rows = loans.map { c in
            [String(c.loan.rawValue), c.currency.code, Fmt.num(c.costSplit.interest, 2), Fmt.num(c.costSplit.fees, 2),
             Fmt.num(c.costSplit.currencyEffect, 2), Fmt.num(c.costInNumeraire, 2),
             "\(Fmt.pct(c.effectiveAPRInNumeraire)) = \(Fmt.pct(c.costSplit.interestAPR)) + \(Fmt.pct(c.costSplit.feesAPR)) + \(Fmt.pct(c.costSplit.currencyEffectAPR))"]
        }
        var text = PlainTable.grid(header: ["loan", "currency", "interest \(unit)", "fees \(unit)", "currency effect \(unit)", "cost \(unit)",
                                            "APR \(unit) = interest + fees + currency"], rows: rows, rightAligned: [2, 3, 4, 5])
        if loans.contains(where: { $0.currency.code != unit && !($0.currency.code == "WETH" && unit == "ETH") }) {
            text += "\nThe currency effect is the loan currency's move against \(unit) on the principal: borrowed at one rate, "
                + "repaid (or still owed) at another. It is a cost when the borrowed currency rose, a gain when it fell."
        }
        return text
    }
}

/// `report stress`: shock the market and see what liquidates and what the hedge does.
struct ReportStress: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Shock floor, ETH/USD, SPX and implied vol (in % or absolute) and report each loan's HF, distance to liquidation, and the hedge P&L.",
        discussion: "A shock is N% (relative), +N / -N (absolute), or =N (set to). Example: --floor -30% --eth-usd -25% --spx -10% --vol +0.15"
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(parsing: .unconditional, help: "Shock to the NFT floor.") var floor: String?
    @Option(name: .customLong("eth-usd"), parsing: .unconditional, help: "Shock to ETH/USD.") var ethUSD: String?
    @Option(parsing: .unconditional, help: "Shock to the SPX level.") var spx: String?
    @Option(parsing: .unconditional, help: "Shock to implied volatility (absolute +0.10 = +10 vol points, or %).") var vol: String?
    @Option(name: .customLong("risk-source"), help: "floor or oracle.") var riskSource: RiskSourceOption = .floor

    static func parseShock(_ text: String?, option: String) throws -> Shock {
        guard let text, !text.isEmpty else { return .none }
        func number(_ s: Substring) throws -> Double {
            guard let v = Double(s), v.isFinite else {
                throw CLIFailure(message: "\(option): '\(text)' is not a shock (N%, +N, -N or =N)", exitCode: CLIFailure.usage)
            }
            return v
        }
        if text.hasPrefix("=") { return .setTo(try number(text.dropFirst())) }
        if text.hasSuffix("%") { return .relative(try number(text.dropLast()) / 100) }
        guard text.hasPrefix("+") || text.hasPrefix("-") else {
            throw CLIFailure(message: "\(option): '\(text)' needs a sign (+N/-N), a % or =N", exitCode: CLIFailure.usage)
        }
        return .absolute(try number(Substring(text)))
    }

    func output() throws -> ReportOutput {
        let at = try options.atInstant
        let shock = MarketShock(floor: try Self.parseShock(floor, option: "--floor"), ethUSD: try Self.parseShock(ethUSD, option: "--eth-usd"),
                                spx: try Self.parseShock(spx, option: "--spx"), impliedVol: try Self.parseShock(vol, option: "--vol"))
        let report = try options.read {
            try $0.stress(at: at, shock: shock, riskSource: riskSource.source, policy: options.policy, market: marketOptions.market,
                          wallet: options.walletScope)
        }
        return try Self.render(report).stamped(options, at: at)
    }

    static func render(_ r: StressReport) throws -> ReportOutput {
        var text = "Stress at \(r.at): floor \(r.shock.floor), ETH/USD \(r.shock.ethUSD), SPX \(r.shock.spx), implied vol \(r.shock.impliedVol)\n\n"
        if let scope = r.wallet {
            text += "Wallet \(scope): the loans it borrowed and the NFTs kept in it"
                + (scope.holdsUnwalletedItems ? " (with the hedges, held in no wallet)" : "; hedges are held in no wallet and are not in this part") + "\n\n"
        }
        let loanHeader = ["loan", "HF before", "HF after", "distance to liquidation", "liquidates"]
        let loanRows = r.loans.map { l in
            [String(l.loan.rawValue), Fmt.hf(l.base.risk?.healthFactor), Fmt.hf(l.stressed.risk?.healthFactor),
             Fmt.pct(l.distanceToLiquidation), l.liquidates.map { $0 ? "YES" : "no" } ?? "-"]
        }
        text += PlainTable.grid(header: loanHeader, rows: loanRows, rightAligned: [1, 2, 3])
        text += "\n\n" + PlainTable.grid(header: ["hedge", "value before USD", "value after USD", "P&L USD"],
                                         rows: r.hedges.map { [$0.base.hedge.name, Fmt.usd($0.base.valueUSD), Fmt.usd($0.stressed.valueUSD), Fmt.usd($0.pnlUSD)] },
                                         rightAligned: [1, 2, 3])
        text += "\n\n" + PlainTable.keyValue([
            ("NFT change USD", .string(Fmt.usd(r.nftChangeUSD))), ("debt change USD", .string(Fmt.usd(r.debtChangeUSD))),
            ("hedge P&L USD", .string(Fmt.usd(r.hedgePnLUSD))), ("net change USD", .string(Fmt.usd(r.netChangeUSD))),
        ])
        text += "\n\n" + r.verdict
        return try ReportOutput(document: StressDocument(r), text: text, csvHeader: loanHeader, csvRows: loanRows)
    }
}
