import LedgerMath

/// The booked balances of one currency at an instant: exact, from booked entries only.
///
/// `assets = cash + NFTs at cost + yield positions at cost`, `liabilities = outstanding loan principal`,
/// `equity = assets − liabilities`. Option positions are carried at 0 here: premiums, fees and
/// settlements are booked as income or expense when the cash moves, and the position's value is
/// the mark-based ``MarkedAdjustments/optionMTM``.
public struct BookedBalances: Sendable, Hashable {
    public var currency: Currency
    /// Σ journal entries at or before the instant (may be negative: the book spent more than it was given).
    public var cash: ExactDecimal
    /// Σ cost basis (price + purchase fees) of the NFT lots open at the instant, in their purchase currency.
    public var nftsAtCost: ExactDecimal
    /// Σ outstanding principal (principal + borrowed more − principal repaid) of the loans open at the instant.
    public var loanPrincipal: ExactDecimal
    /// Σ cost basis of the yield positions in this currency (deposits − cost relieved by withdrawals).
    public var yieldAtCost: ExactDecimal = .zero

    public var assets: ExactDecimal { cash + nftsAtCost + yieldAtCost }
    public var liabilities: ExactDecimal { loanPrincipal }
    public var equity: ExactDecimal { assets - liabilities }

    public static func zero(_ currency: Currency) -> BookedBalances {
        BookedBalances(currency: currency, cash: .zero, nftsAtCost: .zero, loanPrincipal: .zero)
    }
}

/// An NFT on the balance sheet: its open lot at cost, whether it is pledged, and its mark.
public struct BalanceSheetNFT: Sendable, Hashable {
    public var lot: NFTLot
    /// The open loan the NFT backs at the instant (it stays an asset of the book: pledged, not sold).
    public var pledgedTo: LoanID?
    public var isPledged: Bool { pledgedTo != nil }
    /// The observation valuing it: the token's appraisal series, else its collection's floor.
    public var mark: PriceUsed?
    /// The mark's own currency (the series' quote).
    public var markCurrency: Currency?
    /// The mark in the cost currency (`mark × fx`), a `Double` from observations.
    public var markValue: Double?
    /// FX used to bring the mark into the cost currency (empty when none was needed).
    public var markFX: [PriceUsed]
    /// `markValue − cost basis`, cost currency.
    public var unrealizedGain: Double? { markValue.map { $0 - lot.costBasis.amount.doubleValue } }
}

/// A loan on the balance sheet: booked principal and, from its interest model, accrued interest.
public struct BalanceSheetLoan: Sendable, Hashable {
    public var loan: LoanID
    public var lendingProtocol: LendingProtocol
    public var currency: Currency
    /// Booked: principal + borrowed more − principal repaid.
    public var outstandingPrincipal: ExactDecimal
    /// `model debt − outstanding principal`, never clamped (see ``LoanStateReport/accruedInterest``); `nil`
    /// when the marked part could not be computed.
    public var accruedInterest: ExactDecimal?
    /// Outstanding principal + accrued interest.
    public var debt: ExactDecimal? { accruedInterest.map { outstandingPrincipal + $0 } }
}

/// A yield position holding something at the instant: booked at cost, and at mark.
public struct BalanceSheetYield: Sendable, Hashable {
    public var holding: YieldHolding
    /// Shares × share price, or the accrued balance, in the position's currency; `nil` until marked.
    public var value: YieldValue?
}

/// A hedge with open (unsettled) positions at the instant, at mark.
public struct BalanceSheetHedge: Sendable, Equatable {
    public var hedge: HedgeID
    public var name: String
    /// Σ signed leg MTM, USD (negative for a net short position: a liability).
    public var valueUSD: Double
    public var valuation: HedgeValuation
}

/// The mark- and model-based adjustments of one currency at an instant (`Double`: from
/// observations and interest models, never booked).
public struct MarkedAdjustments: Sendable, Hashable {
    public var currency: Currency
    /// Σ (mark − cost) of the NFT lots held with this cost currency.
    public var unrealizedNFT: Double
    /// Σ signed option MTM (USD only).
    public var optionMTM: Double
    /// Σ accrued-but-unpaid interest of the open loans in this currency (owed: it lowers equity).
    public var accruedInterest: Double
    /// Σ (value − cost basis) of the yield positions in this currency: yield earned, not yet withdrawn.
    public var unrealizedYield: Double = 0
    /// `unrealized NFT + option MTM − accrued interest + unrealized yield`.
    public var total: Double { unrealizedNFT + optionMTM - accruedInterest + unrealizedYield }

    static func zero(_ currency: Currency) -> MarkedAdjustments {
        MarkedAdjustments(currency: currency, unrealizedNFT: 0, optionMTM: 0, accruedInterest: 0)
    }
}

/// The rate that converts one currency into the numeraire at an instant.
public struct NumeraireRate: Sendable, Hashable {
    public var currency: Currency
    public var at: Instant
    /// Numeraire units per unit of ``currency`` (1 when it is the numeraire, or the same unit).
    public var rate: Double
    public var prices: [PriceUsed]
}

/// The balance sheet at mark, in the numeraire, every amount converted at the sheet's instant.
///
/// `assets = cash + NFTs at mark + yield positions at mark + hedges with positive MTM`,
/// `liabilities = Σ (outstanding principal + accrued interest) + hedges with negative MTM`,
/// `equity = assets − liabilities = Σ_c (booked equity_c + adjustments_c) × rate_c`.
public struct MarkedBalanceSheet: Sendable, Hashable {
    public var numeraire: Numeraire
    public var adjustments: [MarkedAdjustments]
    public var rates: [NumeraireRate]
    public var cash: Double
    public var nftsAtMark: Double
    public var hedgeAssets: Double
    public var loanDebt: Double
    public var hedgeLiabilities: Double
    /// Σ yield positions at mark (shares × share price, or accrued balance).
    public var yieldAtMark: Double = 0
    public var assets: Double { cash + nftsAtMark + yieldAtMark + hedgeAssets }
    public var liabilities: Double { loanDebt + hedgeLiabilities }
    public var equity: Double { assets - liabilities }
    /// Every price used (marks, FX, rates), once.
    public var prices: [PriceUsed]

    public func rate(of currency: Currency) -> NumeraireRate? { rates.first { $0.currency == currency } }
    public func adjustments(of currency: Currency) -> MarkedAdjustments {
        adjustments.first { $0.currency == currency } ?? .zero(currency)
    }
}

/// The book at an instant (DESIGN §1, the accountant): the exact booked balances per currency, the
/// items behind them, and — kept apart — the balance sheet at mark in a numeraire.
public struct BalanceSheet: Sendable, Equatable {
    public var at: Instant
    /// The snapshot's knowledge cut-off (`nil`: everything known now).
    public var knownAt: Instant?
    /// Per currency, sorted by code; exact.
    public var booked: [BookedBalances]
    /// NFT lots open at the instant (pledged ones flagged).
    public var nfts: [BalanceSheetNFT]
    /// Loans open at the instant.
    public var loans: [BalanceSheetLoan]
    /// Hedges with unsettled positions at the instant.
    public var hedges: [BalanceSheetHedge]
    /// Yield positions with a cost basis or shares at the instant.
    public var yieldPositions: [BalanceSheetYield] = []
    /// The marked part; `nil` when a price was missing and the policy said `.flag`.
    public var marked: MarkedBalanceSheet?
    /// Why ``marked`` is empty.
    public var markProblem: AnalyticsError?
    /// The part of the book this sheet covers (``LedgerSnapshot/balanceSheet(at:numeraire:policy:market:wallet:)``);
    /// `nil`: the whole book.
    public var wallet: WalletScope? = nil

    /// The booked balances of `currency` (zero when the book has none).
    public func booked(_ currency: Currency) -> BookedBalances { booked.first { $0.currency == currency } ?? .zero(currency) }
    /// The currencies with a booked balance or a marked adjustment, sorted.
    public var currencies: [Currency] {
        Set(booked.map(\.currency) + (marked?.adjustments.map(\.currency) ?? [])).sorted()
    }
}

extension LedgerSnapshot {
    /// The balance sheet at `at` (entries at or before `at`), booked exactly per currency, and at
    /// mark in `numeraire` (NFT marks from the appraisal or floor series, option MTM from stored
    /// quotes, accrued interest from each loan's interest model, everything converted at `at`).
    /// - Throws: ``AnalyticsError`` for a missing price or model failure when
    ///   `policy.onMissingPrice == .fail`; with `.flag` the marked part is left empty instead.
    public func balanceSheet(at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                             market: OptionMarketInputs = .default) throws -> BalanceSheet {
        try balanceSheet(at: at, numeraire: numeraire, policy: policy, market: market, wallet: nil)
    }

    /// The balance sheet at `at` of one part of the book (``WalletScope``): the cash of the
    /// journal entries naming the wallet, the NFT lots kept in it at `at`, the loans it borrowed;
    /// hedges and yield positions only in the part naming no wallet. `wallet == nil`: the whole
    /// book, as ``balanceSheet(at:numeraire:policy:market:)``. The parts of every wallet
    /// (``balanceSheetsByWallet(at:numeraire:policy:market:)``) sum to the whole book's booked
    /// balances exactly, and to its marked equity.
    public func balanceSheet(at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                             market: OptionMarketInputs = .default, wallet scope: WalletScope?) throws -> BalanceSheet {
        var booked: [Currency: BookedBalances] = [:]
        func add(_ c: Currency, _ change: (inout BookedBalances) -> Void) { change(&booked[c, default: .zero(c)]) }
        for entry in try journal(from: Instant(unixSeconds: 0), to: at) where scope?.contains(entry.wallet) ?? true {
            add(entry.amount.currency) { $0.cash += entry.amount.amount }
        }
        var nfts: [BalanceSheetNFT] = []
        for lot in try nftLots(at: at) where lot.isOpen {
            if let scope, !scope.contains(try wallet(of: lot.nft, at: at)) { continue }
            add(lot.costBasis.currency) { $0.nftsAtCost += lot.costBasis.amount }
            nfts.append(BalanceSheetNFT(lot: lot, pledgedTo: try openLoan(pledging: lot.nft, at: at), mark: nil, markCurrency: nil,
                                        markValue: nil, markFX: []))
        }
        var loans: [BalanceSheetLoan] = []
        for loan in try self.loans(openAt: at) where scope?.contains(loan.wallet) ?? true {
            let principal = try outstandingPrincipal(of: loan.id, at: at)
            add(loan.currency) { $0.loanPrincipal += principal }
            loans.append(BalanceSheetLoan(loan: loan.id, lendingProtocol: loan.lendingProtocol, currency: loan.currency,
                                          outstandingPrincipal: principal, accruedInterest: nil))
        }
        var positions: [BalanceSheetYield] = []
        for position in try yieldPositions() where scope?.holdsUnwalletedItems ?? true {
            let holding = try yieldHolding(position.id, at: at)
            guard !holding.flows.isEmpty, !holding.isClosed else { continue }
            add(position.currency) { $0.yieldAtCost += holding.costBasis }
            positions.append(BalanceSheetYield(holding: holding, value: nil))
        }
        var sheet = BalanceSheet(at: at, knownAt: knownAt, booked: booked.keys.sorted().compactMap { booked[$0] }, nfts: nfts,
                                 loans: loans, hedges: [], marked: nil, markProblem: nil)
        sheet.yieldPositions = positions
        sheet.wallet = scope
        do {
            sheet.marked = try mark(&sheet, numeraire: numeraire, policy: policy, market: market)
        } catch let error as AnalyticsError where policy.onMissingPrice == .flag {
            sheet.markProblem = error
        }
        return sheet
    }

    /// Fills the marks of `sheet`'s items and returns its marked part.
    private func mark(_ sheet: inout BalanceSheet, numeraire: Numeraire, policy: PricingPolicy,
                      market: OptionMarketInputs) throws -> MarkedBalanceSheet {
        let at = sheet.at
        var prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        var adjustments: [Currency: MarkedAdjustments] = [:]
        for index in sheet.nfts.indices {
            let lot = sheet.nfts[index].lot
            let series = try valuationSeries(for: lot.nft)
            let price = try priceUsed(series, at: at, policy: policy)
            let quote = series.quote ?? .eth
            let fx = try fxRate(from: quote, to: lot.costBasis.currency, at: at, policy: policy)
            note([price] + fx.prices)
            sheet.nfts[index].mark = price
            sheet.nfts[index].markCurrency = quote
            sheet.nfts[index].markValue = price.price * fx.rate
            sheet.nfts[index].markFX = fx.prices
            adjustments[lot.costBasis.currency, default: .zero(lot.costBasis.currency)].unrealizedNFT += sheet.nfts[index].unrealizedGain ?? 0
        }
        for index in sheet.loans.indices {
            let item = sheet.loans[index]
            guard let record = try loan(item.loan) else { throw AnalyticsError.unknownEntity(kind: "loan", id: item.loan.description) }
            let debt = try debtReplay(of: record, at: at).debt(at: at, loan: item.loan)
            let accrued = debt - item.outstandingPrincipal
            sheet.loans[index].accruedInterest = accrued
            adjustments[item.currency, default: .zero(item.currency)].accruedInterest += accrued.doubleValue
        }
        for index in sheet.yieldPositions.indices {
            let holding = sheet.yieldPositions[index].holding
            let value = try yieldValue(holding.position.id, at: at, policy: policy)
            if let p = value.sharePrice { note([p]) }
            sheet.yieldPositions[index].value = value
            adjustments[holding.position.currency, default: .zero(holding.position.currency)].unrealizedYield += value.unrealized
        }
        for hedge in try hedges() where sheet.wallet?.holdsUnwalletedItems ?? true {
            guard try positions(of: hedge.id, at: at).contains(where: { $0.settlement == nil }) else { continue }
            let valuation = try hedgeValuation(hedge.id, at: at, market: market)
            if let r = valuation.rateSource { note([r]) }
            sheet.hedges.append(BalanceSheetHedge(hedge: hedge.id, name: hedge.name, valueUSD: valuation.valueUSD, valuation: valuation))
            adjustments[.usd, default: .zero(.usd)].optionMTM += valuation.valueUSD
        }
        // Rates for every currency with a balance, then the totals at those rates.
        var rates: [Currency: NumeraireRate] = [:]
        func rate(_ c: Currency) throws -> Double {
            if let known = rates[c] { return known.rate }
            let conversion = try fxRate(from: c, to: numeraire.currency, at: at, policy: policy)
            note(conversion.prices)
            rates[c] = NumeraireRate(currency: c, at: at, rate: conversion.rate, prices: conversion.prices)
            return conversion.rate
        }
        func value(_ amount: Double, _ c: Currency) throws -> Double { amount == 0 ? 0 : amount * (try rate(c)) }
        var marked = MarkedBalanceSheet(numeraire: numeraire, adjustments: adjustments.keys.sorted().compactMap { adjustments[$0] },
                                        rates: [], cash: 0, nftsAtMark: 0, hedgeAssets: 0, loanDebt: 0, hedgeLiabilities: 0, prices: [])
        for b in sheet.booked { marked.cash += try value(b.cash.doubleValue, b.currency) }
        for nft in sheet.nfts { marked.nftsAtMark += try value(nft.markValue ?? 0, nft.lot.costBasis.currency) }
        for position in sheet.yieldPositions { marked.yieldAtMark += try value(position.value?.value ?? 0, position.holding.position.currency) }
        for loan in sheet.loans { marked.loanDebt += try value((loan.debt ?? loan.outstandingPrincipal).doubleValue, loan.currency) }
        for hedge in sheet.hedges {
            let v = try value(hedge.valueUSD, .usd)
            if v >= 0 { marked.hedgeAssets += v } else { marked.hedgeLiabilities -= v }
        }
        marked.rates = rates.keys.sorted().compactMap { rates[$0] }
        marked.prices = prices
        return marked
    }
}
