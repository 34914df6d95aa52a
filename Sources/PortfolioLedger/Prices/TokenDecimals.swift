import LedgerMath

/// The number of decimals of each loan token, which the interest models need to work in the
/// token's smallest unit as the contracts do.
///
/// | currency | decimals | converted as |
/// |---|---|---|
/// | ETH, WETH | 18 | ETH (WETH 1:1, no series) |
/// | USDC, USDT | 6 | a stablecoin: via USD (below) |
/// | DAI | 18 | a stablecoin: via USD (below) |
/// | USD | 2 | USD (fiat, cents) |
///
/// A stablecoin converts through USD: its USD rate is the stored `fx` series quoting exactly that
/// coin in USD (base `USDC` quote `USD`, or the inverse), as of the instant under the report's
/// ``PricingPolicy``; with no such series it is taken as 1 USD and flagged
/// (``RateAssumption``, listed with the prices every report used). See
/// ``LedgerSnapshot/fxRate(from:to:at:policy:)``. A currency not in the table makes loan analytics
/// throw ``AnalyticsError/unknownTokenDecimals(_:)`` rather than guess.
public enum TokenDecimals {
    static let table: [String: Int] = ["ETH": 18, "WETH": 18, "USDC": 6, "USDT": 6, "DAI": 18, "USD": 2]

    /// Decimals of `currency`.
    public static func decimals(of currency: Currency) throws(AnalyticsError) -> Int {
        guard let d = table[currency.code] else { throw .unknownTokenDecimals(currency) }
        return d
    }

    static func isEtherLike(_ c: Currency) -> Bool { c.code == "ETH" || c.code == "WETH" }
    /// USD or a USD stablecoin: the side of an ETH/USD conversion a stress shock applies to.
    static func isDollarLike(_ c: Currency) -> Bool { c == .usd || isStablecoin(c) }
    /// A USD stablecoin, converted through USD (its own series, else 1:1 flagged).
    static func isStablecoin(_ c: Currency) -> Bool { ["USDC", "USDT", "DAI"].contains(c.code) }
    /// One unit for fx series matching: the same currency, or ETH and WETH. Stablecoins are never
    /// the same unit as USD (they convert through their own series or a flagged peg).
    static func sameUnit(_ a: Currency, _ b: Currency) -> Bool {
        a == b || (isEtherLike(a) && isEtherLike(b))
    }
}
