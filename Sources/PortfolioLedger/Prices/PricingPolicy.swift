import LedgerMath

/// How reports pick prices: the accepted age of an observation and what to do when none fits.
///
/// Every lookup is an as-of lookup (the latest observation at or before the instant, never a later
/// one) through ``LedgerSnapshot/price(of:at:maxAgeSeconds:)``, so it honours
/// ``LedgerSnapshot/knownAt``.
public struct PricingPolicy: Sendable, Hashable {
    /// What a report does when a price is missing or stale.
    public enum OnMissingPrice: String, Sendable, Hashable {
        /// Throw ``AnalyticsError/missingPrice(series:at:)`` / ``AnalyticsError/stalePrice(series:at:observedAt:maxAgeSeconds:)``.
        case fail
        /// Produce the report with the affected figures absent and the problem listed (an explicit flag).
        case flag
    }

    /// Oldest accepted observation, in seconds before the instant asked for; `nil` accepts any age.
    public var maxAgeSeconds: Int64?
    public var onMissingPrice: OnMissingPrice
    /// FX series to use by name (e.g. `"ETHUSD"`); `nil`: the single `fx` series with the wanted base/quote.
    public var fxSeriesName: String?

    /// Default: observations up to 3 days old (daily series, weekends), fail on missing prices.
    public init(maxAgeSeconds: Int64? = 3 * 86_400, onMissingPrice: OnMissingPrice = .fail, fxSeriesName: String? = nil) {
        self.maxAgeSeconds = maxAgeSeconds
        self.onMissingPrice = onMissingPrice
        self.fxSeriesName = fxSeriesName
    }

    public static let `default` = PricingPolicy()
}

/// A rate a conversion took by rule rather than from a stored observation: a stablecoin taken as
/// 1 USD because no series quotes it in USD (``LedgerSnapshot/fxRate(from:to:at:policy:)``).
///
/// It travels with the prices a report used (``PriceUsed/assumption``) so that every report that
/// converted the amount says so; it is never an observation.
public struct RateAssumption: Sendable, Hashable, CustomStringConvertible {
    /// The stablecoin taken at its peg (USDC, USDT or DAI).
    public var currency: Currency
    /// The currency it is pegged to (USD).
    public var peggedTo: Currency
    /// The assumed rate: `1 currency = rate peggedTo` (1).
    public var rate: Double

    public init(currency: Currency, peggedTo: Currency, rate: Double = 1) {
        self.currency = currency
        self.peggedTo = peggedTo
        self.rate = rate
    }

    /// `assumptions` in order, each once.
    public static func unique(_ assumptions: [RateAssumption]) -> [RateAssumption] {
        var seen = Set<RateAssumption>()
        return assumptions.filter { seen.insert($0).inserted }
    }

    /// E.g. `USDC taken as 1 USD: no USDC/USD series stored`.
    public var description: String {
        "\(currency.code) taken as \(rate == 1 ? "1" : String(rate)) \(peggedTo.code): no \(currency.code)/\(peggedTo.code) series stored"
    }
}

/// One price a report used: which series (and of which kind), the observation and its age — or,
/// when ``assumption`` is set, a rate assumed by rule with no observation behind it.
public struct PriceUsed: Sendable, Hashable {
    public var series: String
    public var kind: PriceSeriesKind
    /// `1 base = price quote` for fx; the level or price otherwise.
    public var price: Double
    /// When the price was observed; for an assumed rate, the instant it was assumed for (= ``asOf``).
    public var observedAt: Instant
    /// The instant the report asked for.
    public var asOf: Instant
    /// `asOf − observedAt`, seconds (≥ 0).
    public var ageSeconds: Int64 { observedAt.seconds(to: asOf) }
    /// True when the value was inverted from a `quote/base` series.
    public var inverted: Bool
    /// Set when the price is not an observation but a rate taken by rule (a stablecoin's peg with
    /// no series stored); reports print it as a flag, never as an observation.
    public var assumption: RateAssumption?

    public init(series: String, kind: PriceSeriesKind, price: Double, observedAt: Instant, asOf: Instant, inverted: Bool = false,
                assumption: RateAssumption? = nil) {
        self.series = series
        self.kind = kind
        self.price = price
        self.observedAt = observedAt
        self.asOf = asOf
        self.inverted = inverted
        self.assumption = assumption
    }

    /// The assumed peg `currency`/`peggedTo` at `asOf` (inverted when the conversion goes the other way).
    static func assumedPeg(_ assumption: RateAssumption, asOf: Instant, inverted: Bool) -> PriceUsed {
        PriceUsed(series: "\(assumption.currency.code)/\(assumption.peggedTo.code)", kind: .fx, price: assumption.rate,
                  observedAt: asOf, asOf: asOf, inverted: inverted, assumption: assumption)
    }
}

/// An amount converted into another currency, with the rate and the prices used.
public struct Conversion: Sendable, Hashable {
    /// Units of the target currency per unit of the source currency (1 when they are the same).
    public var rate: Double
    /// Empty when no conversion was needed; includes any assumed peg (see ``assumptions``).
    public var prices: [PriceUsed]
    /// The rates taken by rule rather than observed (a stablecoin at 1 USD with no series stored).
    public var assumptions: [RateAssumption] { RateAssumption.unique(prices.compactMap(\.assumption)) }

    /// `self` then `next`: rates multiplied, prices concatenated.
    func then(_ next: Conversion) -> Conversion {
        Conversion(rate: rate * next.rate, prices: prices + next.prices)
    }
}

extension LedgerSnapshot {
    /// The as-of observation of `series` at `at`, checked against the policy's age.
    func priceUsed(_ series: PriceSeries, at: Instant, policy: PricingPolicy) throws -> PriceUsed {
        do {
            let p = try price(of: series, at: at, maxAgeSeconds: policy.maxAgeSeconds)
            return PriceUsed(series: series.name, kind: series.kind, price: p.price, observedAt: p.observedAt, asOf: at)
        } catch let error as LedgerError {
            switch error {
            case let .missingPrice(name, at): throw AnalyticsError.missingPrice(series: name, at: at)
            case let .stalePrice(name, at, observed, maxAge):
                throw AnalyticsError.stalePrice(series: name, at: at, observedAt: observed, maxAgeSeconds: maxAge)
            default: throw error
            }
        }
    }

    /// The one series of `kind` matching `filter`, or the one named `name`.
    func uniqueSeries(kind: PriceSeriesKind, subject: String, named name: String? = nil,
                      where filter: (PriceSeries) -> Bool) throws -> PriceSeries {
        if let name {
            guard let s = try series(named: name), s.kind == kind else { throw AnalyticsError.noSeries(kind: kind, subject: "\(subject) named '\(name)'") }
            return s
        }
        let candidates = try allSeries().filter { $0.kind == kind && filter($0) }
        guard let first = candidates.first else { throw AnalyticsError.noSeries(kind: kind, subject: subject) }
        guard candidates.count == 1 else {
            throw AnalyticsError.ambiguousSeries(kind: kind, subject: subject, candidates: candidates.map(\.name))
        }
        return first
    }

    /// Units of `to` per unit of `from` at `at`, from an `fx` series `from/to`, or inverted from `to/from`.
    ///
    /// ETH and WETH are one unit (1:1, no series). A stablecoin (USDC, USDT, DAI; see
    /// ``TokenDecimals``) always converts through USD: `USDC → ETH` is `USDC → USD` × `USD → ETH`.
    /// Its USD leg is the stored `fx` series with exactly that base and quote (`USDC`/`USD`, or
    /// `USD`/`USDC` inverted), looked up as of `at` under the policy like every other price; with no
    /// such series the stablecoin is taken as 1 USD and the conversion carries a
    /// ``RateAssumption`` in its prices (``Conversion/assumptions``), which reports print as a flag.
    public func fxRate(from: Currency, to: Currency, at: Instant, policy: PricingPolicy = .default) throws -> Conversion {
        if from == to || (TokenDecimals.isEtherLike(from) && TokenDecimals.isEtherLike(to)) {
            return Conversion(rate: 1, prices: [])
        }
        let all = try allSeries().filter { $0.kind == .fx }
        if TokenDecimals.isStablecoin(from) || TokenDecimals.isStablecoin(to) {
            if from == .usd { return try stablecoinLeg(to, inUSD: false, series: all, at: at, policy: policy) }
            if to == .usd { return try stablecoinLeg(from, inUSD: true, series: all, at: at, policy: policy) }
            return try fxRate(from: from, to: .usd, at: at, policy: policy).then(fxRate(from: .usd, to: to, at: at, policy: policy))
        }
        if let name = policy.fxSeriesName, let s = all.first(where: { $0.name == name }) {
            if Self.matches(s, from, to) { return try direct(s, at: at, policy: policy) }
            if Self.matches(s, to, from) { return try inverted(s, at: at, policy: policy) }
        }
        if let s = all.first(where: { Self.matches($0, from, to) }) { return try direct(s, at: at, policy: policy) }
        if let s = all.first(where: { Self.matches($0, to, from) }) { return try inverted(s, at: at, policy: policy) }
        throw AnalyticsError.noFXSeries(from: from, to: to)
    }

    /// `coin → USD` (`inUSD`) or `USD → coin` from the series quoting exactly `coin`/`USD` (or
    /// `USD`/`coin`); with none stored, the peg 1:1 as a ``RateAssumption``.
    private func stablecoinLeg(_ coin: Currency, inUSD: Bool, series all: [PriceSeries], at: Instant,
                               policy: PricingPolicy) throws -> Conversion {
        let (from, to) = inUSD ? (coin, Currency.usd) : (Currency.usd, coin)
        let exact = { (s: PriceSeries, base: Currency, quote: Currency) in s.base.flatMap({ try? Currency($0) }) == base && s.quote == quote }
        if let name = policy.fxSeriesName, let s = all.first(where: { $0.name == name }) {
            if exact(s, from, to) { return try direct(s, at: at, policy: policy) }
            if exact(s, to, from) { return try inverted(s, at: at, policy: policy) }
        }
        if let s = all.first(where: { exact($0, from, to) }) { return try direct(s, at: at, policy: policy) }
        if let s = all.first(where: { exact($0, to, from) }) { return try inverted(s, at: at, policy: policy) }
        let peg = RateAssumption(currency: coin, peggedTo: .usd)
        return Conversion(rate: 1, prices: [.assumedPeg(peg, asOf: at, inverted: !inUSD)])
    }

    private func direct(_ s: PriceSeries, at: Instant, policy: PricingPolicy) throws -> Conversion {
        let p = try priceUsed(s, at: at, policy: policy)
        return Conversion(rate: p.price, prices: [p])
    }

    private func inverted(_ s: PriceSeries, at: Instant, policy: PricingPolicy) throws -> Conversion {
        var p = try priceUsed(s, at: at, policy: policy)
        p.inverted = true
        return Conversion(rate: 1 / p.price, prices: [p])
    }

    /// An fx series quoting `base` in `quote`, treating WETH as ETH (never a stablecoin as USD).
    private static func matches(_ s: PriceSeries, _ base: Currency, _ quote: Currency) -> Bool {
        guard let b = s.base.flatMap({ try? Currency($0) }), let q = s.quote else { return false }
        return TokenDecimals.sameUnit(b, base) && TokenDecimals.sameUnit(q, quote)
    }
}
