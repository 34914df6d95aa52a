import LedgerMath

/// One layer's money-weighted and time-weighted return.
public struct LayerReturnDocument: Codable, Sendable, Equatable {
    /// Value at the start of the period.
    public var startValue: Double?
    /// Value at the end of the period.
    public var terminalValue: Double?
    /// Gain over the period.
    public var gain: Double?
    /// Money put in.
    public var contributions: Double?
    /// Money taken out, with the terminal value.
    public var distributions: Double?
    /// Distributions over contributions.
    public var moneyMultiple: Double?
    /// Holding-period return (not annualized).
    public var holdingPeriodReturn: Double?
    /// The time-weighted return.
    public var timeWeightedReturn: TWRDocument
    /// The XIRR.
    public var xirr: XIRRDocument

    enum CodingKeys: String, CodingKey {
        case startValue = "start_value", terminalValue = "terminal_value", gain, contributions, distributions
        case moneyMultiple = "money_multiple", holdingPeriodReturn = "holding_period_return"
        case timeWeightedReturn = "time_weighted_return", xirr
    }

    /// The document of `layer`.
    public init(_ l: LayerReturn) {
        startValue = l.startValue.finiteOrNil
        terminalValue = l.terminalValue.finiteOrNil
        gain = l.gain.finiteOrNil
        contributions = l.money.contributions.finiteOrNil
        distributions = l.money.distributions.finiteOrNil
        moneyMultiple = l.moneyMultiple.finiteOrNil
        holdingPeriodReturn = l.holdingPeriodReturn.finiteOrNil
        timeWeightedReturn = TWRDocument(l.timeWeighted)
        xirr = XIRRDocument(l.xirr)
    }
}

/// One loan's layer return.
public struct LoanLayerReturnDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// Its return, from the borrower's side.
    public var layerReturn: LayerReturnDocument

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", layerReturn = "return"
    }

    /// The document of `loanReturn`.
    public init(_ r: LoanLayerReturn) {
        loanID = r.loan.rawValue
        layerReturn = LayerReturnDocument(r.layer)
    }
}

/// One yield position's layer return.
public struct YieldPositionReturnDocument: Codable, Sendable, Equatable {
    /// The yield position id.
    public var yieldPositionID: Int64
    /// The loan that funded it, if any.
    public var fundingLoanID: Int64?
    /// Its return.
    public var layerReturn: LayerReturnDocument

    enum CodingKeys: String, CodingKey {
        case yieldPositionID = "yield_position_id", fundingLoanID = "funding_loan_id", layerReturn = "return"
    }

    /// The document of `positionReturn`.
    public init(_ r: YieldPositionReturn) {
        yieldPositionID = r.position.rawValue
        fundingLoanID = r.fundingLoan?.rawValue
        layerReturn = LayerReturnDocument(r.layer)
    }
}

/// One flow of a return, converted into the numeraire.
public struct ReturnFlowDocument: Codable, Sendable, Equatable {
    /// When.
    public var at: Instant
    /// The layer it belongs to.
    public var layer: String
    /// What it is.
    public var description: String
    /// The amount in its currency.
    public var amount: ExactDecimal
    /// The currency code.
    public var currency: String
    /// The amount in the numeraire.
    public var converted: Double?
    /// The rate used.
    public var rate: Double?

    /// The document of `flow`.
    public init(_ f: ReturnFlow) {
        at = f.amount.at
        layer = f.layer.rawValue
        description = f.description
        amount = f.amount.amount.amount
        currency = f.amount.amount.currency.code
        converted = f.amount.converted.finiteOrNil
        rate = f.amount.rate.finiteOrNil
    }
}

extension ReturnScope {
    /// `portfolio`, or `nft ID with its loans and hedges`.
    public var text: String {
        switch self {
        case .portfolio: "portfolio"
        case .nft(let id): "nft \(id) with its loans and hedges"
        }
    }
}

/// `report returns`: the full-stack return and each layer's.
public struct ReturnsDocument: ReportDocument {
    /// Always `returns`.
    public var report = "returns"
    /// The instant of the report (the end of the period).
    public var at: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// `portfolio` or `nft ID with its loans and hedges`.
    public var scope: String
    /// Start of the period.
    public var from: Instant
    /// End of the period.
    public var to: Instant
    /// The numeraire.
    public var numeraire: String
    /// Whether every item had a usable price.
    public var complete: Bool
    /// The items left out, and why.
    public var problems: [String]
    /// The whole stack.
    public var total: LayerReturnDocument
    /// The NFTs alone (unlevered).
    public var nftAlone: LayerReturnDocument
    /// The NFTs with their loans.
    public var nftWithLoans: LayerReturnDocument
    /// The hedges alone.
    public var hedgeAlone: LayerReturnDocument
    /// The yield positions alone; `nil` (the key absent) when the scope has none.
    @OmittedWhenAbsent public var yieldAlone: LayerReturnDocument?
    /// Each yield position; `nil` (the key absent) when the scope has none.
    @OmittedWhenAbsent public var perYieldPosition: [YieldPositionReturnDocument]?
    /// Each loan alone.
    public var perLoan: [LoanLayerReturnDocument]
    /// The borrowing cost in the numeraire.
    public var borrowingCost: Double?
    /// Every flow.
    public var flows: [ReturnFlowDocument]
    /// Every price used.
    public var prices: [PriceUsedDocument]

    enum CodingKeys: String, CodingKey {
        case report, at, asKnownAt = "as_known_at", scope, from, to, numeraire, complete, problems, total
        case nftAlone = "nft_alone", nftWithLoans = "nft_with_loans", hedgeAlone = "hedge_alone", yieldAlone = "yield_alone"
        case perYieldPosition = "per_yield_position", perLoan = "per_loan", borrowingCost = "borrowing_cost", flows, prices
    }

    /// The document of `report`, as known at `knownAt` when given.
    public init(_ r: FullStackReturnReport, knownAt: Instant? = nil) {
        at = r.to
        asKnownAt = knownAt
        scope = r.scope.text
        from = r.from
        to = r.to
        numeraire = r.numeraire.rawValue
        complete = r.problems.isEmpty
        problems = r.problems
        total = LayerReturnDocument(r.total)
        nftAlone = LayerReturnDocument(r.nftAlone)
        nftWithLoans = LayerReturnDocument(r.nftWithLoans)
        hedgeAlone = LayerReturnDocument(r.hedgeAlone)
        if let yieldLayer = r.yieldAlone {
            yieldAlone = LayerReturnDocument(yieldLayer)
            perYieldPosition = r.perYieldPosition.map(YieldPositionReturnDocument.init)
        }
        perLoan = r.perLoan.map(LoanLayerReturnDocument.init)
        borrowingCost = r.borrowingCost.finiteOrNil
        flows = r.flows.map(ReturnFlowDocument.init)
        prices = r.prices.map(PriceUsedDocument.init)
    }
}

/// One loan's borrowing cost in `report cost`.
public struct LoanCostDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The loan currency code.
    public var currency: String
    /// Amount received.
    public var received: ExactDecimal
    /// Interest paid.
    public var interestPaid: ExactDecimal
    /// Fees paid.
    public var feesPaid: ExactDecimal
    /// Interest accrued and unpaid.
    public var interestAccrued: ExactDecimal
    /// The cost in the loan currency.
    public var cost: ExactDecimal
    /// Effective APR in the loan currency.
    public var effectiveAPR: Double?
    /// The cost in the numeraire.
    public var costInNumeraire: Double?
    /// Effective APR in the numeraire.
    public var effectiveAPRInNumeraire: Double?
    /// The cost split in the numeraire.
    public var costSplitInNumeraire: BorrowingCostSplit

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", currency, received, interestPaid = "interest_paid", feesPaid = "fees_paid"
        case interestAccrued = "interest_accrued", cost, effectiveAPR = "effective_apr", costInNumeraire = "cost_in_numeraire"
        case effectiveAPRInNumeraire = "effective_apr_in_numeraire", costSplitInNumeraire = "cost_split_in_numeraire"
    }

    /// The document of `cost`.
    public init(_ c: LoanBorrowingCost) {
        loanID = c.loan.rawValue
        currency = c.currency.code
        received = c.received
        interestPaid = c.interestPaid
        feesPaid = c.feesPaid
        interestAccrued = c.interestAccrued
        cost = c.cost
        effectiveAPR = c.effectiveAPR.finiteOrNil
        costInNumeraire = c.costInNumeraire.finiteOrNil
        effectiveAPRInNumeraire = c.effectiveAPRInNumeraire.finiteOrNil
        costSplitInNumeraire = c.costSplit
    }
}

/// A loan's net carry: the yield its funded positions earned less its borrowing cost.
public struct NetCarryDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The yield positions it funded.
    public var yieldPositionIDs: [Int64]
    /// Yield earned, in the numeraire.
    public var yieldEarned: Double?
    /// Borrowing cost, in the numeraire.
    public var borrowingCost: Double?
    /// Yield earned less borrowing cost.
    public var netCarry: Double?

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", yieldPositionIDs = "yield_position_ids", yieldEarned = "yield_earned"
        case borrowingCost = "borrowing_cost", netCarry = "net_carry"
    }

    /// The document of `carry`.
    public init(_ c: LoanNetCarry) {
        loanID = c.loan.rawValue
        yieldPositionIDs = c.positions.map(\.rawValue)
        yieldEarned = c.yieldEarned.finiteOrNil
        borrowingCost = c.borrowingCost.finiteOrNil
        netCarry = c.netCarry.finiteOrNil
    }
}

/// `report cost`: every loan's borrowing cost and the portfolio's.
public struct CostDocument: ReportDocument {
    /// Always `cost`.
    public var report = "cost"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// The numeraire.
    public var numeraire: String
    /// Whether every flow had a usable rate.
    public var complete: Bool
    /// The items left out, and why.
    public var problems: [String]
    /// Rates assumed by rule; `nil` (the key absent) when none.
    @OmittedWhenAbsent public var assumptions: [String]?
    /// The portfolio's cost in the numeraire.
    public var costInNumeraire: Double?
    /// The portfolio's amount received in the numeraire.
    public var receivedInNumeraire: Double?
    /// The portfolio's time-weighted effective APR in the numeraire.
    public var effectiveAPRInNumeraire: Double?
    /// Each loan.
    public var loans: [LoanCostDocument]
    /// Net carry of loans that funded yield positions; `nil` (the key absent) when none did.
    @OmittedWhenAbsent public var netCarry: [NetCarryDocument]?
    /// The part of the book reported (`--wallet`); `nil` (the key absent) for the whole book.
    @OmittedWhenAbsent public var walletScope: WalletScopeDocument?
    /// The cost per wallet that borrowed (`--by-wallet`); `nil` (the key absent) unless asked for.
    @OmittedWhenAbsent public var byWallet: [WalletCostDocument]?

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, numeraire, complete, problems, assumptions
        case costInNumeraire = "cost_in_numeraire", receivedInNumeraire = "received_in_numeraire"
        case effectiveAPRInNumeraire = "effective_apr_in_numeraire", loans, netCarry = "net_carry"
        case walletScope = "wallet_scope", byWallet = "by_wallet"
    }

    /// The document of `cost` and `carry`, of the part `wallet` when given, with the cost per
    /// wallet (``LedgerSnapshot/borrowingCostByWallet(_:)``) when `parts` is given.
    public init(_ cost: PortfolioBorrowingCost, carry: [LoanNetCarry], wallet: WalletScope?, byWallet parts: [WalletBorrowingCost]?) {
        self.init(cost, carry: carry)
        walletScope = wallet.map(WalletScopeDocument.init)
        byWallet = parts.map { $0.map(WalletCostDocument.init) }
    }

    /// The document of the portfolio's `cost` and the loans' `carry`, as known at `knownAt` when given.
    public init(_ cost: PortfolioBorrowingCost, carry: [LoanNetCarry], knownAt: Instant? = nil) {
        asKnownAt = knownAt
        at = cost.at
        numeraire = cost.numeraire.rawValue
        complete = cost.problems.isEmpty
        problems = cost.problems
        assumptions = RateAssumption.documentTexts(cost.assumptions)
        costInNumeraire = cost.costInNumeraire.finiteOrNil
        receivedInNumeraire = cost.receivedInNumeraire.finiteOrNil
        effectiveAPRInNumeraire = cost.effectiveAPRInNumeraire.finiteOrNil
        loans = cost.loans.map(LoanCostDocument.init)
        netCarry = carry.isEmpty ? nil : carry.map(NetCarryDocument.init)
    }
}

/// One wallet's part of `report cost --by-wallet`: the loans it borrowed and their totals.
public struct WalletCostDocument: Codable, Sendable, Equatable {
    /// The wallet, or the part naming none.
    public var walletScope: WalletScopeDocument
    /// The loans' ids.
    public var loans: [Int64]
    /// Whether every flow of its loans had a usable rate.
    public var complete: Bool
    /// Cost in the numeraire.
    public var costInNumeraire: Double?
    /// Amount received in the numeraire.
    public var receivedInNumeraire: Double?
    /// Time-weighted effective APR in the numeraire.
    public var effectiveAPRInNumeraire: Double?

    enum CodingKeys: String, CodingKey {
        case walletScope = "wallet_scope", loans, complete, costInNumeraire = "cost_in_numeraire"
        case receivedInNumeraire = "received_in_numeraire", effectiveAPRInNumeraire = "effective_apr_in_numeraire"
    }

    /// The document of `part`.
    public init(_ part: WalletBorrowingCost) {
        walletScope = WalletScopeDocument(part.wallet)
        loans = part.cost.loans.map(\.loan.rawValue)
        complete = part.cost.isComplete
        costInNumeraire = part.cost.costInNumeraire.finiteOrNil
        receivedInNumeraire = part.cost.receivedInNumeraire.finiteOrNil
        effectiveAPRInNumeraire = part.cost.effectiveAPRInNumeraire.finiteOrNil
    }
}

/// A market shock, each factor as text (`-30%`, `+0.15`, `=4000`, `none`).
public struct ShockDocument: Codable, Sendable, Equatable {
    /// The NFT floor shock.
    public var floor: String
    /// The ETH/USD shock.
    public var ethUSD: String
    /// The SPX shock.
    public var spx: String
    /// The implied-volatility shock.
    public var impliedVol: String

    enum CodingKeys: String, CodingKey {
        case floor, ethUSD = "eth_usd", spx, impliedVol = "implied_vol"
    }

    /// The document of `shock`.
    public init(_ s: MarketShock) {
        floor = s.floor.description
        ethUSD = s.ethUSD.description
        spx = s.spx.description
        impliedVol = s.impliedVol.description
    }
}

/// One loan under a stress.
public struct StressedLoanDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The health factor before the shock.
    public var healthFactorBefore: HealthFactorValue?
    /// The health factor after the shock.
    public var healthFactorAfter: HealthFactorValue?
    /// How far the floor can fall before liquidation, after the shock.
    public var distanceToLiquidation: Double?
    /// Whether the shock liquidates the loan.
    public var liquidates: Bool?

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", healthFactorBefore = "health_factor_before", healthFactorAfter = "health_factor_after"
        case distanceToLiquidation = "distance_to_liquidation", liquidates
    }

    /// The document of `loan`.
    public init(_ l: StressedLoan) {
        loanID = l.loan.rawValue
        healthFactorBefore = HealthFactorValue(l.base.risk?.healthFactor)
        healthFactorAfter = HealthFactorValue(l.stressed.risk?.healthFactor)
        distanceToLiquidation = l.distanceToLiquidation.finiteOrNil
        liquidates = l.liquidates
    }
}

/// One hedge under a stress.
public struct StressedHedgeDocument: Codable, Sendable, Equatable {
    /// The hedge id.
    public var hedgeID: Int64
    /// Value before the shock, USD.
    public var valueBeforeUSD: Double?
    /// Value after the shock, USD.
    public var valueAfterUSD: Double?
    /// The change, USD.
    public var pnlUSD: Double?

    enum CodingKeys: String, CodingKey {
        case hedgeID = "hedge_id", valueBeforeUSD = "value_before_usd", valueAfterUSD = "value_after_usd", pnlUSD = "pnl_usd"
    }

    /// The document of `hedge`.
    public init(_ h: StressedHedge) {
        hedgeID = h.base.hedge.id.rawValue
        valueBeforeUSD = h.base.valueUSD.finiteOrNil
        valueAfterUSD = h.stressed.valueUSD.finiteOrNil
        pnlUSD = h.pnlUSD.finiteOrNil
    }
}

/// `report stress`: what a market shock does to the loans and the hedges.
public struct StressDocument: ReportDocument {
    /// Always `stress`.
    public var report = "stress"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// The shock.
    public var shock: ShockDocument
    /// Each open loan.
    public var loans: [StressedLoanDocument]
    /// Each hedge.
    public var hedges: [StressedHedgeDocument]
    /// Change in NFT value, USD.
    public var nftChangeUSD: Double?
    /// Change in debt, USD.
    public var debtChangeUSD: Double?
    /// The hedges' P&L, USD.
    public var hedgePnLUSD: Double?
    /// The net change, USD.
    public var netChangeUSD: Double?
    /// Whether the hedges cover the book's loss.
    public var hedgeCoversLoss: Bool
    /// The verdict in words.
    public var verdict: String
    /// The part of the book stressed (`--wallet`); `nil` (the key absent) for the whole book.
    @OmittedWhenAbsent public var walletScope: WalletScopeDocument?

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, shock, loans, hedges, nftChangeUSD = "nft_change_usd"
        case debtChangeUSD = "debt_change_usd", hedgePnLUSD = "hedge_pnl_usd", netChangeUSD = "net_change_usd"
        case hedgeCoversLoss = "hedge_covers_loss", verdict, walletScope = "wallet_scope"
    }

    /// The document of `report`, as known at `knownAt` when given.
    public init(_ r: StressReport, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        at = r.at
        shock = ShockDocument(r.shock)
        loans = r.loans.map(StressedLoanDocument.init)
        hedges = r.hedges.map(StressedHedgeDocument.init)
        nftChangeUSD = r.nftChangeUSD.finiteOrNil
        debtChangeUSD = r.debtChangeUSD.finiteOrNil
        hedgePnLUSD = r.hedgePnLUSD.finiteOrNil
        netChangeUSD = r.netChangeUSD.finiteOrNil
        hedgeCoversLoss = r.hedgeCoversLoss
        verdict = r.verdict
        walletScope = r.wallet.map(WalletScopeDocument.init)
    }
}
