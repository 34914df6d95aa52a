import LedgerMath

/// Greeks in JSON (per unit for a leg, summed for a position).
public struct GreeksDocument: Codable, Sendable, Equatable {
    /// Delta.
    public var delta: Double?
    /// Gamma.
    public var gamma: Double?
    /// Vega.
    public var vega: Double?
    /// Theta per calendar day.
    public var thetaPerDay: Double?
    /// Rho.
    public var rho: Double?

    enum CodingKeys: String, CodingKey {
        case delta, gamma, vega, thetaPerDay = "theta_per_day", rho
    }

    /// The document of `greeks`.
    public init(_ g: OptionGreeks) {
        delta = g.delta.finiteOrNil
        gamma = g.gamma.finiteOrNil
        vega = g.vega.finiteOrNil
        thetaPerDay = g.thetaPerDay.finiteOrNil
        rho = g.rho.finiteOrNil
    }
}

/// One option leg at mark.
public struct OptionLegDocument: Codable, Sendable, Equatable {
    /// The contract id.
    public var contractID: Int64
    /// The option root (`SPX`, …).
    public var root: String
    /// `call` or `put`.
    public var optionType: String
    /// The strike.
    public var strike: ExactDecimal
    /// Expiry.
    public var expiresAt: Instant
    /// Signed quantity.
    public var quantity: Int
    /// The mark per unit.
    public var mark: Double?
    /// Where the mark came from.
    public var markSource: String
    /// Age of the quote used, if any.
    public var quoteAgeSeconds: Int64?
    /// The underlying level.
    public var underlying: Double?
    /// Implied volatility.
    public var impliedVol: Double?
    /// Intrinsic value per unit.
    public var intrinsic: Double?
    /// Extrinsic (time) value per unit.
    public var extrinsic: Double?
    /// Delta per unit.
    public var delta: Double?
    /// Gamma per unit.
    public var gamma: Double?
    /// Vega per unit.
    public var vega: Double?
    /// Theta per day per unit.
    public var thetaPerDay: Double?
    /// Rho per unit.
    public var rho: Double?
    /// The leg's value in USD.
    public var valueUSD: Double?
    /// The leg's theta per day in USD.
    public var thetaPerDayUSD: Double?

    enum CodingKeys: String, CodingKey {
        case contractID = "contract_id", root, optionType = "option_type", strike, expiresAt = "expires_at", quantity, mark
        case markSource = "mark_source", quoteAgeSeconds = "quote_age_seconds", underlying, impliedVol = "implied_vol"
        case intrinsic, extrinsic, delta, gamma, vega, thetaPerDay = "theta_per_day", rho, valueUSD = "value_usd"
        case thetaPerDayUSD = "theta_per_day_usd"
    }

    /// The document of `leg`.
    public init(_ l: OptionLegValuation) {
        contractID = l.contract.id.rawValue
        root = l.contract.root.rawValue
        optionType = l.contract.optionType.rawValue
        strike = l.contract.strike
        expiresAt = l.contract.expiresAt
        quantity = l.quantity
        mark = l.mark.finiteOrNil
        markSource = l.markSource.rawValue
        quoteAgeSeconds = l.quoteAgeSeconds
        underlying = l.underlying.finiteOrNil
        impliedVol = l.impliedVol.finiteOrNil
        intrinsic = l.intrinsic.finiteOrNil
        extrinsic = l.extrinsic.finiteOrNil
        delta = l.greeks?.delta.finiteOrNil
        gamma = l.greeks?.gamma.finiteOrNil
        vega = l.greeks?.vega.finiteOrNil
        thetaPerDay = l.greeks?.thetaPerDay.finiteOrNil
        rho = l.greeks?.rho.finiteOrNil
        valueUSD = l.valueUSD.finiteOrNil
        thetaPerDayUSD = l.thetaPerDayUSD.finiteOrNil
    }
}

/// One hedge at mark.
public struct HedgeValuationDocument: Codable, Sendable, Equatable {
    /// The hedge id.
    public var hedgeID: Int64
    /// The hedge name.
    public var name: String
    /// The instant valued.
    public var at: Instant
    /// The risk-free rate used.
    public var rate: Double?
    /// The dividend yield used.
    public var dividendYield: Double?
    /// Value at mark in USD.
    public var valueUSD: Double?
    /// Time value in USD.
    public var extrinsicUSD: Double?
    /// Theta per day in USD.
    public var thetaPerDayUSD: Double?
    /// Net premium received (positive) or paid, USD.
    public var netPremiumUSD: ExactDecimal
    /// Fees paid, USD.
    public var feesUSD: ExactDecimal
    /// Cash from settlements, USD.
    public var settlementCashUSD: ExactDecimal
    /// Profit and loss, USD.
    public var pnlUSD: Double?
    /// The position's greeks.
    public var positionGreeks: GreeksDocument
    /// Condor metrics when the hedge is an iron condor.
    public var condor: CondorMetrics?
    /// The legs.
    public var legs: [OptionLegDocument]

    enum CodingKeys: String, CodingKey {
        case hedgeID = "hedge_id", name, at, rate, dividendYield = "dividend_yield", valueUSD = "value_usd"
        case extrinsicUSD = "extrinsic_usd", thetaPerDayUSD = "theta_per_day_usd", netPremiumUSD = "net_premium_usd"
        case feesUSD = "fees_usd", settlementCashUSD = "settlement_cash_usd", pnlUSD = "pnl_usd"
        case positionGreeks = "position_greeks", condor, legs
    }

    /// The document of `valuation`.
    public init(_ v: HedgeValuation) {
        hedgeID = v.hedge.id.rawValue
        name = v.hedge.name
        at = v.at
        rate = v.rate.finiteOrNil
        dividendYield = v.dividendYield.finiteOrNil
        valueUSD = v.valueUSD.finiteOrNil
        extrinsicUSD = v.extrinsicUSD.finiteOrNil
        thetaPerDayUSD = v.thetaPerDayUSD.finiteOrNil
        netPremiumUSD = v.netPremiumUSD
        feesUSD = v.feesUSD
        settlementCashUSD = v.settlementCashUSD
        pnlUSD = v.pnlUSD.finiteOrNil
        positionGreeks = GreeksDocument(v.positionGreeks)
        condor = v.condor
        legs = v.legs.map(OptionLegDocument.init)
    }
}

/// `report hedges`: every hedge at mark.
public struct HedgesDocument: ReportDocument {
    /// Always `hedges`.
    public var report = "hedges"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// Each hedge at mark.
    public var hedges: [HedgeValuationDocument]

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, hedges
    }

    /// The document of `valuations` at `at`, as known at `knownAt` when given.
    public init(_ valuations: [HedgeValuation], at: Instant, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        self.at = at
        hedges = valuations.map(HedgeValuationDocument.init)
    }
}

/// One point of a hedge's theta series: model theta against realized time-value decay.
public struct ThetaDecayPointDocument: Codable, Sendable, Equatable {
    /// The instant.
    public var at: Instant
    /// Time value in USD.
    public var extrinsicUSD: Double?
    /// Model theta per day in USD.
    public var modelThetaPerDayUSD: Double?
    /// Model decay since the previous point, USD.
    public var modelDecayUSD: Double?
    /// Realized decay since the previous point, USD.
    public var realizedDecayUSD: Double?
    /// Cumulative model decay, USD.
    public var cumulativeModelUSD: Double?
    /// Cumulative realized decay, USD.
    public var cumulativeRealizedUSD: Double?
    /// Where the marks came from.
    public var markSources: [String]

    enum CodingKeys: String, CodingKey {
        case at, extrinsicUSD = "extrinsic_usd", modelThetaPerDayUSD = "model_theta_per_day_usd", modelDecayUSD = "model_decay_usd"
        case realizedDecayUSD = "realized_decay_usd", cumulativeModelUSD = "cumulative_model_usd"
        case cumulativeRealizedUSD = "cumulative_realized_usd", markSources = "mark_sources"
    }

    /// The document of `point`.
    public init(_ p: ThetaDecayPoint) {
        at = p.at
        extrinsicUSD = p.extrinsicUSD.finiteOrNil
        modelThetaPerDayUSD = p.modelThetaPerDayUSD.finiteOrNil
        modelDecayUSD = p.modelDecayUSD.finiteOrNil
        realizedDecayUSD = p.realizedDecayUSD.finiteOrNil
        cumulativeModelUSD = p.cumulativeModelUSD.finiteOrNil
        cumulativeRealizedUSD = p.cumulativeRealizedUSD.finiteOrNil
        markSources = p.markSources.map(\.rawValue)
    }
}

/// An instant left out of a series, and why.
public struct SkippedInstantDocument: Codable, Sendable, Equatable {
    /// The instant.
    public var at: Instant
    /// Why it was left out.
    public var reason: String

    /// `at`, left out for `reason`.
    public init(at: Instant, reason: String) {
        self.at = at
        self.reason = reason
    }
}

/// `report hedge ID`: one hedge at mark (its members inline) and its theta decay series.
public struct HedgeDocument: ReportDocument {
    /// Always `hedge`.
    public var report = "hedge"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The hedge at mark; its members are written inline, after `as_known_at`.
    public var valuation: HedgeValuationDocument
    /// The theta series.
    public var thetaDecay: [ThetaDecayPointDocument]
    /// Instants left out of the theta series.
    public var thetaDecaySkipped: [SkippedInstantDocument]

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", thetaDecay = "theta_decay", thetaDecaySkipped = "theta_decay_skipped"
    }

    /// The document of `valuation` and its theta `decay`, as known at `knownAt` when given.
    public init(_ valuation: HedgeValuation, decay: ThetaDecayReport, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        self.valuation = HedgeValuationDocument(valuation)
        thetaDecay = decay.points.map(ThetaDecayPointDocument.init)
        thetaDecaySkipped = decay.skipped.map { SkippedInstantDocument(at: $0.at, reason: $0.reason) }
    }

    /// Reads the flat object: `report`, `as_known_at`, the valuation's members, the theta series.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        report = try c.decode(String.self, forKey: .report)
        asKnownAt = try c.decodeIfPresent(Instant.self, forKey: .asKnownAt)
        valuation = try HedgeValuationDocument(from: decoder)
        thetaDecay = try c.decode([ThetaDecayPointDocument].self, forKey: .thetaDecay)
        thetaDecaySkipped = try c.decode([SkippedInstantDocument].self, forKey: .thetaDecaySkipped)
    }

    /// Writes the flat object: `report`, `as_known_at`, the valuation's members, the theta series.
    public func encode(to encoder: any Encoder) throws {
        var head = encoder.container(keyedBy: CodingKeys.self)
        try head.encode(report, forKey: .report)
        try head.encodeIfPresent(asKnownAt, forKey: .asKnownAt)
        try valuation.encode(to: encoder)
        var tail = encoder.container(keyedBy: CodingKeys.self)
        try tail.encode(thetaDecay, forKey: .thetaDecay)
        try tail.encode(thetaDecaySkipped, forKey: .thetaDecaySkipped)
    }
}
