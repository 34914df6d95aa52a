import LedgerMath

/// One NFT's value at an instant: its appraisal if it has an `appraisal` series, else its
/// collection's `floor`, converted at the instant.
public struct NFTValuation: Sendable, Hashable {
    public var holding: NFTHolding
    /// The price used (nil when flagged missing).
    public var price: PriceUsed?
    public var priceCurrency: Currency?
    public var valueUSD: Double?
    public var valueETH: Double?
    /// Why there is no value, when the policy flags instead of failing.
    public var problem: AnalyticsError?
}

/// One open loan's debt at an instant.
public struct DebtValuation: Sendable, Hashable {
    public var loan: LoanID
    public var debt: Money
    public var debtUSD: Double
    public var debtETH: Double
}

/// One yield position's value at an instant (what it holds: shares × share price, or the accrued
/// balance), converted at the instant.
public struct YieldPositionValuation: Sendable, Hashable {
    public var position: YieldPositionID
    public var name: String
    /// In the position's currency.
    public var value: Double
    public var currency: Currency
    public var valueUSD: Double
    public var valueETH: Double
}

/// The book at an instant in USD and ETH: NFTs, debt, hedge mark-to-market, yield positions, cash (journal), net equity.
///
/// `net equity = Σ NFT values − Σ debt + Σ hedge MTM + Σ yield positions + Σ cash`; each converted at the instant with
/// the stored ETH/USD (every price listed with its instant and age in ``prices``).
public struct PortfolioValuation: Sendable, Equatable {
    public var at: Instant
    public var nfts: [NFTValuation]
    public var debts: [DebtValuation]
    public var hedges: [HedgeValuation]
    /// Cash per currency from the journal (exact).
    public var cash: [Money]
    public var cashUSD: Double
    public var nftUSD: Double
    public var debtUSD: Double
    public var hedgeUSD: Double
    /// Yield positions holding something at the instant (a deposit leaves cash and is held here).
    public var yields: [YieldPositionValuation] = []
    public var yieldUSD: Double = 0
    public var netEquityUSD: Double { nftUSD - debtUSD + hedgeUSD + yieldUSD + cashUSD }
    /// ETH per USD used for the ETH column (1 / ETHUSD).
    public var ethPerUSD: Double
    public var netEquityETH: Double { netEquityUSD * ethPerUSD }
    /// Every price used, once.
    public var prices: [PriceUsed]
    /// What could not be valued for want of a price (with `PricingPolicy.OnMissingPrice.flag`):
    /// the totals leave these items out, so they are incomplete whenever this is not empty.
    public var problems: [String] = []
    /// True when every item was valued: the totals are whole.
    public var isComplete: Bool { problems.isEmpty }
}

extension LedgerSnapshot {
    /// The price series valuing `nft`: its appraisal, else its collection's floor.
    func valuationSeries(for nft: NFTID) throws -> PriceSeries {
        if let appraisal = try allSeries().first(where: { $0.kind == .appraisal && $0.nftID == nft }) { return appraisal }
        return try riskSeries(for: nft, source: .floor, lendingProtocol: nil)
    }

    /// The book's valuation at `at` (NFTs held or pledged, open loans, hedges, cash).
    public func portfolioValuation(at: Instant, policy: PricingPolicy = .default,
                                   market: OptionMarketInputs = .default) throws -> PortfolioValuation {
        var prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        // With `.flag`, a missing price leaves its item out and says so; any other error still throws.
        let missing = MissingPrices(policy)
        func flagging<T>(_ what: String, _ body: () throws -> T) throws -> T? { try missing.attempt(what, body) }
        let usdToEth = try flagging("the ETH column (ETH/USD)") { try fxRate(from: .usd, to: .eth, at: at, policy: policy) }
        note(usdToEth?.prices ?? [])
        var nfts: [NFTValuation] = []
        for holding in try self.nfts(at: at) where holding.status.isHeld {
            var item = NFTValuation(holding: holding, price: nil, priceCurrency: nil, valueUSD: nil, valueETH: nil, problem: nil)
            do {
                let series = try valuationSeries(for: holding.nft.id)
                let p = try priceUsed(series, at: at, policy: policy)
                let quote = series.quote ?? .eth
                let usd = try fxRate(from: quote, to: .usd, at: at, policy: policy)
                note([p] + usd.prices)
                item.price = p
                item.priceCurrency = quote
                item.valueUSD = p.price * usd.rate
                item.valueETH = p.price * usd.rate * (usdToEth?.rate ?? .nan)
            } catch let error as AnalyticsError where policy.onMissingPrice == .flag && error.isPriceProblem {
                item.problem = error
                _ = try missing.attempt("nft \(holding.nft.id)") { () throws -> Void in throw error }
            }
            nfts.append(item)
        }
        var debts: [DebtValuation] = []
        for loan in try loans(openAt: at) {
            let state = try loanState(loan, events: loanEvents(of: loan.id), at: at, riskSource: .floor,
                                      policy: PricingPolicy(maxAgeSeconds: policy.maxAgeSeconds, onMissingPrice: .flag, fxSeriesName: policy.fxSeriesName),
                                      shock: .none)
            guard let usd = try flagging("loan \(loan.id) debt", { try convert(Money(state.debt, loan.currency), to: .usd, at: at, policy: policy) })
            else { continue }
            note(usd.prices)
            debts.append(DebtValuation(loan: loan.id, debt: Money(state.debt, loan.currency), debtUSD: usd.converted,
                                       debtETH: usd.converted * (usdToEth?.rate ?? .nan)))
        }
        var hedges: [HedgeValuation] = []
        for hedge in try self.hedges() where hedge.openedAt <= at {
            guard let v = try flagging("hedge \(hedge.id)", { try hedgeValuation(hedge.id, at: at, market: market) }) else { continue }
            if let r = v.rateSource { note([r]) }
            hedges.append(v)
        }
        var yields: [YieldPositionValuation] = []
        for position in try yieldPositions() {
            guard let v = try flagging("yield position \(position.id)", { () throws -> (YieldValue, ConvertedAmount)? in
                let v = try yieldValue(position.id, at: at, policy: policy)
                guard v.value != 0 else { return nil }
                return (v, try convert(Money(exact(v.value), position.currency), to: .usd, at: at, policy: policy))
            }), let (value, usd) = v else { continue }
            if let p = value.sharePrice { note([p]) }
            note(usd.prices)
            yields.append(YieldPositionValuation(position: position.id, name: position.name, value: value.value, currency: position.currency,
                                                 valueUSD: usd.converted, valueETH: usd.converted * (usdToEth?.rate ?? .nan)))
        }
        var balances: [Currency: ExactDecimal] = [:]
        for entry in try journal(from: Instant(unixSeconds: 0), to: at) { balances[entry.amount.currency, default: .zero] += entry.amount.amount }
        let cash = balances.keys.sorted().compactMap { c in balances[c].map { Money($0, c) } }
        var cashUSD = 0.0
        for money in cash where !money.amount.isZero {
            guard let c = try flagging("cash \(money.currency)", { try convert(money, to: .usd, at: at, policy: policy) }) else { continue }
            note(c.prices)
            cashUSD += c.converted
        }
        var valuation = PortfolioValuation(at: at, nfts: nfts, debts: debts, hedges: hedges, cash: cash, cashUSD: cashUSD,
                                           nftUSD: nfts.reduce(0) { $0 + ($1.valueUSD ?? 0) }, debtUSD: debts.reduce(0) { $0 + $1.debtUSD },
                                           hedgeUSD: hedges.reduce(0) { $0 + $1.valueUSD }, ethPerUSD: usdToEth?.rate ?? .nan, prices: prices,
                                           problems: missing.problems)
        valuation.yields = yields
        valuation.yieldUSD = yields.reduce(0) { $0 + $1.valueUSD }
        return valuation
    }
}
