import LedgerMath

/// One NFT at its price.
public struct ValuedNFTDocument: Codable, Sendable, Equatable {
    /// The NFT id.
    public var nftID: Int64
    /// The collection name.
    public var collection: String
    /// The token id.
    public var tokenID: String
    /// Held, pledged, …
    public var status: String
    /// The price used.
    public var price: PriceUsedDocument?
    /// Value, USD.
    public var valueUSD: Double?
    /// Value, ETH.
    public var valueETH: Double?
    /// Why it has no value.
    public var problem: String?

    enum CodingKeys: String, CodingKey {
        case nftID = "nft_id", collection, tokenID = "token_id", status, price, valueUSD = "value_usd", valueETH = "value_eth", problem
    }

    /// The document of `valuation`.
    public init(_ n: NFTValuation) {
        nftID = n.holding.nft.id.rawValue
        collection = n.holding.collectionName
        tokenID = n.holding.nft.tokenID.text
        status = n.holding.status.rawValue
        price = n.price.map(PriceUsedDocument.init)
        valueUSD = n.valueUSD.finiteOrNil
        valueETH = n.valueETH.finiteOrNil
        problem = n.problem?.description
    }
}

/// One loan's debt.
public struct ValuedDebtDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The debt.
    public var debt: ExactDecimal
    /// The currency code.
    public var currency: String
    /// The debt, USD.
    public var debtUSD: Double?
    /// The debt, ETH.
    public var debtETH: Double?

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", debt, currency, debtUSD = "debt_usd", debtETH = "debt_eth"
    }

    /// The document of `debt`.
    public init(_ d: DebtValuation) {
        loanID = d.loan.rawValue
        debt = d.debt.amount
        currency = d.debt.currency.code
        debtUSD = d.debtUSD.finiteOrNil
        debtETH = d.debtETH.finiteOrNil
    }
}

/// One hedge at mark, in the valuation.
public struct ValuedHedgeDocument: Codable, Sendable, Equatable {
    /// The hedge id.
    public var hedgeID: Int64
    /// The hedge name.
    public var name: String
    /// Value at mark, USD.
    public var valueUSD: Double?

    enum CodingKeys: String, CodingKey {
        case hedgeID = "hedge_id", name, valueUSD = "value_usd"
    }

    /// The document of `valuation`.
    public init(_ h: HedgeValuation) {
        hedgeID = h.hedge.id.rawValue
        name = h.hedge.name
        valueUSD = h.valueUSD.finiteOrNil
    }
}

/// Cash in one currency.
public struct CashDocument: Codable, Sendable, Equatable {
    /// The currency code.
    public var currency: String
    /// The amount.
    public var amount: ExactDecimal

    /// The document of `cash`.
    public init(_ cash: Money) {
        currency = cash.currency.code
        amount = cash.amount
    }
}

/// One yield position at its value.
public struct ValuedYieldDocument: Codable, Sendable, Equatable {
    /// The yield position id.
    public var yieldPositionID: Int64
    /// Its name.
    public var name: String
    /// Its currency code.
    public var currency: String
    /// Value in its currency.
    public var value: Double?
    /// Value, USD.
    public var valueUSD: Double?
    /// Value, ETH.
    public var valueETH: Double?

    enum CodingKeys: String, CodingKey {
        case yieldPositionID = "yield_position_id", name, currency, value, valueUSD = "value_usd", valueETH = "value_eth"
    }

    /// The document of `valuation`.
    public init(_ y: YieldPositionValuation) {
        yieldPositionID = y.position.rawValue
        name = y.name
        currency = y.currency.code
        value = y.value.finiteOrNil
        valueUSD = y.valueUSD.finiteOrNil
        valueETH = y.valueETH.finiteOrNil
    }
}

/// The valuation's totals, USD (net equity also in ETH).
public struct ValuationTotalsDocument: Codable, Sendable, Equatable {
    /// NFTs.
    public var nftUSD: Double?
    /// Debt.
    public var debtUSD: Double?
    /// Hedges.
    public var hedgeUSD: Double?
    /// Yield positions; `nil` (the key absent) for a book without any.
    @OmittedWhenAbsent public var yieldUSD: Double??
    /// Cash.
    public var cashUSD: Double?
    /// Net equity, USD.
    public var netEquityUSD: Double?
    /// Net equity, ETH.
    public var netEquityETH: Double?

    enum CodingKeys: String, CodingKey {
        case nftUSD = "nft_usd", debtUSD = "debt_usd", hedgeUSD = "hedge_usd", yieldUSD = "yield_usd", cashUSD = "cash_usd"
        case netEquityUSD = "net_equity_usd", netEquityETH = "net_equity_eth"
    }

    /// The totals of `valuation`.
    public init(_ v: PortfolioValuation) {
        nftUSD = v.nftUSD.finiteOrNil
        debtUSD = v.debtUSD.finiteOrNil
        hedgeUSD = v.hedgeUSD.finiteOrNil
        yieldUSD = v.yields.isEmpty ? nil : .some(v.yieldUSD.finiteOrNil)
        cashUSD = v.cashUSD.finiteOrNil
        netEquityUSD = v.netEquityUSD.finiteOrNil
        netEquityETH = v.netEquityETH.finiteOrNil
    }
}

/// The NFTs' value kept in one wallet.
public struct WalletValueDocument: Codable, Sendable, Equatable {
    /// The wallet, or `nil` for NFTs with no wallet named.
    public var wallet: String?
    /// Value, USD.
    public var valueUSD: Double?

    enum CodingKeys: String, CodingKey {
        case wallet, valueUSD = "value_usd"
    }

    /// `valueUSD` kept in `wallet`.
    public init(wallet: String?, valueUSD: Double) {
        self.wallet = wallet
        self.valueUSD = valueUSD.finiteOrNil
    }
}

/// One wallet's part of a valuation (`report valuation --by-wallet` when cash or loans name wallets).
public struct WalletPartDocument: Codable, Sendable, Equatable {
    /// The wallet; `nil`: everything that names no wallet (hedges and yield positions too).
    public var wallet: String?
    /// The NFTs kept in it, USD.
    public var nftUSD: Double?
    /// Its cash per currency.
    public var cash: [CashDocument]
    /// Its cash, USD.
    public var cashUSD: Double?
    /// The debt of the loans it borrowed, USD.
    public var debtUSD: Double?
    /// Hedges, USD (only in the part with no wallet).
    public var hedgeUSD: Double?
    /// Yield positions, USD (only in the part with no wallet).
    public var yieldUSD: Double?
    /// NFTs + cash − debt + hedges + yield, USD.
    public var netEquityUSD: Double?

    enum CodingKeys: String, CodingKey {
        case wallet, nftUSD = "nft_usd", cash, cashUSD = "cash_usd", debtUSD = "debt_usd", hedgeUSD = "hedge_usd", yieldUSD = "yield_usd"
        case netEquityUSD = "net_equity_usd"
    }

    /// The document of `part`.
    public init(_ part: WalletValuation) {
        wallet = part.wallet
        nftUSD = part.nftUSD.finiteOrNil
        cash = part.cash.map(CashDocument.init)
        cashUSD = part.cashUSD.finiteOrNil
        debtUSD = part.debtUSD.finiteOrNil
        hedgeUSD = part.hedgeUSD.finiteOrNil
        yieldUSD = part.yieldUSD.finiteOrNil
        netEquityUSD = part.netEquityUSD.finiteOrNil
    }
}

/// `report valuation`: what the book is worth at an instant.
public struct ValuationDocument: ReportDocument {
    /// Always `valuation`.
    public var report = "valuation"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// The NFTs.
    public var nfts: [ValuedNFTDocument]
    /// The debts.
    public var debts: [ValuedDebtDocument]
    /// The hedges.
    public var hedges: [ValuedHedgeDocument]
    /// Cash per currency.
    public var cash: [CashDocument]
    /// Yield positions; `nil` (the key absent) for a book without any.
    @OmittedWhenAbsent public var yieldPositions: [ValuedYieldDocument]?
    /// Whether every item had a usable price.
    public var complete: Bool
    /// The items left out, and why.
    public var problems: [String]
    /// The totals.
    public var totals: ValuationTotalsDocument
    /// Every price used.
    public var prices: [PriceUsedDocument]
    /// The NFTs' value per wallet, sorted by wallet, when asked for; `nil` (the key absent) otherwise.
    @OmittedWhenAbsent public var nftUSDByWallet: [WalletValueDocument]?
    /// The whole valuation per wallet (NFTs, cash, debt), when asked for and some cash or loan names
    /// a wallet; `nil` (the key absent) otherwise. The parts sum to the totals.
    @OmittedWhenAbsent public var byWallet: [WalletPartDocument]?

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, nfts, debts, hedges, cash, yieldPositions = "yield_positions", complete, problems
        case totals, prices, nftUSDByWallet = "nft_usd_by_wallet", byWallet = "by_wallet"
    }

    /// The document of `valuation`, with the NFTs' value per wallet when `byWallet` is given and
    /// the whole valuation per wallet when `walletParts` is.
    public init(_ v: PortfolioValuation, byWallet: [String?: Double]? = nil, walletParts: [WalletValuation]? = nil, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        at = v.at
        nfts = v.nfts.map(ValuedNFTDocument.init)
        debts = v.debts.map(ValuedDebtDocument.init)
        hedges = v.hedges.map(ValuedHedgeDocument.init)
        cash = v.cash.map(CashDocument.init)
        yieldPositions = v.yields.isEmpty ? nil : v.yields.map(ValuedYieldDocument.init)
        complete = v.problems.isEmpty
        problems = v.problems
        totals = ValuationTotalsDocument(v)
        prices = v.prices.map(PriceUsedDocument.init)
        nftUSDByWallet = byWallet.map { split in
            split.sorted { ($0.key ?? "") < ($1.key ?? "") }.map { WalletValueDocument(wallet: $0.key, valueUSD: $0.value) }
        }
        self.byWallet = walletParts.map { $0.map(WalletPartDocument.init) }
    }
}
