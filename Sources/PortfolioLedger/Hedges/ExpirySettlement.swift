import LedgerMath

/// The settlement value of an option that expired without a booked settlement, and where it came
/// from (DESIGN §4: AM contracts settle at the special opening quotation, PM at the close).
///
/// Looked up once for the expiry day and never later, so the option's value and P&L are the same
/// at every instant after expiry and need no price after it:
/// 1. the stored settlement-value series (``OptionMarketInputs/settlementSeries``, e.g. SPX SET),
///    its observation on the expiry day (UTC);
/// 2. the underlying's close: the latest observation of ``OptionMarketInputs/underlyingSeries`` on
///    the expiry day — the settlement value itself for PM contracts, an estimate for AM ones;
/// 3. the underlying carried by the contract's last quote at or before the end of the expiry day
///    (an estimate, labelled so).
/// Observations are taken at or before `min(at, end of the expiry day)`: never a future one.
public struct ExpirySettlement: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A stored settlement value (SET/SOQ for AM contracts).
        case settlementSeries(PriceUsed)
        /// The expiry day's close of the underlying series (PM: the settlement value; AM: an estimate).
        case close(PriceUsed, estimated: Bool)
        /// The underlying of the last quote on or before the expiry day (an estimate).
        case lastQuote(quotedAt: Instant)
    }

    /// Settlement value, index points.
    public var value: Double
    public var source: Source

    /// How a report labels the value.
    public var markSource: MarkSource {
        switch source {
        case .settlementSeries: .expirySettlementValue
        case .close(_, let estimated): estimated ? .settlementEstimatedFromClose : .settlementAtClose
        case .lastQuote: .settlementEstimatedFromQuote
        }
    }
}

extension LedgerSnapshot {
    /// The settlement value of `contract`, expired at or before `at` and not settled (see ``ExpirySettlement``).
    /// - Throws: ``AnalyticsError/noUnderlying(contract:at:)`` when none of the three sources has a value.
    func expirySettlement(of contract: OptionContract, at: Instant, market: OptionMarketInputs) throws -> ExpirySettlement {
        let dayStart = Instant(unixSeconds: contract.expiresAt.unixSeconds - contract.expiresAt.unixSeconds % Instant.secondsPerDay)
        let asOf = min(at, dayStart.adding(seconds: Instant.secondsPerDay - 1))
        let sameDay = PricingPolicy(maxAgeSeconds: dayStart.seconds(to: asOf))
        func onExpiryDay(_ name: String?) throws -> PriceUsed? {
            guard let name, let series = try series(named: name) else { return nil }
            do { return try priceUsed(series, at: asOf, policy: sameDay) } catch AnalyticsError.missingPrice, AnalyticsError.stalePrice { return nil }
        }
        if let set = try onExpiryDay(market.settlementSeries) {
            return ExpirySettlement(value: set.price, source: .settlementSeries(set))
        }
        if let close = try onExpiryDay(market.underlyingSeries) {
            return ExpirySettlement(value: close.price, source: .close(close, estimated: contract.root.settlementStyle == .am))
        }
        if let quote = try latestQuote(of: contract.id, at: asOf), let level = quote.underlying,
           market.maxQuoteAgeSeconds.map({ quote.quotedAt.seconds(to: contract.expiresAt) <= $0 }) ?? true {
            return ExpirySettlement(value: level, source: .lastQuote(quotedAt: quote.quotedAt))
        }
        throw AnalyticsError.noUnderlying(contract: contract.id, at: at)
    }
}
