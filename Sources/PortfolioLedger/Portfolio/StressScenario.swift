import LedgerMath

/// One loan before and after a shock.
public struct StressedLoan: Sendable, Hashable {
    public var loan: LoanID
    public var base: LoanStateReport
    public var stressed: LoanStateReport
    /// Fraction by which the (shocked) NFT price must still fall to reach the liquidation floor:
    /// `1 − floor_liq / price` (negative = already below it); `nil` without price liquidation.
    public var distanceToLiquidation: Double?
    /// Liquidatable after the shock (`nil`: the loan has no price liquidation).
    public var liquidates: Bool?
}

/// A hedge before and after a shock (revalued with BSM at the shocked SPX level and vol).
public struct StressedHedge: Sendable, Equatable {
    public var base: HedgeValuation
    public var stressed: HedgeValuation
    /// `stressed MTM − base MTM`, USD.
    public var pnlUSD: Double { stressed.valueUSD - base.valueUSD }
}

/// A stress scenario at an instant: loans, hedges and the equity change, honestly netted.
public struct StressReport: Sendable, Equatable {
    public var at: Instant
    public var shock: MarketShock
    public var riskSource: RiskPriceSource
    public var loans: [StressedLoan]
    public var hedges: [StressedHedge]
    /// Change in NFT value (held and pledged), USD.
    public var nftChangeUSD: Double
    /// Change in debt measured in USD (ETH loans change with ETH/USD), USD.
    public var debtChangeUSD: Double
    public var hedgePnLUSD: Double { hedges.reduce(0) { $0 + $1.pnlUSD } }
    /// The part of the book stressed (``LedgerSnapshot/stress(at:shock:riskSource:policy:market:wallet:)``); `nil`: the whole book.
    public var wallet: WalletScope? = nil
    /// `nft change − debt change`: what the shock costs the collateralised book before the hedge, USD.
    public var bookChangeUSD: Double { nftChangeUSD - debtChangeUSD }
    /// `book change + hedge P&L`, USD.
    public var netChangeUSD: Double { bookChangeUSD + hedgePnLUSD }
    /// True only when the hedge gains at least what the book loses.
    public var hedgeCoversLoss: Bool { bookChangeUSD >= 0 || hedgePnLUSD >= -bookChangeUSD }
    /// A plain statement of the result (e.g. that an SPX condor does not cover an NFT floor drop).
    public var verdict: String {
        if bookChangeUSD >= 0 { return "the shock does not reduce the collateralised book" }
        if hedgeCoversLoss { return String(format: "the hedge gains %.2f USD, covering the book's loss of %.2f USD", hedgePnLUSD, -bookChangeUSD) }
        return String(format: "the hedge does NOT cover the loss: book %.2f USD, hedge %+.2f USD, net %.2f USD", bookChangeUSD, hedgePnLUSD, netChangeUSD)
    }
}

extension LedgerSnapshot {
    /// Applies `shock` at `at` to every open loan (HF, distance to liquidation, liquidates?), every
    /// held NFT and every hedge (revalued with BSM at the shocked level and vol).
    public func stress(at: Instant, shock: MarketShock, riskSource: RiskPriceSource = .floor, policy: PricingPolicy = .default,
                       market: OptionMarketInputs = .default) throws -> StressReport {
        try stress(at: at, shock: shock, riskSource: riskSource, policy: policy, market: market, wallet: nil)
    }

    /// ``stress(at:shock:riskSource:policy:market:)`` of one part of the book (``WalletScope``):
    /// the loans it borrowed, the NFTs kept in it at `at`, and hedges only in the part naming no
    /// wallet. The parts' NFT, debt and hedge changes sum to the whole book's. `wallet == nil`: the whole book.
    public func stress(at: Instant, shock: MarketShock, riskSource: RiskPriceSource = .floor, policy: PricingPolicy = .default,
                       market: OptionMarketInputs = .default, wallet scope: WalletScope?) throws -> StressReport {
        var loans: [StressedLoan] = []
        var debtChange = 0.0
        for loan in try self.loans(openAt: at) where scope?.contains(loan.wallet) ?? true {
            let events = try loanEvents(of: loan.id)
            let base = try loanState(loan, events: events, at: at, riskSource: riskSource, policy: policy, shock: .none)
            let stressed = try loanState(loan, events: events, at: at, riskSource: riskSource, policy: policy, shock: shock)
            var distance: Double?
            if case .byRule = base.priceLiquidation, let floor = stressed.risk?.liquidationFloorPrice,
               let price = stressed.risk?.collateral.items.first?.price.price, price > 0 {
                distance = 1 - floor.doubleValue / price
            }
            let debtMoney = Money(base.debt, loan.currency)
            let usdBase = try fxRate(from: loan.currency, to: .usd, at: at, policy: policy).rate
            let usdShocked = try shock.convert(self, from: loan.currency, to: .usd, at: at, policy: policy).rate
            debtChange += debtMoney.amount.doubleValue * (usdShocked - usdBase)
            loans.append(StressedLoan(loan: loan.id, base: base, stressed: stressed, distanceToLiquidation: distance,
                                      liquidates: stressed.risk?.isLiquidatable))
        }
        var nftChange = 0.0
        for holding in try nfts(at: at) where holding.status.isHeld {
            if let scope, !scope.contains(try wallet(of: holding.nft.id, at: at)) { continue }
            let series = try valuationSeries(for: holding.nft.id)
            let p = try priceUsed(series, at: at, policy: policy)
            let quote = series.quote ?? .eth
            let baseUSD = p.price * (try fxRate(from: quote, to: .usd, at: at, policy: policy).rate)
            let shockedUSD = shock.floor.apply(to: p.price) * (try shock.convert(self, from: quote, to: .usd, at: at, policy: policy).rate)
            nftChange += shockedUSD - baseUSD
        }
        var hedges: [StressedHedge] = []
        var modelShock = shock
        if modelShock.spx == .none { modelShock.spx = .absolute(0) }
        for hedge in try self.hedges() where hedge.openedAt <= at && (scope?.holdsUnwalletedItems ?? true) {
            // The base is valued by the same model (a zero shock forces BSM), so the P&L is the shock's alone,
            // not the gap between a quoted mark and the model.
            hedges.append(StressedHedge(base: try hedgeValuation(hedge.id, at: at, market: market, shock: MarketShock(spx: .absolute(0))),
                                        stressed: try hedgeValuation(hedge.id, at: at, market: market, shock: modelShock)))
        }
        var report = StressReport(at: at, shock: shock, riskSource: riskSource, loans: loans, hedges: hedges,
                                  nftChangeUSD: nftChange, debtChangeUSD: debtChange)
        report.wallet = scope
        return report
    }
}
