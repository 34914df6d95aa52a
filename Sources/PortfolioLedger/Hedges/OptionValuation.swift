import LedgerMath

/// Market inputs for valuing index options from stored quotes.
///
/// Underlying level: the quote's own `underlying` when present, else the `index` series named
/// ``underlyingSeries``. After expiry: ``settlementSeries`` (see ``ExpirySettlement``). Rate: the
/// `rate` series named ``rateSeries`` (annual fraction), else
/// ``rate``. Dividend yield: ``dividendYield``. Defaults: no series, `r = 0`, `q = 0` — say so in
/// what you render (every valuation carries the rate and yield it used and where they came from).
public struct OptionMarketInputs: Sendable, Hashable {
    public var underlyingSeries: String?
    /// Series of stored settlement values (SPX SET/SOQ), read on an expiry day for expired contracts
    /// without a booked settlement.
    public var settlementSeries: String?
    public var rateSeries: String?
    public var rate: Double
    public var dividendYield: Double
    /// Oldest accepted quote or index observation, seconds; `nil` accepts any age.
    public var maxQuoteAgeSeconds: Int64?

    public init(underlyingSeries: String? = nil, settlementSeries: String? = nil, rateSeries: String? = nil, rate: Double = 0,
                dividendYield: Double = 0, maxQuoteAgeSeconds: Int64? = 4 * 86_400) {
        self.underlyingSeries = underlyingSeries
        self.settlementSeries = settlementSeries
        self.rateSeries = rateSeries
        self.rate = rate
        self.dividendYield = dividendYield
        self.maxQuoteAgeSeconds = maxQuoteAgeSeconds
    }

    public static let `default` = OptionMarketInputs()
}

/// Where an option's mark came from, in order of preference.
public enum MarkSource: String, Sendable, Hashable {
    /// The stored quote's `mark`.
    case quoteMark = "quote mark"
    /// `(bid + ask) / 2` of the stored quote.
    case mid
    /// Black–Scholes–Merton value from the stored implied vol (or a shocked one in a stress).
    case model
    /// Settled: the booked settlement value's intrinsic value.
    case settled
    /// Past expiry, not settled: intrinsic value at a stored settlement value (SET/SOQ) of the expiry day.
    case expirySettlementValue = "settlement value series"
    /// Past expiry, not settled, PM contract: intrinsic value at the expiry day's close (its settlement value).
    case settlementAtClose = "settlement at the close"
    /// Past expiry, not settled, AM contract without a stored settlement value: the close stands in for it.
    case settlementEstimatedFromClose = "settlement estimated from the close"
    /// Past expiry, not settled, no close stored: the underlying of the contract's last quote stands in for it.
    case settlementEstimatedFromQuote = "settlement estimated from the last quote"

    /// True for the values of an expired contract without a booked settlement (``ExpirySettlement``).
    public var isExpirySettlement: Bool {
        switch self {
        case .expirySettlementValue, .settlementAtClose, .settlementEstimatedFromClose, .settlementEstimatedFromQuote: true
        case .quoteMark, .mid, .model, .settled: false
        }
    }
}

/// Where the underlying level came from.
public enum UnderlyingSource: Sendable, Hashable {
    case quote(quotedAt: Instant)
    case indexSeries(PriceUsed)
    /// A booked settlement.
    case settlement
    /// Expired without a booked settlement: the expiry day's settlement value (``ExpirySettlement``).
    case expiry(ExpirySettlement.Source)
}

/// One option position valued at an instant (per unit in index points; position figures in USD).
public struct OptionLegValuation: Sendable, Equatable {
    public var contract: OptionContract
    /// Signed contracts.
    public var quantity: Int
    public var at: Instant
    public var markSource: MarkSource
    /// Mark per unit, index points.
    public var mark: Double
    /// The quote used (if any) and its age in seconds.
    public var quote: OptionQuote?
    public var quoteAgeSeconds: Int64?
    public var underlying: Double
    public var underlyingSource: UnderlyingSource
    /// Implied vol used for the greeks (stored, or solved from the mark); `nil` when none.
    public var impliedVol: Double?
    public var intrinsic: Double
    /// `mark − intrinsic` (may be negative deep in the money).
    public var extrinsic: Double
    /// Per-unit BSM greeks (theta per year; `OptionGreeks.thetaPerDay` per day); `nil` without a vol or at expiry.
    public var greeks: OptionGreeks?
    /// `quantity × multiplier`.
    public var units: Double { Double(quantity * contract.multiplier) }
    /// Mark-to-market, USD: `quantity × multiplier × mark`.
    public var valueUSD: Double { units * mark }
    /// Time value held, USD.
    public var extrinsicUSD: Double { units * extrinsic }
    /// Position theta, USD per calendar day: `quantity × multiplier × θ_year / 365`.
    public var thetaPerDayUSD: Double { units * (greeks?.thetaPerDay ?? 0) }
}

extension LedgerSnapshot {
    /// Rate and dividend yield for option valuation at `at`, with the rate's source.
    func optionRate(_ market: OptionMarketInputs, at: Instant) throws -> (rate: Double, source: PriceUsed?) {
        guard let name = market.rateSeries else { return (market.rate, nil) }
        guard let series = try series(named: name), series.kind == .rate else { throw AnalyticsError.noSeries(kind: .rate, subject: "'\(name)'") }
        let p = try priceUsed(series, at: at, policy: PricingPolicy(maxAgeSeconds: nil))
        return (p.price, p)
    }

    /// Values `quantity` contracts of `contract` at `at` (see ``MarkSource`` for the order used).
    /// - Throws: ``AnalyticsError/noUnderlying(contract:at:)`` or ``AnalyticsError/noOptionValue(contract:at:)``.
    public func optionValuation(_ contractID: OptionContractID, quantity: Int, at: Instant,
                                market: OptionMarketInputs = .default) throws -> OptionLegValuation {
        let rate = try optionRate(market, at: at).rate
        return try optionValuation(contractID, quantity: quantity, settlement: nil, at: at, market: market, rate: rate, shock: .none)
    }

    func optionValuation(_ contractID: OptionContractID, quantity: Int, settlement: OptionSettlement?, at: Instant,
                         market: OptionMarketInputs, rate: Double, shock: MarketShock) throws -> OptionLegValuation {
        guard let contract = try optionContract(contractID) else { throw AnalyticsError.unknownEntity(kind: "option contract", id: contractID.description) }
        let strike = contract.strike.doubleValue
        if let settlement, settlement.settledAt <= at {
            let s = settlement.settlementValue.doubleValue
            let intrinsic = OptionValue.intrinsic(contract.optionType, underlying: s, strike: strike)
            return OptionLegValuation(contract: contract, quantity: quantity, at: at, markSource: .settled, mark: intrinsic, quote: nil,
                                      quoteAgeSeconds: nil, underlying: s, underlyingSource: .settlement, impliedVol: nil,
                                      intrinsic: intrinsic, extrinsic: 0, greeks: nil)
        }
        if at >= contract.expiresAt {
            // Fixed at expiry: the same value at every later instant, whatever the market does (no shock either).
            let settlement = try expirySettlement(of: contract, at: at, market: market)
            let intrinsic = OptionValue.intrinsic(contract.optionType, underlying: settlement.value, strike: strike)
            return OptionLegValuation(contract: contract, quantity: quantity, at: at, markSource: settlement.markSource, mark: intrinsic,
                                      quote: nil, quoteAgeSeconds: nil, underlying: settlement.value,
                                      underlyingSource: .expiry(settlement.source), impliedVol: nil, intrinsic: intrinsic, extrinsic: 0,
                                      greeks: nil)
        }
        var quote = try latestQuote(of: contractID, at: at)
        if let q = quote, let maxAge = market.maxQuoteAgeSeconds, q.quotedAt.seconds(to: at) > maxAge { quote = nil }
        // Underlying: quote's, else the index series.
        var level: Double
        var source: UnderlyingSource
        if let s = quote?.underlying {
            level = s
            source = .quote(quotedAt: quote?.quotedAt ?? at)
        } else if let name = market.underlyingSeries, let series = try series(named: name) {
            let p = try priceUsed(series, at: at, policy: PricingPolicy(maxAgeSeconds: market.maxQuoteAgeSeconds))
            level = p.price
            source = .indexSeries(p)
        } else {
            throw AnalyticsError.noUnderlying(contract: contractID, at: at)
        }
        let baseLevel = level
        level = shock.spx.apply(to: level)
        let intrinsic = OptionValue.intrinsic(contract.optionType, underlying: level, strike: strike)
        let mid: Double? = if let b = quote?.bid, let a = quote?.ask, a >= b, a > 0 { (a + b) / 2 } else { nil }
        var mark: Double?
        var markSource = MarkSource.model
        if let m = quote?.mark { mark = m; markSource = .quoteMark } else if let m = mid { mark = m; markSource = .mid }
        var vol = quote?.impliedVol
        if vol == nil, let m = mark {
            vol = try? BlackScholes.impliedVolatility(contract.optionType, price: m, spot: baseLevel, strike: strike, rate: rate,
                                                      dividendYield: market.dividendYield, valuation: at, expiry: contract.expiresAt)
        }
        let shocked = shock.spx != .none || shock.impliedVol != .none
        let usedVol = vol.map { max(0, shock.impliedVol.apply(to: $0)) }
        let greeks = try usedVol.map { v in
            try BlackScholes.greeks(contract.optionType, spot: level, strike: strike, volatility: v, rate: rate,
                                    dividendYield: market.dividendYield, valuation: at, expiry: contract.expiresAt)
        }
        if shocked || mark == nil {
            guard let g = greeks else { throw AnalyticsError.noOptionValue(contract: contractID, at: at) }
            mark = g.price
            markSource = .model
        }
        let finalMark = mark ?? 0
        return OptionLegValuation(contract: contract, quantity: quantity, at: at, markSource: markSource, mark: finalMark, quote: quote,
                                  quoteAgeSeconds: quote.map { $0.quotedAt.seconds(to: at) }, underlying: level, underlyingSource: source,
                                  impliedVol: usedVol, intrinsic: intrinsic,
                                  extrinsic: OptionValue.extrinsic(contract.optionType, mark: finalMark, underlying: level, strike: strike),
                                  greeks: greeks)
    }
}
