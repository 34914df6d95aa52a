import LedgerMath

/// The number of decimals of each loan token, which the interest models need to work in the
/// token's smallest unit as the contracts do.
///
/// | currency | decimals | treated as |
/// |---|---|---|
/// | ETH, WETH | 18 | ETH |
/// | USDC, USDT | 6 | USD |
/// | DAI | 18 | USD |
/// | USD | 2 | USD (fiat, cents) |
///
/// Converting WETH to ETH or USDC to USD is taken 1:1 (no de-peg modelling); a currency not in the
/// table makes loan analytics throw ``AnalyticsError/unknownTokenDecimals(_:)`` rather than guess.
public enum TokenDecimals {
    static let table: [String: Int] = ["ETH": 18, "WETH": 18, "USDC": 6, "USDT": 6, "DAI": 18, "USD": 2]

    /// Decimals of `currency`.
    public static func decimals(of currency: Currency) throws(AnalyticsError) -> Int {
        guard let d = table[currency.code] else { throw .unknownTokenDecimals(currency) }
        return d
    }

    static func isEtherLike(_ c: Currency) -> Bool { c.code == "ETH" || c.code == "WETH" }
    static func isDollarLike(_ c: Currency) -> Bool { ["USD", "USDC", "USDT", "DAI"].contains(c.code) }
    static func sameUnit(_ a: Currency, _ b: Currency) -> Bool {
        a == b || (isEtherLike(a) && isEtherLike(b)) || (isDollarLike(a) && isDollarLike(b))
    }
}
