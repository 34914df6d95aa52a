import LedgerMath

/// Booked balances of one currency, exact.
public struct BookedBalancesDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// Cash.
    public var cash: ExactDecimal
    /// NFTs at cost.
    public var nftsAtCost: ExactDecimal
    /// Yield positions at cost; `nil` (the key absent) for a book without yield positions.
    @OmittedWhenAbsent public var yieldAtCost: ExactDecimal?
    /// Assets.
    public var assets: ExactDecimal
    /// Loan principal outstanding.
    public var loanPrincipal: ExactDecimal
    /// Liabilities.
    public var liabilities: ExactDecimal
    /// Equity.
    public var equity: ExactDecimal

    enum CodingKeys: String, CodingKey {
        case currency, cash, nftsAtCost = "nfts_at_cost", yieldAtCost = "yield_at_cost", assets, loanPrincipal = "loan_principal"
        case liabilities, equity
    }

    /// The document of `balances`, with yield at cost when `withYield`.
    public init(_ x: BookedBalances, withYield: Bool) {
        currency = x.currency.code
        cash = x.cash
        nftsAtCost = x.nftsAtCost
        yieldAtCost = withYield ? x.yieldAtCost : nil
        assets = x.assets
        loanPrincipal = x.loanPrincipal
        liabilities = x.liabilities
        equity = x.equity
    }
}

/// One NFT on the balance sheet: at cost and at mark.
public struct BalanceSheetNFTDocument: Codable, Sendable, Equatable {
    /// The NFT id.
    public var nftID: Int64
    /// When it was acquired.
    public var acquiredAt: Instant
    /// The cost basis, when known.
    public var costBasis: ExactDecimal?
    /// The cost currency code.
    public var costCurrency: String
    /// Whether it backs an open loan.
    public var pledged: Bool
    /// The loan it backs.
    public var pledgedToLoanID: Int64?
    /// The mark, when priced.
    public var mark: PriceUsedDocument?
    /// The value at mark.
    public var markValue: Double?
    /// Mark value less cost basis, when the cost is known.
    public var unrealizedGain: Double?

    enum CodingKeys: String, CodingKey {
        case nftID = "nft_id", acquiredAt = "acquired_at", costBasis = "cost_basis", costCurrency = "cost_currency", pledged
        case pledgedToLoanID = "pledged_to_loan_id", mark, markValue = "mark_value", unrealizedGain = "unrealized_gain"
    }

    /// The document of `nft`.
    public init(_ n: BalanceSheetNFT) {
        nftID = n.lot.nft.rawValue
        acquiredAt = n.lot.acquisition.tradedAt
        costBasis = n.lot.isCostKnown ? n.lot.costBasis.amount : nil
        costCurrency = n.lot.costBasis.currency.code
        pledged = n.isPledged
        pledgedToLoanID = n.pledgedTo?.rawValue
        mark = n.mark.map(PriceUsedDocument.init)
        markValue = n.markValue.finiteOrNil
        unrealizedGain = n.lot.isCostKnown ? n.unrealizedGain.finiteOrNil : nil
    }
}

/// One loan on the balance sheet.
public struct BalanceSheetLoanDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The lending protocol.
    public var lendingProtocol: String
    /// The loan currency code.
    public var currency: String
    /// Principal outstanding (booked).
    public var outstandingPrincipal: ExactDecimal
    /// Interest accrued per the model, when it replays.
    public var accruedInterest: ExactDecimal?
    /// Principal plus accrued interest.
    public var debt: ExactDecimal?

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", lendingProtocol = "protocol", currency, outstandingPrincipal = "outstanding_principal"
        case accruedInterest = "accrued_interest", debt
    }

    /// The document of `loan`.
    public init(_ l: BalanceSheetLoan) {
        loanID = l.loan.rawValue
        lendingProtocol = l.lendingProtocol.rawValue
        currency = l.currency.code
        outstandingPrincipal = l.outstandingPrincipal
        accruedInterest = l.accruedInterest
        debt = l.debt
    }
}

/// One hedge with open positions on the balance sheet.
public struct BalanceSheetHedgeDocument: Codable, Sendable, Equatable {
    /// The hedge id.
    public var hedgeID: Int64
    /// The hedge name.
    public var name: String
    /// Value at mark, USD.
    public var valueUSD: Double?

    enum CodingKeys: String, CodingKey {
        case hedgeID = "hedge_id", name, valueUSD = "value_usd"
    }

    /// The document of `hedge`.
    public init(_ h: BalanceSheetHedge) {
        hedgeID = h.hedge.rawValue
        name = h.name
        valueUSD = h.valueUSD.finiteOrNil
    }
}

/// One yield position on the balance sheet.
public struct BalanceSheetYieldDocument: Codable, Sendable, Equatable {
    /// The yield position id.
    public var yieldPositionID: Int64
    /// Its name.
    public var name: String
    /// Its kind.
    public var kind: String
    /// Its currency code.
    public var currency: String
    /// The loan that funded it.
    public var fundingLoanID: Int64?
    /// Shares held, for a share-priced position.
    public var shares: ExactDecimal?
    /// Cost basis.
    public var costBasis: ExactDecimal
    /// Value at mark.
    public var value: Double?
    /// Value less cost basis.
    public var unrealized: Double?
    /// The share price used, if any.
    public var sharePrice: PriceUsedDocument?

    enum CodingKeys: String, CodingKey {
        case yieldPositionID = "yield_position_id", name, kind, currency, fundingLoanID = "funding_loan_id", shares
        case costBasis = "cost_basis", value, unrealized, sharePrice = "share_price"
    }

    /// The document of `position`.
    public init(_ y: BalanceSheetYield) {
        let p = y.holding.position
        yieldPositionID = p.id.rawValue
        name = p.name
        kind = p.kind.rawValue
        currency = p.currency.code
        fundingLoanID = p.fundingLoan?.rawValue
        shares = y.holding.shares
        costBasis = y.holding.costBasis
        value = y.value?.value.finiteOrNil
        unrealized = y.value?.unrealized.finiteOrNil
        sharePrice = y.value?.sharePrice.map(PriceUsedDocument.init)
    }
}

/// A currency's rate into the numeraire.
public struct NumeraireRateDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// The rate.
    public var rate: Double?

    /// The document of `rate`.
    public init(_ r: NumeraireRate) {
        currency = r.currency.code
        rate = r.rate.finiteOrNil
    }
}

/// Adjustments from booked to marked equity, per currency.
public struct MarkedAdjustmentsDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// Unrealized NFT gain.
    public var unrealizedNFT: Double?
    /// Option MTM.
    public var optionMTM: Double?
    /// Model-accrued interest.
    public var accruedInterest: Double?

    enum CodingKeys: String, CodingKey {
        case currency, unrealizedNFT = "unrealized_nft", optionMTM = "option_mtm", accruedInterest = "accrued_interest"
    }

    /// The document of `adjustments`.
    public init(_ a: MarkedAdjustments) {
        currency = a.currency.code
        unrealizedNFT = a.unrealizedNFT.finiteOrNil
        optionMTM = a.optionMTM.finiteOrNil
        accruedInterest = a.accruedInterest.finiteOrNil
    }
}

/// The balance sheet at mark, in the numeraire.
public struct MarkedBalanceSheetDocument: Codable, Sendable, Equatable {
    /// Cash.
    public var cash: Double?
    /// NFTs at mark.
    public var nftsAtMark: Double?
    /// Yield positions at mark; `.none` (the key absent) for a book without yield positions.
    @OmittedWhenAbsent public var yieldAtMark: Double??
    /// Option positions that are assets.
    public var hedgeAssets: Double?
    /// Assets.
    public var assets: Double?
    /// Loan debt (principal plus accrued).
    public var loanDebt: Double?
    /// Option positions that are liabilities.
    public var hedgeLiabilities: Double?
    /// Liabilities.
    public var liabilities: Double?
    /// Equity.
    public var equity: Double?
    /// Rates into the numeraire.
    public var rates: [NumeraireRateDocument]
    /// Adjustments per currency.
    public var adjustments: [MarkedAdjustmentsDocument]

    enum CodingKeys: String, CodingKey {
        case cash, nftsAtMark = "nfts_at_mark", yieldAtMark = "yield_at_mark", hedgeAssets = "hedge_assets", assets
        case loanDebt = "loan_debt", hedgeLiabilities = "hedge_liabilities", liabilities, equity, rates, adjustments
    }

    /// The document of `marked`, with yield at mark when `withYield`.
    public init(_ m: MarkedBalanceSheet, withYield: Bool) {
        cash = m.cash.finiteOrNil
        nftsAtMark = m.nftsAtMark.finiteOrNil
        yieldAtMark = withYield ? .some(m.yieldAtMark.finiteOrNil) : nil
        hedgeAssets = m.hedgeAssets.finiteOrNil
        assets = m.assets.finiteOrNil
        loanDebt = m.loanDebt.finiteOrNil
        hedgeLiabilities = m.hedgeLiabilities.finiteOrNil
        liabilities = m.liabilities.finiteOrNil
        equity = m.equity.finiteOrNil
        rates = m.rates.map(NumeraireRateDocument.init)
        adjustments = m.adjustments.map(MarkedAdjustmentsDocument.init)
    }
}

/// The part of the book a report restricted to a wallet covers (``WalletScope``): `wallet` set, or
/// `no_wallet_named` true for the part naming no wallet (hedges, yield positions and what names none).
public struct WalletScopeDocument: Codable, Sendable, Equatable {
    /// The wallet; `nil` for the part naming no wallet.
    @OmittedWhenAbsent public var wallet: String?
    /// `true` for the part naming no wallet; `nil` (the key absent) for a wallet.
    @OmittedWhenAbsent public var noWalletNamed: Bool?

    enum CodingKeys: String, CodingKey {
        case wallet, noWalletNamed = "no_wallet_named"
    }

    /// The document of `scope`.
    public init(_ scope: WalletScope) {
        wallet = scope.wallet
        noWalletNamed = scope.wallet == nil ? true : nil
    }
}

/// `report balance-sheet`: assets, liabilities and equity at an instant, booked and at mark.
public struct BalanceSheetDocument: ReportDocument {
    /// Always `balance-sheet`.
    public var report = "balance-sheet"
    /// The instant of the report.
    public var at: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The numeraire.
    public var numeraire: String
    /// Booked balances per currency.
    public var booked: [BookedBalancesDocument]
    /// The NFTs held.
    public var nfts: [BalanceSheetNFTDocument]
    /// The open loans.
    public var loans: [BalanceSheetLoanDocument]
    /// Hedges with open positions.
    public var hedges: [BalanceSheetHedgeDocument]
    /// Yield positions; `nil` (the key absent) for a book without any.
    @OmittedWhenAbsent public var yieldPositions: [BalanceSheetYieldDocument]?
    /// The balance sheet at mark, when computed.
    public var marked: MarkedBalanceSheetDocument?
    /// Why the part at mark was not computed.
    public var markProblem: String?
    /// The prices the part at mark used.
    public var prices: [PriceUsedDocument]
    /// The part of the book the sheet covers (`--wallet`, or a part of `by_wallet`); `nil` (the
    /// key absent) for the whole book.
    @OmittedWhenAbsent public var walletScope: WalletScopeDocument?
    /// The sheet of each wallet's part and of the part naming no wallet (`--by-wallet`); `nil`
    /// (the key absent) unless asked for. Their booked balances sum to this sheet's.
    @OmittedWhenAbsent public var byWallet: [BalanceSheetDocument]?

    enum CodingKeys: String, CodingKey {
        case report, at, asKnownAt = "as_known_at", numeraire, booked, nfts, loans, hedges, yieldPositions = "yield_positions"
        case marked, markProblem = "mark_problem", prices, walletScope = "wallet_scope", byWallet = "by_wallet"
    }

    /// The document of `sheet` in `numeraire`, with the sheets of its wallet parts (``LedgerSnapshot/balanceSheetsByWallet(at:numeraire:policy:market:)``)
    /// under `by_wallet` when `parts` is given.
    public init(_ b: BalanceSheet, numeraire: Numeraire, byWallet parts: [BalanceSheet]?) {
        self.init(b, numeraire: numeraire)
        byWallet = parts.map { $0.map { BalanceSheetDocument($0, numeraire: numeraire) } }
    }

    /// The document of `sheet` in `numeraire`.
    public init(_ b: BalanceSheet, numeraire: Numeraire) {
        at = b.at
        asKnownAt = b.knownAt
        self.numeraire = numeraire.rawValue
        let withYield = !b.yieldPositions.isEmpty
        booked = b.booked.map { BookedBalancesDocument($0, withYield: withYield) }
        nfts = b.nfts.map(BalanceSheetNFTDocument.init)
        loans = b.loans.map(BalanceSheetLoanDocument.init)
        hedges = b.hedges.map(BalanceSheetHedgeDocument.init)
        yieldPositions = withYield ? b.yieldPositions.map(BalanceSheetYieldDocument.init) : nil
        marked = b.marked.map { MarkedBalanceSheetDocument($0, withYield: withYield) }
        markProblem = b.markProblem?.description
        prices = (b.marked?.prices ?? []).map(PriceUsedDocument.init)
        walletScope = b.wallet.map(WalletScopeDocument.init)
    }
}
