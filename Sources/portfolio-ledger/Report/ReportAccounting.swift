import ArgumentParser
import LedgerMath
import PortfolioLedger

/// `report statement`: the income statement for a period, booked exact per currency and at mark in a numeraire.
struct ReportStatement: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "statement",
        abstract: "Income statement for (--from, --to]: realized NFT gains, interest, loan fees, option premiums/fees/settlements (exact, per currency), "
            + "unrealized and MTM changes, accrued interest and FX (numeraire), with both reconciliations.",
        discussion: """
            The booked part reconciles exactly per currency: opening equity + external flows + P&L = closing equity \
            (residual 0). The marked part (marks, model accruals, FX; floating point) reconciles in the numeraire \
            within tolerance. Booked lines are converted at their own instant's rate, marked changes at the closing rate.
            """
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(help: "Start of the period (exclusive): YYYY-MM-DD or an ISO-8601 UTC instant.")
    var from: String
    @Option(help: "End of the period (inclusive). Default: --at, else now.")
    var to: String?
    @Option(help: "Numeraire: usd or eth.")
    var numeraire: Numeraire = .usd

    func output() throws -> ReportOutput {
        let start = try parseInstant(from, option: "--from")
        let at = try to.map { try parseInstant($0, option: "--to") } ?? options.atInstant
        let end = at
        guard start < end else { throw CLIFailure(message: "--from must be before --to", exitCode: CLIFailure.usage) }
        let statement = try options.read {
            try $0.incomeStatement(from: start, to: end, numeraire: numeraire, policy: options.policy, market: marketOptions.market,
                                   wallet: options.walletScope)
        }
        return try Self.render(statement).stamped(options, at: at)
    }

    /// The summary rows of the booked P&L: (label, key, amount per currency); the yield row only
    /// for books with yield positions, so the others read as before.
    static func bookedRows(for s: IncomeStatement) -> [(String, String, (BookedIncome) -> ExactDecimal)] {
        guard hasYield(s) else { return bookedRows }
        var rows = bookedRows
        rows.insert(("yield realized (withdrawals − cost relieved)", "yield_income", \.yieldIncome), at: rows.count - 2)
        return rows
    }

    /// True when the period touches a yield position (held at either end, or a withdrawal in it).
    static func hasYield(_ s: IncomeStatement) -> Bool { s.touchesYield }

    static var bookedRows: [(String, String, (BookedIncome) -> ExactDecimal)] { [
        ("realized NFT gain", "realized_nft_gain", \.realizedNFTGain),
        ("interest paid", "interest_paid", \.interestExpense),
        ("loan fees (origination, fees, redemptions)", "loan_fees", \.loanFees),
        ("loan endings (surplus, principal released)", "loan_endings", \.loanEndings),
        ("option premiums (received − paid)", "option_premiums", \.optionPremiums),
        ("option fees", "option_fees", \.optionFees),
        ("option settlements", "option_settlements", \.optionSettlements),
        ("= booked P&L", "profit_and_loss", \.profitAndLoss),
        ("external flows (deposits − withdrawals)", "external_flows", \.externalFlows),
    ] }

    static func render(_ s: IncomeStatement) throws -> ReportOutput {
        let unit = s.numeraire.rawValue
        var text = "Income statement (\(s.from), \(s.to)]" + (s.knownAt.map { ", as known at \($0)" } ?? "") + "\n\n"
        if let scope = s.wallet {
            text += "Wallet \(scope): the entries naming it, the NFTs kept in it, the loans it borrowed\n"
                + "(hedges and yield positions are in no wallet; NFTs moved between own wallets are flows at cost, not P&L)\n\n"
        }
        text += "Booked (exact, per currency)\n"
        text += PlainTable.grid(header: ["line"] + s.booked.map(\.currency.code),
                                rows: bookedRows(for: s).map { row in [row.0] + s.booked.map { row.2($0).description } },
                                rightAligned: Set(1...max(1, s.booked.count)))
        text += "\n\nBooked reconciliation: opening equity + flows + P&L = closing equity\n"
        let recHeader = ["currency", "opening equity", "flows", "P&L", "closing equity", "residual"]
        text += PlainTable.grid(header: recHeader, rows: s.bookedReconciliation.map {
            [$0.currency.code, $0.openingEquity.description, $0.externalFlows.description, $0.profitAndLoss.description,
             $0.closingEquity.description, $0.residual.description]
        }, rightAligned: [1, 2, 3, 4, 5])
        text += "\n" + (s.bookedReconciles ? "booked part reconciles exactly (residual 0)" : "BOOKED PART DOES NOT RECONCILE")
        if let m = s.marked {
            let r = m.reconciliation
            text += "\n\nAt mark, in \(unit)\n" + PlainTable.keyValue([
                ("booked P&L (each line at its instant's rate)", .string(Fmt.num(m.bookedProfitAndLoss, 2))),
                ("Δ unrealized NFT gain (closing rate)", .string(Fmt.num(m.unrealizedNFTChange, 2))),
                ("Δ option MTM (closing rate)", .string(Fmt.num(m.optionMTMChange, 2))),
                ("Δ accrued interest, models (closing rate)", .string(Fmt.num(m.accruedInterestChange, 2))),
            ] + (hasYield(s) ? [("Δ unrealized yield (closing rate)", .string(Fmt.num(m.unrealizedYieldChange, 2)))] : []) + [
                ("FX translation (current-rate method)", .string(Fmt.num(m.fxTranslation, 2))),
                ("= total P&L", .string(Fmt.num(m.totalProfitAndLoss, 2))),
                ("external flows", .string(Fmt.num(m.externalFlows, 2))),
            ])
            text += "\n\nReconciliation at mark: \(Fmt.num(r.openingEquity, 2)) + \(Fmt.num(r.externalFlows, 2)) + "
                + "\(Fmt.num(r.bookedProfitAndLoss + r.markedChanges + r.fxTranslation, 2)) = \(Fmt.num(r.expectedClosingEquity, 2)); "
                + "closing \(Fmt.num(r.closingEquity, 2)); residual \(r.residual) (tolerance \(r.tolerance)) "
                + (r.holds ? "— holds" : "— DOES NOT HOLD")
        } else {
            text += "\n\nAt mark: not computed: \(s.markProblem?.description ?? "no prices")"
        }
        let lineHeader = ["at", "line", "amount", "entry", unit, "rate"]
        let lineRows = s.lines.map { l in
            [l.at.description, l.kind.rawValue, Fmt.money(l.amount), "\(l.entryTable) \(l.entryID)",
             Fmt.num(l.converted?.converted, 2), Fmt.num(l.converted?.rate, 6)]
        }
        text += "\n\nLines\n" + PlainTable.grid(header: lineHeader, rows: lineRows, rightAligned: [4, 5])
        if !s.disposals.isEmpty {
            text += "\n\nNFT disposals (per-token cost basis)\n" + PlainTable.grid(
                header: ["nft", "how", "at", "proceeds", "cost basis", "realized gain"],
                rows: s.disposals.map { d in
                    ["nft \(d.nft)", d.kind.rawValue, d.at.description, Fmt.money(d.proceeds),
                     d.isCostBasisKnown ? d.costBasis.map(Fmt.money) ?? "-" : "unknown (incomplete)",
                     d.realizedGain.map(Fmt.money) ?? (d.isCostBasisKnown ? "(two currencies)" : "(cost unknown)")]
                }, rightAligned: [])
            let unknown = s.disposals.filter { !$0.isCostBasisKnown }.count
            if unknown > 0 {
                text += "\nINCOMPLETE: \(unknown) disposal(s) of opening positions of unknown cost: their proceeds are in the P&L "
                    + "with no cost basis, so the P&L overstates the gain by those costs"
            }
        }
        text += "\n" + Fmt.pricesText(s.marked?.prices ?? [])
        return try ReportOutput(document: StatementDocument(s), text: text, csvHeader: lineHeader, csvRows: lineRows)
    }
}

/// `report balance-sheet`: assets, liabilities and equity at an instant, booked and at mark.
struct ReportBalanceSheet: ReportView {
    static let configuration = CommandConfiguration(
        commandName: "balance-sheet",
        abstract: "Balance sheet at --at: cash, NFTs at cost (pledged flagged) and at mark, option positions at mark, "
            + "loan principal + accrued interest; booked equity exact per currency, equity at mark in a numeraire."
    )

    @OptionGroup var options: ReportOptions
    @OptionGroup var marketOptions: OptionMarketOptions
    @Option(help: "Numeraire: usd or eth.")
    var numeraire: Numeraire = .usd
    @Flag(name: .customLong("by-wallet"), help: "Also split the sheet by wallet: each wallet's cash, NFTs and loans, and the part naming no wallet (hedges, yield positions).")
    var byWallet = false

    func output() throws -> ReportOutput {
        if byWallet, options.wallet != nil {
            throw CLIFailure(message: "report balance-sheet: --by-wallet splits the whole book; it cannot be combined with --wallet",
                             exitCode: CLIFailure.usage)
        }
        let at = try options.atInstant
        let (sheet, parts) = try options.read { book in
            (try book.balanceSheet(at: at, numeraire: numeraire, policy: options.policy, market: marketOptions.market, wallet: options.walletScope),
             byWallet
                ? try book.balanceSheetsByWallet(at: at, numeraire: numeraire, policy: options.policy, market: marketOptions.market) : nil)
        }
        return try Self.render(sheet, numeraire: numeraire, byWallet: parts).stamped(options, at: at)
    }

    /// The per-wallet table of `--by-wallet`: booked equity per currency and equity at mark per part.
    static func walletText(_ parts: [BalanceSheet], numeraire: Numeraire) -> String {
        let currencies = Set(parts.flatMap(\.currencies)).sorted()
        let rows = parts.map { p in
            [p.wallet?.description ?? "(whole book)"] + currencies.map { p.booked($0).equity.description }
                + [p.marked.map { Fmt.num($0.equity, 2) } ?? "-"]
        }
        return "\n\nBy wallet (booked equity per currency; equity at mark in \(numeraire.rawValue); hedges and yield positions are held in no wallet)\n"
            + PlainTable.grid(header: ["wallet"] + currencies.map(\.code) + ["equity at mark"], rows: rows,
                              rightAligned: Set(1...currencies.count + 1))
    }

    static func render(_ b: BalanceSheet, numeraire: Numeraire, byWallet parts: [BalanceSheet]? = nil) throws -> ReportOutput {
        let unit = numeraire.rawValue
        var text = "Balance sheet at \(b.at)" + (b.knownAt.map { ", as known at \($0)" } ?? "")
            + (b.wallet.map { " of wallet \($0): its cash, the NFTs kept in it and the loans it borrowed" } ?? "")
            + "\n\nBooked (exact, per currency)\n"
        // The yield column only for books with yield positions, so the others read as before.
        let hasYield = !b.yieldPositions.isEmpty
        let header = ["currency", "cash", "NFTs at cost"] + (hasYield ? ["yield at cost"] : []) + ["assets", "loan principal", "liabilities", "equity"]
        let rows = b.booked.map { x in
            [x.currency.code, x.cash.description, x.nftsAtCost.description] + (hasYield ? [x.yieldAtCost.description] : [])
                + [x.assets.description, x.loanPrincipal.description, x.liabilities.description, x.equity.description]
        }
        text += PlainTable.grid(header: header, rows: rows, rightAligned: Set(1..<header.count))
        if hasYield {
            text += "\n\nYield positions\n" + PlainTable.grid(
                header: ["position", "kind", "funded by", "shares", "cost basis", "value", "unrealized", "priced by"],
                rows: b.yieldPositions.map { y in
                    let p = y.holding.position
                    return ["\(p.name) (\(p.id))", p.kind.rawValue, p.fundingLoan.map { "loan \($0)" } ?? "-", y.holding.shares?.description ?? "-",
                            Fmt.money(Money(y.holding.costBasis, p.currency)), Fmt.num(y.value?.value, 4), Fmt.num(y.value?.unrealized, 4),
                            y.value?.sharePrice.map { "\(Fmt.num($0.price, 6)) (\($0.series))" } ?? (y.value == nil ? "-" : "accrual")]
                }, rightAligned: [3, 4, 5, 6])
        }
        if !b.nfts.isEmpty {
            text += "\n\nNFTs\n" + PlainTable.grid(
                header: ["nft", "acquired", "cost basis", "pledged to", "mark", "mark value", "unrealized"],
                rows: b.nfts.map { n in
                    ["nft \(n.lot.nft)", n.lot.acquisition.tradedAt.description, n.lot.isCostKnown ? Fmt.money(n.lot.costBasis) : "unknown (incomplete)",
                     n.pledgedTo.map { "loan \($0)" } ?? "-",
                     n.mark.map { "\(Fmt.num($0.price, 4)) \(n.markCurrency?.code ?? "") (\($0.series))" } ?? "-",
                     Fmt.num(n.markValue, 4), n.lot.isCostKnown ? Fmt.num(n.unrealizedGain, 4) : "(cost unknown)"]
                }, rightAligned: [5, 6])
        }
        if !b.loans.isEmpty {
            text += "\n\nLoans\n" + PlainTable.grid(
                header: ["loan", "protocol", "currency", "principal (booked)", "accrued interest (model)", "debt"],
                rows: b.loans.map { l in
                    ["loan \(l.loan)", l.lendingProtocol.rawValue, l.currency.code, l.outstandingPrincipal.description,
                     l.accruedInterest?.description ?? "-", l.debt?.description ?? "-"]
                }, rightAligned: [3, 4, 5])
        }
        if !b.hedges.isEmpty {
            text += "\n\nOption positions at mark\n" + PlainTable.grid(
                header: ["hedge", "name", "MTM USD"], rows: b.hedges.map { ["hedge \($0.hedge)", $0.name, Fmt.usd($0.valueUSD)] },
                rightAligned: [2])
        }
        if let m = b.marked {
            text += "\n\nAt mark, in \(unit)\n" + PlainTable.keyValue([
                ("cash", .string(Fmt.num(m.cash, 2))), ("NFTs at mark", .string(Fmt.num(m.nftsAtMark, 2))),
            ] + (hasYield ? [("yield positions at mark", .string(Fmt.num(m.yieldAtMark, 2)))] : []) + [
                ("option positions (assets)", .string(Fmt.num(m.hedgeAssets, 2))), ("= assets", .string(Fmt.num(m.assets, 2))),
                ("loan debt (principal + accrued)", .string(Fmt.num(m.loanDebt, 2))),
                ("option positions (liabilities)", .string(Fmt.num(m.hedgeLiabilities, 2))),
                ("= liabilities", .string(Fmt.num(m.liabilities, 2))), ("equity", .string(Fmt.num(m.equity, 2))),
            ])
            text += "\n\nRates into \(unit): " + m.rates.map { "\($0.currency) \(Fmt.num($0.rate, 6))" }.joined(separator: ", ")
        } else {
            text += "\n\nAt mark: not computed: \(b.markProblem?.description ?? "no prices")"
        }
        if let parts { text += walletText(parts, numeraire: numeraire) }
        text += "\n" + Fmt.pricesText(b.marked?.prices ?? [])
        return try ReportOutput(document: BalanceSheetDocument(b, numeraire: numeraire, byWallet: parts), text: text, csvHeader: header, csvRows: rows)
    }
}
