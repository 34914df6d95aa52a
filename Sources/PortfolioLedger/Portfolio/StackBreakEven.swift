import LedgerMath

/// The floor at which a scope's P&L since inception is zero, or why there is none.
public enum BreakEvenFloor: Sendable, Hashable {
    /// P&L is zero at this floor price: `price` in the floor series' currency, `priceUSD` in USD
    /// (converted at the report instant).
    case at(price: Double, priceUSD: Double?)
    /// No floor ≥ 0 gives zero P&L, or the P&L does not depend on the floor; `reason` says which.
    case none(reason: String)

    /// The floor price, when there is one.
    public var price: Double? {
        if case .at(let p, _) = self { return p }
        return nil
    }
}

/// One loan of the scope and the collateral floor at which it becomes liquidatable.
public struct LoanLiquidationFloor: Sendable, Hashable {
    public var loan: LoanID
    public var lendingProtocol: LendingProtocol
    public var priceLiquidation: PriceLiquidation
    /// Per-NFT floor (in the floor series' currency) at which `HF = 1`; `nil` without price liquidation.
    public var price: ExactDecimal?
    public var priceUSD: Double?
    /// The price problem that left the figures empty, if any.
    public var priceProblem: AnalyticsError?
}

/// A floor level a falling market would cross: the stack's break-even or a loan's liquidation.
public struct FloorThreshold: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case breakEven
        case liquidation(LoanID)
    }
    public var kind: Kind
    /// Floor price in the floor series' currency.
    public var price: Double
    /// `1 − price / current floor`: how far the floor must still fall (negative: already below it).
    public var distance: Double
}

/// Stack break-even floor of a scope at an instant (issue #9).
///
/// `P&L(F) = Σ flows since inception + V_fixed + n·F·x − debt + hedge MTM`, all in the numeraire:
/// flows are the scope's journal entries up to `at`, each converted at its own instant; `n` is the
/// number of held NFTs valued on the floor series, `x` the floor currency → numeraire rate at `at`;
/// `V_fixed` the NFTs valued otherwise (appraisals, other collections); debt and hedge MTM at `at`.
/// For a fixed hedge and fixed other prices `P&L` is affine in `F`, so the break-even is exact:
/// `F* = −P&L(0) / (n·x)`.
public struct StackBreakEvenReport: Sendable, Hashable {
    public var scope: ReturnScope
    public var at: Instant
    public var numeraire: Numeraire
    public var collection: CollectionID
    public var floorSeries: String
    public var floorCurrency: Currency
    public var currentFloor: PriceUsed
    /// NFTs held at `at` whose value moves with the floor (`n`).
    public var floorNFTCount: Int
    /// Numeraire units per unit of floor currency at `at` (`x`).
    public var floorToNumeraire: Double
    /// Floor currency → USD at `at`.
    public var floorToUSD: Double?
    /// The scope's flows since inception up to `at`, investor's side, converted at their instants.
    public var flows: [ReturnFlow]
    public var flowsTotal: Double
    /// NFTs held that do not move with the floor, numeraire.
    public var fixedNFTValue: Double
    /// Open debt at `at`, numeraire (positive).
    public var debt: Double
    /// Hedge mark-to-market at `at`, numeraire.
    public var hedgeValue: Double
    /// `d P&L / d F = n·x`, numeraire per unit of floor.
    public var slope: Double
    /// `P&L(0)`: the intercept, numeraire.
    public var pnlAtZeroFloor: Double
    /// P&L since inception at the current floor, numeraire.
    public var pnlAtCurrentFloor: Double { pnlAtZeroFloor + slope * currentFloor.price }
    public var breakEven: BreakEvenFloor
    public var loans: [LoanLiquidationFloor]
    /// Break-even and liquidation floors, highest first: the order a falling floor meets them.
    public var thresholds: [FloorThreshold]
    /// Every price used, once.
    public var prices: [PriceUsed]

    /// The first threshold a falling floor reaches (still above or already crossed).
    public var firstThreshold: FloorThreshold? { thresholds.first }
}

extension LedgerSnapshot {
    /// The floor price of `collection` (default: the one collection of the scope's held NFTs) at
    /// which the scope's P&L since inception is zero at `at`, other prices fixed, and each open
    /// loan's liquidation floor. See ``StackBreakEvenReport``.
    /// - Throws: ``AnalyticsError`` for an unknown scope, several collections without `collection`,
    ///   or a missing price (the hedge must be valuable at `at`).
    public func stackBreakEven(_ scope: ReturnScope, at: Instant, collection: CollectionID? = nil, floorSeries: String? = nil,
                               numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                               market: OptionMarketInputs = .default) throws -> StackBreakEvenReport {
        let (nftIDs, loanIDs, hedgeIDs) = try members(of: scope)
        var held: [NFTID] = []
        for id in nftIDs.sorted() {
            if let h = try holding(of: id, at: at), h.status.isHeld { held.append(id) }
        }
        let collectionID = try breakEvenCollection(collection, held: held, scope: scope)
        let series = try uniqueSeries(kind: .floor, subject: "collection \(collectionID)", named: floorSeries) { $0.collectionID == collectionID }
        guard let floorCurrency = series.quote else { throw AnalyticsError.noSeries(kind: .floor, subject: "a quote currency on '\(series.name)'") }
        var prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        let current = try priceUsed(series, at: at, policy: policy)
        note([current])

        let flows = try scopeFlows(nftIDs, loanIDs, hedgeIDs, from: Instant(unixSeconds: 0), to: at, numeraire: numeraire,
                                   policy: policy, note: note)
        let toNumeraire = try fxRate(from: floorCurrency, to: numeraire.currency, at: at, policy: policy)
        note(toNumeraire.prices)
        var floorCount = 0, fixed = 0.0
        for id in held {
            let valuation = try valuationSeries(for: id)
            if valuation.id == series.id { floorCount += 1; continue }
            let p = try priceUsed(valuation, at: at, policy: policy)
            let c = try convert(Money(exact(p.price), valuation.quote ?? floorCurrency), to: numeraire, at: at, policy: policy)
            note([p] + c.prices)
            fixed += c.converted
        }
        var debt = 0.0
        var loanFloors: [LoanLiquidationFloor] = []
        let floorUSD = try? fxRate(from: floorCurrency, to: .usd, at: at, policy: policy)
        for id in loanIDs.sorted() {
            guard let record = try loan(id), try loanStatus(id, at: at) == .open else { continue }
            let state = try loanState(record, events: loanEvents(of: id), at: at, riskSource: .userFloor(seriesName: series.name),
                                      policy: PricingPolicy(maxAgeSeconds: policy.maxAgeSeconds, onMissingPrice: .flag,
                                                            fxSeriesName: policy.fxSeriesName), shock: .none)
            let c = try convert(Money(state.debt, record.currency), to: numeraire, at: at, policy: policy)
            note(c.prices)
            debt += c.converted
            loanFloors.append(LoanLiquidationFloor(loan: id, lendingProtocol: record.lendingProtocol, priceLiquidation: state.priceLiquidation,
                                                   price: state.risk?.liquidationFloorPrice, priceUSD: state.risk?.liquidationFloorPriceUSD,
                                                   priceProblem: state.priceProblem))
        }
        var hedgeValue = 0.0
        for id in hedgeIDs.sorted() {
            guard let hedge = try hedge(id), hedge.openedAt <= at else { continue }
            let v = try hedgeValuation(id, at: at, market: market)
            let c = try convert(Money(exact(v.valueUSD), .usd), to: numeraire, at: at, policy: policy)
            note(c.prices)
            hedgeValue += c.converted
        }
        let flowsTotal = flows.reduce(0) { $0 + $1.amount.converted }
        let slope = Double(floorCount) * toNumeraire.rate
        let intercept = flowsTotal + fixed - debt + hedgeValue
        let breakEven: BreakEvenFloor
        if slope <= 0 {
            breakEven = .none(reason: "no NFT held at \(at) is valued on '\(series.name)': the P&L does not depend on the floor")
        } else if intercept >= 0 {
            breakEven = .none(reason: "the P&L is ≥ 0 even at a floor of 0")
        } else {
            let price = -intercept / slope
            breakEven = .at(price: price, priceUSD: floorUSD.map { price * $0.rate })
        }
        var thresholds: [FloorThreshold] = []
        func distance(_ p: Double) -> Double { current.price > 0 ? 1 - p / current.price : 0 }
        if let p = breakEven.price { thresholds.append(FloorThreshold(kind: .breakEven, price: p, distance: distance(p))) }
        for l in loanFloors {
            guard case .byRule = l.priceLiquidation, let p = l.price?.doubleValue else { continue }
            thresholds.append(FloorThreshold(kind: .liquidation(l.loan), price: p, distance: distance(p)))
        }
        thresholds.sort { $0.price > $1.price }
        if let usd = floorUSD { note(usd.prices) }
        return StackBreakEvenReport(scope: scope, at: at, numeraire: numeraire, collection: collectionID, floorSeries: series.name,
                                    floorCurrency: floorCurrency, currentFloor: current, floorNFTCount: floorCount,
                                    floorToNumeraire: toNumeraire.rate, floorToUSD: floorUSD?.rate, flows: flows, flowsTotal: flowsTotal,
                                    fixedNFTValue: fixed, debt: debt, hedgeValue: hedgeValue, slope: slope, pnlAtZeroFloor: intercept,
                                    breakEven: breakEven, loans: loanFloors, thresholds: thresholds, prices: prices)
    }

    /// The collection whose floor varies: the one given, else the single collection of the held NFTs.
    private func breakEvenCollection(_ given: CollectionID?, held: [NFTID], scope: ReturnScope) throws -> CollectionID {
        if let given {
            guard try collection(given) != nil else { throw AnalyticsError.unknownEntity(kind: "collection", id: given.description) }
            return given
        }
        var found: [CollectionID] = []
        for id in held {
            if let c = try nft(id)?.collectionID, !found.contains(c) { found.append(c) }
        }
        guard let only = found.first else {
            throw AnalyticsError.invalidArgument(name: "scope", reason: "\(scope) holds no NFT at the instant; name the collection")
        }
        guard found.count == 1 else {
            throw AnalyticsError.invalidArgument(name: "collection", reason: "the scope holds NFTs of collections \(found.map(\.description).joined(separator: ", ")); name one")
        }
        return only
    }
}
