import BigInt
import LedgerMath

/// Which prices value a loan's collateral for risk.
public enum RiskPriceSource: Sendable, Hashable, CustomStringConvertible {
    /// The user's own valuation: the `floor` series of each collateral NFT's collection (or the
    /// series named here).
    case userFloor(seriesName: String?)
    /// What the protocol itself used: the `oracle` series of the collection for the loan's protocol
    /// (e.g. BendDAO's 6 h TWAP, which lags the market), or the series named here.
    case protocolOracle(seriesName: String?)

    /// The user's floor series, found by collection.
    public static let floor = RiskPriceSource.userFloor(seriesName: nil)
    /// The protocol's oracle series, found by collection and protocol.
    public static let oracle = RiskPriceSource.protocolOracle(seriesName: nil)

    public var description: String {
        switch self {
        case .userFloor(let name): "user floor" + (name.map { " '\($0)'" } ?? "")
        case .protocolOracle(let name): "protocol oracle" + (name.map { " '\($0)'" } ?? "")
        }
    }

    var kind: PriceSeriesKind {
        switch self {
        case .userFloor: .floor
        case .protocolOracle: .oracle
        }
    }

    var seriesName: String? {
        switch self {
        case .userFloor(let name), .protocolOracle(let name): name
        }
    }
}

/// The value of a set of NFTs in one currency at an instant, with every price used.
public struct CollateralValuation: Sendable, Hashable {
    /// One NFT's price (in its series' quote currency) and the series it came from.
    public struct Item: Sendable, Hashable {
        public var nft: NFTID
        public var price: PriceUsed
        public var priceCurrency: Currency
    }
    public var source: RiskPriceSource
    public var items: [Item]
    /// Σ price × fx, in ``currency``, exact from the prices' shortest decimal text.
    public var value: ExactDecimal
    public var currency: Currency
    /// FX used to bring each price into ``currency`` (empty when none was needed).
    public var fx: [PriceUsed]
    /// The prices' own currency (of the first item), in which the liquidation floor is quoted.
    public var priceCurrency: Currency? { items.first?.priceCurrency }
    /// Every price used: the NFT prices, then FX.
    public var pricesUsed: [PriceUsed] { items.map(\.price) + fx }
}

/// A `Double` observation as an exact decimal: its shortest round-trip text when that is a plain
/// decimal, else its binary value rounded to 18 places.
func exact(_ value: Double) -> ExactDecimal {
    let text = String(value)
    if let d = shortDecimal(text) ?? ExactDecimal(text) { return d }
    return (try? ExactDecimal(value, scale: 18, mode: .halfEven)) ?? .zero
}

/// `text` (`-12.345`, no exponent, at most 18 digits) as an exact decimal without going through
/// arbitrary-precision text parsing: a market price is made exact at every valuation instant, and
/// parsing its text into a `BigInt` was the largest cost of valuing 1,000 NFTs (docs/performance.md).
/// `nil` for anything else (the general parser handles it, with the same result).
private func shortDecimal(_ text: String) -> ExactDecimal? {
    var significand: Int64 = 0, digits = 0, scale = 0, seenPoint = false, negative = false
    for (offset, byte) in text.utf8.enumerated() {
        switch byte {
        case UInt8(ascii: "-") where offset == 0: negative = true
        case UInt8(ascii: "."):
            guard !seenPoint else { return nil }
            seenPoint = true
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            digits += 1
            guard digits <= 18 else { return nil }
            significand = significand * 10 + Int64(byte - UInt8(ascii: "0"))
            if seenPoint { scale += 1 }
        default: return nil
        }
    }
    guard digits > 0 else { return nil }
    return ExactDecimal(significand: BigInt(negative ? -significand : significand), scale: scale)
}

extension LedgerSnapshot {
    /// The series that prices `nft` for `source` (and `lendingProtocol` for oracles).
    func riskSeries(for nft: NFTID, source: RiskPriceSource, lendingProtocol: LendingProtocol?) throws -> PriceSeries {
        guard let record = try self.nft(nft) else { throw AnalyticsError.unknownEntity(kind: "nft", id: nft.description) }
        let collection = record.collectionID
        switch source {
        case .userFloor(let name):
            return try uniqueSeries(kind: .floor, subject: "collection \(collection)", named: name) { $0.collectionID == collection }
        case .protocolOracle(let name):
            return try uniqueSeries(kind: .oracle, subject: "collection \(collection) on \(lendingProtocol?.rawValue ?? "any protocol")",
                                    named: name) { $0.collectionID == collection && (lendingProtocol == nil || $0.lendingProtocol == lendingProtocol) }
        }
    }

    /// Values `nfts` in `currency` at `at` from `source` (one series per collection; FX at `at`).
    /// `priceShock` multiplies every NFT price (stress scenarios; 1 = none); `fxOverride` replaces fx lookups.
    public func collateralValue(of nfts: [NFTID], in currency: Currency, at: Instant, source: RiskPriceSource,
                                lendingProtocol: LendingProtocol? = nil, policy: PricingPolicy = .default) throws -> CollateralValuation {
        try collateralValue(of: nfts, in: currency, at: at, source: source, lendingProtocol: lendingProtocol, policy: policy, shock: .none)
    }

    func collateralValue(of nfts: [NFTID], in currency: Currency, at: Instant, source: RiskPriceSource,
                         lendingProtocol: LendingProtocol?, policy: PricingPolicy, shock: MarketShock) throws -> CollateralValuation {
        var items: [CollateralValuation.Item] = []
        var fxUsed: [PriceUsed] = []
        var total = ExactDecimal.zero
        for nft in nfts {
            let series = try riskSeries(for: nft, source: source, lendingProtocol: lendingProtocol)
            guard let quote = series.quote else { throw AnalyticsError.noSeries(kind: series.kind, subject: "a quote currency on '\(series.name)'") }
            var used = try priceUsed(series, at: at, policy: policy)
            used.price = shock.floor.apply(to: used.price)
            let fx = try shock.convert(self, from: quote, to: currency, at: at, policy: policy)
            for p in fx.prices where !fxUsed.contains(p) { fxUsed.append(p) }
            total += exact(used.price) * exact(fx.rate)
            items.append(.init(nft: nft, price: used, priceCurrency: quote))
        }
        return CollateralValuation(source: source, items: items, value: total, currency: currency, fx: fxUsed)
    }
}
