import LedgerMath

/// An iron condor's fixed metrics from its opening trades (DESIGN §4 "Iron condor"), USD; its own
/// document in `report hedge`/`report hedges` (`condor`; docs/decisions.md, DOCUMENTS-4).
public struct CondorMetrics: Codable, Sendable, Hashable {
    /// Credit (short body) or debit (reverse) condor.
    public var kind: IronCondor.Kind
    /// Net credit received (negative: a net debit paid).
    public var netCredit: ExactDecimal
    /// Maximum profit at expiry.
    public var maxProfit: ExactDecimal
    /// Maximum loss at expiry.
    public var maxLoss: ExactDecimal
    /// Index levels where the P&L at expiry is 0.
    public var breakEvens: [ExactDecimal]

    enum CodingKeys: String, CodingKey {
        case kind, netCredit = "net_credit", maxProfit = "max_profit", maxLoss = "max_loss", breakEvens = "break_evens"
    }
}

/// A hedge at an instant: every leg valued, totals in USD, and its booked premium cash.
public struct HedgeValuation: Sendable, Equatable {
    public var hedge: HedgeRecord
    public var at: Instant
    public var legs: [OptionLegValuation]
    public var rate: Double
    /// The `rate` observation used, or `nil` when ``rate`` is the parameter.
    public var rateSource: PriceUsed?
    public var dividendYield: Double
    /// Σ leg MTM, USD (settled legs count 0: their cash is in ``settlementCashUSD``).
    public var valueUSD: Double
    public var extrinsicUSD: Double
    public var thetaPerDayUSD: Double
    /// Σ signed greeks × quantity × multiplier (price in USD, theta per year).
    public var positionGreeks: OptionGreeks
    /// Premium received − paid up to `at`, USD (exact).
    public var netPremiumUSD: ExactDecimal
    public var feesUSD: ExactDecimal
    public var settlementCashUSD: ExactDecimal
    /// `value + net premium − fees + settlements`: the hedge's P&L so far, USD.
    public var pnlUSD: Double { valueUSD + netPremiumUSD.doubleValue - feesUSD.doubleValue + settlementCashUSD.doubleValue }
    public var condor: CondorMetrics?
}

extension LedgerSnapshot {
    /// Values `hedge` at `at`: open legs from stored quotes (mark, else mid, else model from the
    /// stored implied vol), settled legs at their settlement; condor metrics from the opening trades.
    public func hedgeValuation(_ hedge: HedgeID, at: Instant, market: OptionMarketInputs = .default) throws -> HedgeValuation {
        try hedgeValuation(hedge, at: at, market: market, shock: .none)
    }

    func hedgeValuation(_ hedgeID: HedgeID, at: Instant, market: OptionMarketInputs, shock: MarketShock) throws -> HedgeValuation {
        guard let hedge = try hedge(hedgeID) else { throw AnalyticsError.unknownEntity(kind: "hedge", id: hedgeID.description) }
        let (rate, rateSource) = try optionRate(market, at: at)
        var legs: [OptionLegValuation] = []
        for position in try positions(of: hedgeID, at: at) {
            legs.append(try optionValuation(position.contract.id, quantity: position.quantity, settlement: position.settlement, at: at,
                                            market: market, rate: rate, shock: shock))
        }
        var premium = ExactDecimal.zero, fees = ExactDecimal.zero, settled = ExactDecimal.zero
        let trades = try optionTrades(of: hedgeID)
        for t in trades where t.tradedAt <= at {
            premium += t.quantity < 0 ? t.premium : -t.premium
            fees += t.fees
        }
        for s in try optionSettlements(of: hedgeID) where s.settledAt <= at { settled += s.cashAmount }
        let open = legs.filter { $0.markSource != .settled }
        let greeks = open.reduce(OptionGreeks.zero) { acc, leg in acc + (leg.greeks ?? .zero).scaled(by: leg.units) }
        return HedgeValuation(hedge: hedge, at: at, legs: legs, rate: rate, rateSource: rateSource, dividendYield: market.dividendYield,
                              valueUSD: open.reduce(0) { $0 + $1.valueUSD }, extrinsicUSD: open.reduce(0) { $0 + $1.extrinsicUSD },
                              thetaPerDayUSD: open.reduce(0) { $0 + $1.thetaPerDayUSD }, positionGreeks: greeks,
                              netPremiumUSD: premium, feesUSD: fees, settlementCashUSD: settled,
                              condor: try condorMetrics(hedge, trades: trades))
    }

    /// The condor formed by the first trade in each of the hedge's four contracts, if they form one.
    func condorMetrics(_ hedge: HedgeRecord, trades: [OptionTrade]) throws -> CondorMetrics? {
        guard hedge.strategy == .ironCondor else { return nil }
        // The opening trades do not change within a read snapshot: a daily series values the
        // same hedge on every day, so its metrics are computed once.
        if let known = memo?.condorMetrics[hedge.id] { return known }
        let metrics = try openingCondorMetrics(trades)
        memo?.condorMetrics[hedge.id] = .some(metrics)
        return metrics
    }

    private func openingCondorMetrics(_ trades: [OptionTrade]) throws -> CondorMetrics? {
        var seen: [OptionContractID: OptionTrade] = [:]
        for t in trades where seen[t.contractID] == nil { seen[t.contractID] = t }
        var legs: [OptionLeg] = []
        var multiplier = 100
        for (id, t) in seen {
            guard let c = try optionContract(id) else { continue }
            multiplier = c.multiplier
            legs.append(OptionLeg(c.optionType, strike: c.strike, quantity: t.quantity, premium: t.price, expiry: c.expiresAt))
        }
        guard let condor = try? IronCondor(legs: legs, multiplier: multiplier) else { return nil }
        return CondorMetrics(kind: condor.kind, netCredit: condor.netCredit, maxProfit: condor.maxProfit, maxLoss: condor.maxLoss,
                             breakEvens: condor.breakEvens)
    }
}
