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

/// One price a report used: which series (and of which kind), the observation and its age.
public struct PriceUsed: Sendable, Hashable {
    public var series: String
    public var kind: PriceSeriesKind
    /// `1 base = price quote` for fx; the level or price otherwise.
    public var price: Double
    public var observedAt: Instant
    /// The instant the report asked for.
    public var asOf: Instant
    /// `asOf − observedAt`, seconds (≥ 0).
    public var ageSeconds: Int64 { observedAt.seconds(to: asOf) }
    /// True when the value was inverted from a `quote/base` series.
    public var inverted: Bool

    public init(series: String, kind: PriceSeriesKind, price: Double, observedAt: Instant, asOf: Instant, inverted: Bool = false) {
        self.series = series
        self.kind = kind
        self.price = price
        self.observedAt = observedAt
        self.asOf = asOf
        self.inverted = inverted
    }
}

/// An amount converted into another currency, with the rate and the prices used.
public struct Conversion: Sendable, Hashable {
    /// Units of the target currency per unit of the source currency (1 when they are the same).
    public var rate: Double
    /// Empty when no conversion was needed.
    public var prices: [PriceUsed]
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
    public func fxRate(from: Currency, to: Currency, at: Instant, policy: PricingPolicy = .default) throws -> Conversion {
        if from == to || (TokenDecimals.isEtherLike(from) && TokenDecimals.isEtherLike(to)) || (TokenDecimals.isDollarLike(from) && TokenDecimals.isDollarLike(to)) {
            return Conversion(rate: 1, prices: [])
        }
        let all = try allSeries().filter { $0.kind == .fx }
        if let name = policy.fxSeriesName, let s = all.first(where: { $0.name == name }) {
            if Self.matches(s, from, to) { return Conversion(rate: try priceUsed(s, at: at, policy: policy).price, prices: [try priceUsed(s, at: at, policy: policy)]) }
            if Self.matches(s, to, from) {
                var p = try priceUsed(s, at: at, policy: policy)
                p.inverted = true
                return Conversion(rate: 1 / p.price, prices: [p])
            }
        }
        if let direct = all.first(where: { Self.matches($0, from, to) }) {
            let p = try priceUsed(direct, at: at, policy: policy)
            return Conversion(rate: p.price, prices: [p])
        }
        if let inverse = all.first(where: { Self.matches($0, to, from) }) {
            var p = try priceUsed(inverse, at: at, policy: policy)
            p.inverted = true
            return Conversion(rate: 1 / p.price, prices: [p])
        }
        throw AnalyticsError.noFXSeries(from: from, to: to)
    }

    /// An fx series quoting `base` in `quote`, treating WETH as ETH and USDC/USDT/DAI as USD.
    private static func matches(_ s: PriceSeries, _ base: Currency, _ quote: Currency) -> Bool {
        guard let b = s.base.flatMap({ try? Currency($0) }), let q = s.quote else { return false }
        return TokenDecimals.sameUnit(b, base) && TokenDecimals.sameUnit(q, quote)
    }
}
