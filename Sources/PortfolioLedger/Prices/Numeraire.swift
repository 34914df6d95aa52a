import LedgerMath

/// The unit a report converts into: USD or ETH, each amount at its own instant via the stored
/// `fx` series (base ETH, quote USD; inverted for ETH).
public enum Numeraire: String, Sendable, Hashable, CaseIterable {
    case usd = "USD", eth = "ETH"

    public var currency: Currency {
        switch self {
        case .usd: Currency.usd
        case .eth: Currency.eth
        }
    }
}

/// One amount converted into a numeraire at its own instant.
public struct ConvertedAmount: Sendable, Hashable {
    public var at: Instant
    public var amount: Money
    /// `amount × rate`, in the numeraire.
    public var converted: Double
    public var rate: Double
    public var prices: [PriceUsed]
}

extension LedgerSnapshot {
    /// `money` in `numeraire` at `at` (rate 1 when already in it).
    public func convert(_ money: Money, to numeraire: Numeraire, at: Instant, policy: PricingPolicy = .default) throws -> ConvertedAmount {
        let c = try fxRate(from: money.currency, to: numeraire.currency, at: at, policy: policy)
        return ConvertedAmount(at: at, amount: money, converted: money.amount.doubleValue * c.rate, rate: c.rate, prices: c.prices)
    }
}
