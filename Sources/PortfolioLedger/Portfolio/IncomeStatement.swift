import LedgerMath

/// What a booked statement line is. Every line is signed by its effect on equity (+ gain or
/// inflow, − loss or outflow); deposits and withdrawals are equity flows, the rest is P&L.
public enum StatementLineKind: String, Sendable, Hashable, CaseIterable {
    /// Sale price − sale fees of an NFT disposed of (0 for collateral lost to a liquidation or foreclosure).
    case nftProceeds = "nft disposal proceeds"
    /// − cost basis (purchase price + purchase fees) of the lot disposed of.
    case nftCostBasis = "nft cost basis disposed"
    case interestPaid = "loan interest paid"
    /// − (principal − amount received), at the loan's start.
    case originationFee = "loan origination fee"
    /// − a `fee` event's amount.
    case loanFee = "loan fee paid"
    /// − a `redeem` event's amount (the booked principal does not change on a redemption).
    case redemption = "loan redemption paid"
    case liquidationSurplus = "liquidation surplus returned"
    /// + the booked principal still outstanding when a loan ended (close, liquidation, foreclosure)
    /// without it being booked as repaid: the liability is gone.
    case principalReleased = "loan principal released at end"
    case premiumReceived = "option premium received"
    case premiumPaid = "option premium paid"
    case optionFees = "option fees"
    case optionSettlement = "option cash settlement"
    case deposit
    case withdrawal
    /// A yield position's withdrawal − the cost it relieved: yield earned and taken out.
    case yieldRealized = "yield realized"
    /// ± the cost basis of an NFT moved between own wallets, in a statement of one wallet's part
    /// (+ into it, − out of it): an equity flow of that part, never P&L. The whole book's
    /// statement has none (they cancel).
    case walletTransfer = "nft moved between own wallets (at cost)"

    /// Deposits, withdrawals and (in one wallet's statement) NFTs moved between own wallets move
    /// equity without being income.
    public var isExternalFlow: Bool { self == .deposit || self == .withdrawal || self == .walletTransfer }
}

/// One booked line of the income statement, exact in its currency, with its conversion into the
/// numeraire at its own instant.
public struct StatementLine: Sendable, Hashable {
    public var kind: StatementLineKind
    public var at: Instant
    /// Signed effect on equity.
    public var amount: Money
    /// The journal entry or record behind the line (`nft_trade`, `loan`, `loan_event`, `option_trade`, …).
    public var entryTable: String
    public var entryID: Int64
    public var nftID: NFTID?
    public var loanID: LoanID?
    public var hedgeID: HedgeID?
    /// `amount × rate(at)` in the numeraire; `nil` when the marked part could not be computed.
    public var converted: ConvertedAmount?
}

/// The booked income of one currency over the period: exact sums of the lines by kind.
public struct BookedIncome: Sendable, Hashable {
    public var currency: Currency
    public var amounts: [StatementLineKind: ExactDecimal]

    public func amount(_ kind: StatementLineKind) -> ExactDecimal { amounts[kind] ?? .zero }
    private func sum(_ kinds: [StatementLineKind]) -> ExactDecimal { kinds.reduce(.zero) { $0 + amount($1) } }

    /// Proceeds − cost basis of the NFTs disposed of.
    public var realizedNFTGain: ExactDecimal { sum([.nftProceeds, .nftCostBasis]) }
    /// Interest paid (negative).
    public var interestExpense: ExactDecimal { amount(.interestPaid) }
    /// Origination fees + fee events + redemptions (negative).
    public var loanFees: ExactDecimal { sum([.originationFee, .loanFee, .redemption]) }
    /// Liquidation surplus + principal released at a loan's end.
    public var loanEndings: ExactDecimal { sum([.liquidationSurplus, .principalReleased]) }
    /// Premium received − premium paid.
    public var optionPremiums: ExactDecimal { sum([.premiumReceived, .premiumPaid]) }
    public var optionFees: ExactDecimal { amount(.optionFees) }
    public var optionSettlements: ExactDecimal { amount(.optionSettlement) }
    /// Yield realized by withdrawals from yield positions.
    public var yieldIncome: ExactDecimal { amount(.yieldRealized) }
    /// Σ every P&L line (everything but deposits and withdrawals).
    public var profitAndLoss: ExactDecimal { sum(StatementLineKind.allCases.filter { !$0.isExternalFlow }) }
    /// Deposits − withdrawals (± NFTs moved between own wallets, in one wallet's statement).
    public var externalFlows: ExactDecimal { sum(StatementLineKind.allCases.filter(\.isExternalFlow)) }
}

/// `opening equity + external flows + P&L = closing equity`, exactly, in one currency.
public struct BookedReconciliation: Sendable, Hashable {
    public var currency: Currency
    public var openingEquity: ExactDecimal
    public var externalFlows: ExactDecimal
    public var profitAndLoss: ExactDecimal
    public var closingEquity: ExactDecimal
    public var expectedClosingEquity: ExactDecimal { openingEquity + externalFlows + profitAndLoss }
    /// `closing − (opening + flows + P&L)`: exactly zero when the books are consistent.
    public var residual: ExactDecimal { closingEquity - expectedClosingEquity }
    public var holds: Bool { residual.isZero }
}

/// The change of one currency's mark-based adjustments over the period, as P&L.
public struct MarkedChange: Sendable, Hashable {
    public var currency: Currency
    /// Unrealized NFT gain at t1 − at t0 (a lot sold in the period reverses its opening unrealized gain).
    public var unrealizedNFT: Double
    /// Option MTM at t1 − at t0 (USD).
    public var optionMTM: Double
    /// −(accrued interest at t1 − at t0): more interest owed is an expense.
    public var accruedInterest: Double
    /// Unrealized yield at t1 − at t0 (a withdrawal in the period reverses what it realized).
    public var unrealizedYield: Double = 0
    public var total: Double { unrealizedNFT + optionMTM + accruedInterest + unrealizedYield }
    /// Converted at the closing rate.
    public var closingRate: Double
    public var totalInNumeraire: Double { total == 0 ? 0 : total * closingRate }
}

/// The FX translation effect of one currency (current-rate method): the opening equity revalued
/// from the opening to the closing rate, plus each line revalued from its own rate to the closing rate.
public struct FXTranslation: Sendable, Hashable {
    public var currency: Currency
    /// `nil` when the opening equity (booked + marked) was zero.
    public var openingRate: Double?
    public var closingRate: Double
    /// `(E₀ + A₀) × (x₁ − x₀)`.
    public var onOpeningEquity: Double
    /// `Σ aᵢ × (x₁ − xᵢ)` over the currency's lines.
    public var onMovements: Double
    public var total: Double { onOpeningEquity + onMovements }
}

/// `opening equity + flows + booked P&L + marked changes + FX = closing equity`, in the numeraire
/// at mark; holds within floating tolerance (marks and rates are `Double`).
public struct MarkedReconciliation: Sendable, Hashable {
    public var numeraire: Numeraire
    public var openingEquity: Double
    public var externalFlows: Double
    public var bookedProfitAndLoss: Double
    public var markedChanges: Double
    public var fxTranslation: Double
    public var closingEquity: Double
    public var expectedClosingEquity: Double { openingEquity + externalFlows + bookedProfitAndLoss + markedChanges + fxTranslation }
    public var residual: Double { closingEquity - expectedClosingEquity }
    /// `1e-9 × max(1, Σ |terms|)`.
    public var tolerance: Double {
        1e-9 * max(1, [openingEquity, externalFlows, bookedProfitAndLoss, markedChanges, fxTranslation, closingEquity].reduce(0) { $0 + abs($1) })
    }
    public var holds: Bool { abs(residual) <= tolerance }
}

/// The numeraire view of the period: booked lines at their own instants' rates, mark-based changes
/// at the closing rate, FX translation, and the reconciliation at mark.
public struct MarkedIncome: Sendable, Hashable {
    public var numeraire: Numeraire
    public var changes: [MarkedChange]
    public var fx: [FXTranslation]
    /// Σ booked P&L lines, each converted at its own instant.
    public var bookedProfitAndLoss: Double
    /// Σ deposits − withdrawals, each converted at its own instant.
    public var externalFlows: Double
    public var unrealizedNFTChange: Double
    public var optionMTMChange: Double
    public var accruedInterestChange: Double
    public var fxTranslation: Double
    /// Δ unrealized yield of the yield positions, at the closing rate.
    public var unrealizedYieldChange: Double = 0
    /// Booked P&L + marked changes + FX translation.
    public var totalProfitAndLoss: Double {
        bookedProfitAndLoss + unrealizedNFTChange + optionMTMChange + accruedInterestChange + unrealizedYieldChange + fxTranslation
    }
    public var reconciliation: MarkedReconciliation
    /// Every price used for the conversions, once.
    public var prices: [PriceUsed]
}

/// The income statement for `(from, to]` (DESIGN §1, the accountant).
///
/// The **booked** part is exact per currency: realized NFT gains on the per-token cost basis,
/// interest paid, loan fees (origination = principal − amount received, fee events, redemptions),
/// loan endings, option premiums, fees and settlements; with deposits and withdrawals it reconciles
/// the opening and closing booked equity to the last decimal (``bookedReconciliation``).
/// The **marked** part (``marked``) is in the numeraire: booked lines at their own instant's rate,
/// the change of unrealized NFT gains, option MTM and accrued interest at the closing rate, and the
/// FX translation effect; it reconciles the balance sheets at mark within floating tolerance.
public struct IncomeStatement: Sendable, Equatable {
    public var from: Instant
    public var to: Instant
    public var knownAt: Instant?
    public var numeraire: Numeraire
    /// The balance sheet at `from` (entries at or before it).
    public var opening: BalanceSheet
    /// The balance sheet at `to`.
    public var closing: BalanceSheet
    /// Every booked line in `(from, to]`, in time order (P&L and external flows).
    public var lines: [StatementLine]
    /// The NFT disposals in the period with their cost basis and realized gain.
    public var disposals: [NFTDisposal]
    /// Per currency, sorted by code.
    public var booked: [BookedIncome]
    public var bookedReconciliation: [BookedReconciliation]
    public var marked: MarkedIncome?
    /// Why ``marked`` is empty (a missing price with `policy.onMissingPrice == .flag`).
    public var markProblem: AnalyticsError?
    /// The part of the book the statement covers (``LedgerSnapshot/incomeStatement(from:to:numeraire:policy:market:wallet:)``);
    /// `nil`: the whole book.
    public var wallet: WalletScope? = nil
    /// True when every currency's booked reconciliation has a zero residual.
    public var bookedReconciles: Bool { bookedReconciliation.allSatisfy(\.holds) }
}

extension LedgerSnapshot {
    /// The income statement for `(from, to]` with the balance sheets at both ends.
    /// - Throws: ``AnalyticsError/invalidArgument(name:reason:)`` unless `from < to`; price and
    ///   model errors as ``balanceSheet(at:numeraire:policy:market:)``.
    public func incomeStatement(from: Instant, to: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                                market: OptionMarketInputs = .default) throws -> IncomeStatement {
        try incomeStatement(from: from, to: to, numeraire: numeraire, policy: policy, market: market, wallet: nil)
    }

    /// The income statement for `(from, to]` of one part of the book (``WalletScope``), between
    /// its balance sheets (``balanceSheet(at:numeraire:policy:market:wallet:)``): the journal
    /// lines naming the wallet, the proceeds of its sales (the wallet the sale names) and the cost
    /// basis of the NFTs disposed of from it (the wallet they were kept in), its loans' origination
    /// fees and released principal, and — as equity flows, ``StatementLineKind/walletTransfer`` —
    /// the cost basis of NFTs moved into (+) or out of (−) it between own wallets. Yield realized
    /// and hedges belong to the part naming no wallet. Each part reconciles on its own (booked,
    /// exactly), and the parts' lines sum to the whole book's (the transfers cancel).
    /// `wallet == nil`: the whole book, as ``incomeStatement(from:to:numeraire:policy:market:)``.
    public func incomeStatement(from: Instant, to: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                                market: OptionMarketInputs = .default, wallet scope: WalletScope?) throws -> IncomeStatement {
        guard from < to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is not before \(to)") }
        let opening = try balanceSheet(at: from, numeraire: numeraire, policy: policy, market: market, wallet: scope)
        let closing = try balanceSheet(at: to, numeraire: numeraire, policy: policy, market: market, wallet: scope)
        var disposals = try nftDisposals(from: from, to: to)
        var lines = try statementLines(from: from, to: to, disposals: disposals, wallet: scope)
        if let scope {
            // The disposals that touch the part: a sale whose cash names it, or an NFT kept in it.
            let lots = try nftLots(at: to)
            disposals = try disposals.filter { d in
                try scope.contains(walletKept(lots, disposal: d)) || (d.trade.map { scope.contains($0.wallet) } ?? false)
            }
        }
        var income: [Currency: [StatementLineKind: ExactDecimal]] = [:]
        for line in lines { income[line.amount.currency, default: [:]][line.kind, default: .zero] += line.amount.amount }
        let currencies = Set(opening.booked.map(\.currency) + closing.booked.map(\.currency) + income.keys).sorted()
        let booked = currencies.map { BookedIncome(currency: $0, amounts: income[$0] ?? [:]) }
        let reconciliation = booked.map { b in
            BookedReconciliation(currency: b.currency, openingEquity: opening.booked(b.currency).equity, externalFlows: b.externalFlows,
                                 profitAndLoss: b.profitAndLoss, closingEquity: closing.booked(b.currency).equity)
        }
        var statement = IncomeStatement(from: from, to: to, knownAt: knownAt, numeraire: numeraire, opening: opening, closing: closing,
                                        lines: lines, disposals: disposals, booked: booked, bookedReconciliation: reconciliation,
                                        marked: nil, markProblem: opening.markProblem ?? closing.markProblem)
        statement.wallet = scope
        guard statement.markProblem == nil else { return statement }
        do {
            statement.marked = try markedIncome(opening: opening, closing: closing, lines: &lines, currencies: currencies,
                                                numeraire: numeraire, policy: policy)
            statement.lines = lines
        } catch let error as AnalyticsError where policy.onMissingPrice == .flag {
            statement.markProblem = error
        }
        return statement
    }

    /// The booked lines of `(from, to]`: cash P&L and external flows from the journal, NFT
    /// disposals from the lots, origination fees and released principal from the loans.
    func statementLines(from: Instant, to: Instant, disposals: [NFTDisposal], wallet scope: WalletScope? = nil) throws -> [StatementLine] {
        var lines: [StatementLine] = []
        // `named`: the wallet the line's item names (with a scope, only its part's lines are kept).
        func add(_ kind: StatementLineKind, _ at: Instant, _ amount: Money, _ table: String, _ id: Int64,
                 nft: NFTID? = nil, loan: LoanID? = nil, hedge: HedgeID? = nil, named: String? = nil) {
            guard !amount.amount.isZero, scope?.contains(named) ?? true else { return }
            lines.append(StatementLine(kind: kind, at: at, amount: amount, entryTable: table, entryID: id, nftID: nft, loanID: loan,
                                       hedgeID: hedge, converted: nil))
        }
        // Cash P&L and flows. NFT trades, loan proceeds, borrowing more and principal repaid only
        // move balance-sheet items; they are covered below or by the balance sheets.
        for entry in try journal(from: from.adding(seconds: 1), to: to) {
            guard let kind = Self.statementKind(of: entry) else { continue }
            add(kind, entry.at, entry.amount, entry.entryTable, entry.entryID, nft: entry.nftID, loan: entry.loanID, hedge: entry.hedgeID,
                named: entry.wallet)
        }
        let lots = scope == nil ? [] : try nftLots(at: to)
        for d in disposals {
            let table = d.trade == nil ? "loan" : "nft_trade"
            let id = d.trade?.id.rawValue ?? d.loan?.rawValue ?? 0
            // The proceeds are the cash of the sale (its wallet), the cost basis leaves the wallet the NFT was kept in.
            add(.nftProceeds, d.at, d.proceeds, table, id, nft: d.nft, loan: d.loan, named: d.trade?.wallet)
            if let cost = d.costBasis {
                add(.nftCostBasis, d.at, -cost, table, id, nft: d.nft, loan: d.loan, named: scope == nil ? nil : try walletKept(lots, disposal: d))
            }
        }
        for loan in try loans() {
            // A running loan's origination was before the book opened: not this book's cost.
            if loan.opening == nil, loan.startedAt > from && loan.startedAt <= to {
                add(.originationFee, loan.startedAt, Money(loan.amountReceived - loan.principal, loan.currency), "loan", loan.id.rawValue, loan: loan.id,
                    named: loan.wallet)
            }
            for event in try loanEvents(of: loan.id) where event.detail.isTerminal && event.occurredAt > from && event.occurredAt <= to {
                let released = try outstandingPrincipal(of: loan.id, at: event.occurredAt)
                add(.principalReleased, event.occurredAt, Money(released, loan.currency), "loan_event", event.id.rawValue, loan: loan.id,
                    named: loan.wallet)
            }
        }
        if let scope { lines += try walletTransferLines(from: from, to: to, scope: scope) }
        for r in try yieldRealizations(from: from, to: to) {
            guard let position = try yieldPosition(r.flow.position) else { continue }
            add(.yieldRealized, r.flow.flowedAt, Money(r.realized, position.currency), "yield_flow", r.flow.id.rawValue,
                loan: position.fundingLoan)
        }
        return lines.sorted { ($0.at, $0.entryTable, $0.entryID, $0.kind.rawValue) < ($1.at, $1.entryTable, $1.entryID, $1.kind.rawValue) }
    }

    /// The statement kind of a journal entry, or `nil` for balance-sheet movements.
    static func statementKind(of entry: JournalEntry) -> StatementLineKind? {
        switch entry.kind {
        case .loanInterestPaid: .interestPaid
        case .loanFeePaid: .loanFee
        case .loanRedeemed: .redemption
        case .liquidationSurplusReturned: .liquidationSurplus
        case .optionPremiumReceived: .premiumReceived
        case .optionPremiumPaid: .premiumPaid
        case .optionFees: .optionFees
        case .optionCashSettlement: .optionSettlement
        case .deposit: .deposit
        // Cash held before the book starts, brought in: equity contributed, never income.
        case .openingCashBalance: .deposit
        // The owner brings an opened NFT into the book: capital contributed, like a deposit.
        case .openingPositionContributed, .openingPositionFeesContributed: .deposit
        case .withdrawal: .withdrawal
        // A liability brought into the book by its owner: equity out, like a withdrawal.
        case .runningLoanAssumed: .withdrawal
        // Balance-sheet movements: NFT trades are covered by the lots, the loan ones by the loans.
        case .nftPurchase, .nftSale, .nftTradeFees, .loanProceeds, .loanBorrowedMore, .loanPrincipalRepaid, .runningLoanOpened: nil
        // Yield deposits buy an asset; a withdrawal's realized yield is its own line, from the positions.
        case .yieldDeposit, .yieldWithdrawal: nil
        }
    }

    /// The numeraire view: converts every line at its own instant, the marked changes at the
    /// closing rate, and computes the FX translation and the reconciliation at mark.
    private func markedIncome(opening: BalanceSheet, closing: BalanceSheet, lines: inout [StatementLine], currencies: [Currency],
                              numeraire: Numeraire, policy: PricingPolicy) throws -> MarkedIncome {
        guard let m0 = opening.marked, let m1 = closing.marked else {
            throw AnalyticsError.invalidArgument(name: "balance sheets", reason: "no marked part to reconcile")
        }
        var prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        func rate(_ c: Currency, at: Instant, known: MarkedBalanceSheet) throws -> Double {
            if let r = known.rate(of: c) { note(r.prices); return r.rate }
            let conversion = try fxRate(from: c, to: numeraire.currency, at: at, policy: policy)
            note(conversion.prices)
            return conversion.rate
        }
        var booked = 0.0, flows = 0.0
        for index in lines.indices {
            let line = lines[index]
            let c = try convert(line.amount, to: numeraire, at: line.at, policy: policy)
            note(c.prices)
            lines[index].converted = c
            if line.kind.isExternalFlow { flows += c.converted } else { booked += c.converted }
        }
        let all = Set(currencies + m0.adjustments.map(\.currency) + m1.adjustments.map(\.currency)).sorted()
        var changes: [MarkedChange] = []
        var translations: [FXTranslation] = []
        for currency in all {
            let a0 = m0.adjustments(of: currency), a1 = m1.adjustments(of: currency)
            let e0 = opening.booked(currency).equity.doubleValue + a0.total
            let currencyLines = lines.filter { $0.amount.currency == currency }
            let e1 = closing.booked(currency).equity.doubleValue + a1.total
            guard e0 != 0 || e1 != 0 || !currencyLines.isEmpty else { continue }
            let x1 = try rate(currency, at: closing.at, known: m1)
            let x0 = e0 == 0 ? nil : try rate(currency, at: opening.at, known: m0)
            var change = MarkedChange(currency: currency, unrealizedNFT: a1.unrealizedNFT - a0.unrealizedNFT,
                                      optionMTM: a1.optionMTM - a0.optionMTM, accruedInterest: -(a1.accruedInterest - a0.accruedInterest),
                                      closingRate: x1)
            change.unrealizedYield = a1.unrealizedYield - a0.unrealizedYield
            if change.total != 0 { changes.append(change) }
            let onMovements = currencyLines.reduce(0.0) { sum, line in
                sum + line.amount.amount.doubleValue * (x1 - (line.converted?.rate ?? x1))
            }
            translations.append(FXTranslation(currency: currency, openingRate: x0, closingRate: x1,
                                              onOpeningEquity: x0.map { e0 * (x1 - $0) } ?? 0, onMovements: onMovements))
        }
        let markedChanges = changes.reduce(0.0) { $0 + $1.totalInNumeraire }
        let fxTotal = translations.reduce(0.0) { $0 + $1.total }
        note(m0.prices)
        note(m1.prices)
        let reconciliation = MarkedReconciliation(numeraire: numeraire, openingEquity: m0.equity, externalFlows: flows,
                                                  bookedProfitAndLoss: booked, markedChanges: markedChanges, fxTranslation: fxTotal,
                                                  closingEquity: m1.equity)
        var income = MarkedIncome(numeraire: numeraire, changes: changes, fx: translations, bookedProfitAndLoss: booked, externalFlows: flows,
                                  unrealizedNFTChange: changes.reduce(0.0) { $0 + ($1.unrealizedNFT == 0 ? 0 : $1.unrealizedNFT * $1.closingRate) },
                                  optionMTMChange: changes.reduce(0.0) { $0 + ($1.optionMTM == 0 ? 0 : $1.optionMTM * $1.closingRate) },
                                  accruedInterestChange: changes.reduce(0.0) { $0 + ($1.accruedInterest == 0 ? 0 : $1.accruedInterest * $1.closingRate) },
                                  fxTranslation: fxTotal, reconciliation: reconciliation, prices: prices)
        income.unrealizedYieldChange = changes.reduce(0.0) { $0 + ($1.unrealizedYield == 0 ? 0 : $1.unrealizedYield * $1.closingRate) }
        return income
    }
}
