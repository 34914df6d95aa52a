import LedgerMath

extension IncomeStatement {
    /// True when the period touches a yield position (held at either end, or a withdrawal in it):
    /// only then do the statement's views show yield rows, so other books read as before.
    public var touchesYield: Bool {
        !opening.yieldPositions.isEmpty || !closing.yieldPositions.isEmpty || lines.contains { $0.kind == .yieldRealized }
    }
}

/// Booked P&L of one currency, exact.
public struct BookedIncomeDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// Realized NFT gain.
    public var realizedNFTGain: ExactDecimal
    /// Interest paid (an expense, negative).
    public var interestPaid: ExactDecimal
    /// Loan fees.
    public var loanFees: ExactDecimal
    /// Loan endings (surplus, principal released).
    public var loanEndings: ExactDecimal
    /// Option premiums received less paid.
    public var optionPremiums: ExactDecimal
    /// Option fees.
    public var optionFees: ExactDecimal
    /// Option settlements.
    public var optionSettlements: ExactDecimal
    /// Yield realized; `nil` (the key absent) when the period touches no yield position.
    @OmittedWhenAbsent public var yieldIncome: ExactDecimal?
    /// The booked P&L.
    public var profitAndLoss: ExactDecimal
    /// Deposits less withdrawals.
    public var externalFlows: ExactDecimal

    enum CodingKeys: String, CodingKey {
        case currency, realizedNFTGain = "realized_nft_gain", interestPaid = "interest_paid", loanFees = "loan_fees"
        case loanEndings = "loan_endings", optionPremiums = "option_premiums", optionFees = "option_fees"
        case optionSettlements = "option_settlements", yieldIncome = "yield_income", profitAndLoss = "profit_and_loss"
        case externalFlows = "external_flows"
    }

    /// The document of `income`, with the yield row when `withYield`.
    public init(_ b: BookedIncome, withYield: Bool) {
        currency = b.currency.code
        realizedNFTGain = b.realizedNFTGain
        interestPaid = b.interestExpense
        loanFees = b.loanFees
        loanEndings = b.loanEndings
        optionPremiums = b.optionPremiums
        optionFees = b.optionFees
        optionSettlements = b.optionSettlements
        yieldIncome = withYield ? b.yieldIncome : nil
        profitAndLoss = b.profitAndLoss
        externalFlows = b.externalFlows
    }
}

/// The booked reconciliation of one currency: opening equity + flows + P&L = closing equity.
public struct BookedReconciliationDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// Equity at the start.
    public var openingEquity: ExactDecimal
    /// Deposits less withdrawals.
    public var externalFlows: ExactDecimal
    /// The booked P&L.
    public var profitAndLoss: ExactDecimal
    /// Equity at the end.
    public var closingEquity: ExactDecimal
    /// Closing less expected closing equity (zero when it holds).
    public var residual: ExactDecimal
    /// Whether it reconciles exactly.
    public var holds: Bool

    enum CodingKeys: String, CodingKey {
        case currency, openingEquity = "opening_equity", externalFlows = "external_flows", profitAndLoss = "profit_and_loss"
        case closingEquity = "closing_equity", residual, holds
    }

    /// The document of `reconciliation`.
    public init(_ r: BookedReconciliation) {
        currency = r.currency.code
        openingEquity = r.openingEquity
        externalFlows = r.externalFlows
        profitAndLoss = r.profitAndLoss
        closingEquity = r.closingEquity
        residual = r.residual
        holds = r.holds
    }
}

/// FX translation of one currency into the numeraire.
public struct FXTranslationDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// Rate at the start.
    public var openingRate: Double?
    /// Rate at the end.
    public var closingRate: Double?
    /// Translation of the opening equity.
    public var onOpeningEquity: Double?
    /// Translation of the period's movements.
    public var onMovements: Double?

    enum CodingKeys: String, CodingKey {
        case currency, openingRate = "opening_rate", closingRate = "closing_rate", onOpeningEquity = "on_opening_equity"
        case onMovements = "on_movements"
    }

    /// The document of `translation`.
    public init(_ f: FXTranslation) {
        currency = f.currency.code
        openingRate = f.openingRate.finiteOrNil
        closingRate = f.closingRate.finiteOrNil
        onOpeningEquity = f.onOpeningEquity.finiteOrNil
        onMovements = f.onMovements.finiteOrNil
    }
}

/// The reconciliation at mark, in the numeraire, within tolerance.
public struct MarkedReconciliationDocument: Codable, Sendable, Equatable {
    /// Equity at the start.
    public var openingEquity: Double?
    /// Deposits less withdrawals.
    public var externalFlows: Double?
    /// The booked P&L.
    public var bookedProfitAndLoss: Double?
    /// The marked changes.
    public var markedChanges: Double?
    /// The FX translation.
    public var fxTranslation: Double?
    /// The closing equity the parts add up to.
    public var expectedClosingEquity: Double?
    /// Equity at the end.
    public var closingEquity: Double?
    /// Closing less expected.
    public var residual: Double?
    /// The tolerance.
    public var tolerance: Double?
    /// Whether the residual is within tolerance.
    public var holds: Bool

    enum CodingKeys: String, CodingKey {
        case openingEquity = "opening_equity", externalFlows = "external_flows", bookedProfitAndLoss = "booked_profit_and_loss"
        case markedChanges = "marked_changes", fxTranslation = "fx_translation", expectedClosingEquity = "expected_closing_equity"
        case closingEquity = "closing_equity", residual, tolerance, holds
    }

    /// The document of `reconciliation`.
    public init(_ r: MarkedReconciliation) {
        openingEquity = r.openingEquity.finiteOrNil
        externalFlows = r.externalFlows.finiteOrNil
        bookedProfitAndLoss = r.bookedProfitAndLoss.finiteOrNil
        markedChanges = r.markedChanges.finiteOrNil
        fxTranslation = r.fxTranslation.finiteOrNil
        expectedClosingEquity = r.expectedClosingEquity.finiteOrNil
        closingEquity = r.closingEquity.finiteOrNil
        residual = r.residual.finiteOrNil
        tolerance = r.tolerance.finiteOrNil
        holds = r.holds
    }
}

/// The statement's part at mark, in the numeraire.
public struct MarkedIncomeDocument: Codable, Sendable, Equatable {
    /// The booked P&L, each line at its instant's rate.
    public var bookedProfitAndLoss: Double?
    /// Change in unrealized NFT gain.
    public var unrealizedNFTChange: Double?
    /// Change in option MTM.
    public var optionMTMChange: Double?
    /// Change in model-accrued interest.
    public var accruedInterestChange: Double?
    /// Change in unrealized yield; `nil` (the key absent) when the period touches no yield position.
    @OmittedWhenAbsent public var unrealizedYieldChange: Double??
    /// FX translation.
    public var fxTranslation: Double?
    /// Total P&L.
    public var totalProfitAndLoss: Double?
    /// Deposits less withdrawals.
    public var externalFlows: Double?
    /// FX translation per currency.
    public var fx: [FXTranslationDocument]
    /// The reconciliation at mark.
    public var reconciliation: MarkedReconciliationDocument

    enum CodingKeys: String, CodingKey {
        case bookedProfitAndLoss = "booked_profit_and_loss", unrealizedNFTChange = "unrealized_nft_change"
        case optionMTMChange = "option_mtm_change", accruedInterestChange = "accrued_interest_change"
        case unrealizedYieldChange = "unrealized_yield_change", fxTranslation = "fx_translation"
        case totalProfitAndLoss = "total_profit_and_loss", externalFlows = "external_flows", fx, reconciliation
    }

    /// The document of `marked`, with the yield row when `withYield`.
    public init(_ m: MarkedIncome, withYield: Bool) {
        bookedProfitAndLoss = m.bookedProfitAndLoss.finiteOrNil
        unrealizedNFTChange = m.unrealizedNFTChange.finiteOrNil
        optionMTMChange = m.optionMTMChange.finiteOrNil
        accruedInterestChange = m.accruedInterestChange.finiteOrNil
        unrealizedYieldChange = withYield ? .some(m.unrealizedYieldChange.finiteOrNil) : nil
        fxTranslation = m.fxTranslation.finiteOrNil
        totalProfitAndLoss = m.totalProfitAndLoss.finiteOrNil
        externalFlows = m.externalFlows.finiteOrNil
        fx = m.fx.map(FXTranslationDocument.init)
        reconciliation = MarkedReconciliationDocument(m.reconciliation)
    }
}

/// One line of the statement, with its conversion into the numeraire.
public struct StatementLineDocument: Codable, Sendable, Equatable {
    /// When.
    public var at: Instant
    /// The line kind.
    public var kind: String
    /// The amount.
    public var amount: ExactDecimal
    /// The currency code.
    public var currency: String
    /// The table of the booked entry.
    public var entryTable: String
    /// The id of the booked entry.
    public var entryID: Int64
    /// The amount in the numeraire.
    public var converted: Double?
    /// The rate used.
    public var rate: Double?

    enum CodingKeys: String, CodingKey {
        case at, kind, amount, currency, entryTable = "entry_table", entryID = "entry_id", converted, rate
    }

    /// The document of `line`.
    public init(_ l: StatementLine) {
        at = l.at
        kind = l.kind.rawValue
        amount = l.amount.amount
        currency = l.amount.currency.code
        entryTable = l.entryTable
        entryID = l.entryID
        converted = l.converted?.converted.finiteOrNil
        rate = l.converted?.rate.finiteOrNil
    }
}

/// One NFT disposal with its per-token cost basis.
public struct NFTDisposalDocument: Codable, Sendable, Equatable {
    /// The NFT id.
    public var nftID: Int64
    /// How it was disposed of.
    public var kind: String
    /// When.
    public var at: Instant
    /// Proceeds.
    public var proceeds: ExactDecimal
    /// The proceeds currency code.
    public var proceedsCurrency: String
    /// The cost basis, when known.
    public var costBasis: ExactDecimal?
    /// The cost currency code.
    public var costCurrency: String?
    /// Proceeds less cost basis, when both are known and in one currency.
    public var realizedGain: ExactDecimal?

    enum CodingKeys: String, CodingKey {
        case nftID = "nft_id", kind, at, proceeds, proceedsCurrency = "proceeds_currency", costBasis = "cost_basis"
        case costCurrency = "cost_currency", realizedGain = "realized_gain"
    }

    /// The document of `disposal`.
    public init(_ d: NFTDisposal) {
        nftID = d.nft.rawValue
        kind = d.kind.rawValue
        at = d.at
        proceeds = d.proceeds.amount
        proceedsCurrency = d.proceeds.currency.code
        costBasis = d.isCostBasisKnown ? d.costBasis?.amount : nil
        costCurrency = d.costBasis?.currency.code
        realizedGain = d.realizedGain?.amount
    }
}

/// `report statement`: the income statement for a period.
public struct StatementDocument: ReportDocument {
    /// Always `statement`.
    public var report = "statement"
    /// The instant of the report (the end of the period).
    public var at: Instant
    /// Start of the period (exclusive).
    public var from: Instant
    /// End of the period (inclusive).
    public var to: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The numeraire code.
    public var numeraire: String
    /// Booked P&L per currency.
    public var booked: [BookedIncomeDocument]
    /// Booked reconciliation per currency.
    public var bookedReconciliation: [BookedReconciliationDocument]
    /// The part at mark, when computed.
    public var marked: MarkedIncomeDocument?
    /// Why the part at mark was not computed.
    public var markProblem: String?
    /// The lines.
    public var lines: [StatementLineDocument]
    /// NFT disposals.
    public var disposals: [NFTDisposalDocument]
    /// The prices the part at mark used.
    public var prices: [PriceUsedDocument]
    /// The part of the book the statement covers (`--wallet`); `nil` (the key absent) for the whole book.
    @OmittedWhenAbsent public var walletScope: WalletScopeDocument?

    enum CodingKeys: String, CodingKey {
        case report, at, from, to, asKnownAt = "as_known_at", numeraire, booked, bookedReconciliation = "booked_reconciliation"
        case marked, markProblem = "mark_problem", lines, disposals, prices, walletScope = "wallet_scope"
    }

    /// The document of `statement`.
    public init(_ s: IncomeStatement) {
        at = s.to
        from = s.from
        to = s.to
        asKnownAt = s.knownAt
        numeraire = s.numeraire.rawValue
        let withYield = s.touchesYield
        booked = s.booked.map { BookedIncomeDocument($0, withYield: withYield) }
        bookedReconciliation = s.bookedReconciliation.map(BookedReconciliationDocument.init)
        marked = s.marked.map { MarkedIncomeDocument($0, withYield: withYield) }
        markProblem = s.markProblem?.description
        lines = s.lines.map(StatementLineDocument.init)
        disposals = s.disposals.map(NFTDisposalDocument.init)
        prices = (s.marked?.prices ?? []).map(PriceUsedDocument.init)
        walletScope = s.wallet.map(WalletScopeDocument.init)
    }
}
