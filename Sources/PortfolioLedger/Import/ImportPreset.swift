/// Ready-made mappings for the real exports in `data/real/` (see `docs/import.md`).
public struct ImportPreset: Sendable, Hashable {
    /// The name given to `--preset`.
    public let name: String
    /// The kind of import it maps.
    public let kind: CSVImportKind
    /// The file it was made for, and what it books.
    public let summary: String
    /// Column mapping, constants and time of day of dates.
    public let options: CSVImportOptions

    init(name: String, kind: CSVImportKind, summary: String, columns: [String: String], constants: [String: String] = [:],
         dateOnlyTime: DateOnlyTime = .midnightUTC) {
        self.name = name
        self.kind = kind
        self.summary = summary
        options = CSVImportOptions(columns: columns, constants: constants, dateOnlyTime: dateOnlyTime, preset: name)
    }

    /// The CryptoPunksMarket contract on Ethereum.
    static let cryptoPunks = ["chain": "ethereum", "contract_address": "0xb47e3cd837ddf8e4c57f05d70ab865de6e193bbb",
                              "collection_name": "CryptoPunks"]

    /// `market/eth_usd_daily_coingecko.csv`: CoinGecko's daily snapshot at 00:00 UTC (an instant
    /// in `snapshot_utc`, so no time of day is needed) → fx series `ETH/USD`.
    public static let ethUSDCoinGecko = ImportPreset(
        name: "eth-usd-coingecko", kind: .prices, summary: "market/eth_usd_daily_coingecko.csv → fx series ETH/USD (snapshot_utc, price_usd)",
        columns: ["observed_at": "snapshot_utc", "price": "price_usd"],
        constants: ["series": "ETH/USD", "kind": "fx", "base": "ETH", "quote": "USD"])

    /// `market/spx_daily_close_fred.csv`: FRED's SP500 close, known at the 16:00 New York close.
    public static let spxCloseFRED = ImportPreset(
        name: "spx-close-fred", kind: .prices, summary: "market/spx_daily_close_fred.csv → index series SPX at 16:00 New York (date, close_index_points)",
        columns: ["observed_at": "date", "price": "close_index_points"], constants: ["series": "SPX", "kind": "index"],
        dateOnlyTime: DateOnlyTime(uncheckedSeconds: 16 * 3600, timeZone: "America/New_York"))

    /// `market/vix_daily_cboe.csv`: the VIX close (percent points), fixed at 16:15 New York.
    public static let vixCloseCBOE = ImportPreset(
        name: "vix-close-cboe", kind: .prices, summary: "market/vix_daily_cboe.csv → index series VIX at 16:15 New York (date, close_vol_pct)",
        columns: ["observed_at": "date", "price": "close_vol_pct"], constants: ["series": "VIX", "kind": "index"],
        dateOnlyTime: DateOnlyTime(uncheckedSeconds: 16 * 3600 + 15 * 60, timeZone: "America/New_York"))

    /// `nft/cryptopunks_daily_punksmarket.csv`: the median sale of each UTC day as a floor proxy,
    /// known at the end of that day (23:59:59 UTC).
    public static let cryptoPunksFloorMedian = ImportPreset(
        name: "cryptopunks-floor-median", kind: .prices,
        summary: "nft/cryptopunks_daily_punksmarket.csv → floor series 'CryptoPunks floor (median sale)' in ETH at 23:59:59 UTC",
        columns: ["observed_at": "date", "price": "median_price_eth"],
        constants: ["series": "CryptoPunks floor (median sale)", "kind": "floor", "quote": "ETH"].merging(cryptoPunks) { a, _ in a },
        dateOnlyTime: DateOnlyTime(uncheckedSeconds: 86_399, timeZone: "UTC"))

    /// As ``cryptoPunksFloorMedian`` with the day's cheapest sale (noisy: some "sales" are a few wei).
    public static let cryptoPunksFloorMin = ImportPreset(
        name: "cryptopunks-floor-min", kind: .prices,
        summary: "nft/cryptopunks_daily_punksmarket.csv → floor series 'CryptoPunks floor (min sale)' in ETH at 23:59:59 UTC",
        columns: ["observed_at": "date", "price": "min_price_eth"],
        constants: ["series": "CryptoPunks floor (min sale)", "kind": "floor", "quote": "ETH"].merging(cryptoPunks) { a, _ in a },
        dateOnlyTime: DateOnlyTime(uncheckedSeconds: 86_399, timeZone: "UTC"))

    /// `options/spx_option_chain_snapshots.csv`: Cboe end-of-session chains. C/P → call/put,
    /// expiry dates get SPX 09:30 / SPXW 16:00 New York, quotes are stamped at the session's
    /// 16:00 New York close, mark = mid when bid and ask are both > 0.
    public static let spxOptionsCBOE = ImportPreset(
        name: "spx-options-cboe", kind: .quotes,
        summary: "options/spx_option_chain_snapshots.csv → SPX/SPXW contracts and quotes at the 16:00 New York close of session_date",
        columns: ["root": "root", "option_type": "option_type", "strike": "strike_pts", "expires_at": "expiration_date",
                  "quoted_at": "session_date", "bid": "bid_pts", "ask": "ask_pts", "implied_vol": "implied_volatility_decimal",
                  "underlying": "underlying_last_pts"],
        dateOnlyTime: DateOnlyTime(uncheckedSeconds: 16 * 3600, timeZone: "America/New_York"))

    /// `loans/nft_loans_active_snapshot_nftfi_api.csv`: running Gondi, Arcade and NFTfi loans from
    /// NFTfi's data API → collections, NFTs as opening positions of unknown cost, and loans
    /// (Gondi pro-rata from the APR; NFTfi and Arcade a fixed repayment of the maximum repayment).
    public static let nftfiAPILoans = ImportPreset(
        name: "nftfi-api-loans", kind: .loanSnapshot,
        summary: "loans/nft_loans_active_snapshot_nftfi_api.csv → collections, NFTs (opening positions, cost unknown) and running loans",
        columns: ["external_ref": "loan_id", "collection_name": "nft_collection_name", "contract_address": "nft_contract_address",
                  "token_id": "nft_token_id", "principal": "principal_amount_currency_units",
                  "maximum_repayment": "maximum_repayment_amount_currency_units", "started_at": "start_time_utc", "maturity_at": "due_time_utc"],
        constants: ["chain": "ethereum"])

    /// `nft/cryptopunks_sales_punksmarket.csv`: every CryptoPunksMarket sale; with the user's
    /// wallets (`--wallet`), their buys and sells (from = seller, to = buyer; price in wei, exact).
    public static let cryptoPunksSales = ImportPreset(
        name: "cryptopunks-sales", kind: .sales,
        summary: "nft/cryptopunks_sales_punksmarket.csv → the --wallet addresses' CryptoPunks buys and sells (price_wei exact, in ETH)",
        columns: ["traded_at": "timestamp_utc", "token_id": "punk_id", "seller": "from_address", "buyer": "to_address"],
        constants: ["currency": "ETH"].merging(cryptoPunks) { a, _ in a })

    /// Every preset.
    public static let all: [ImportPreset] = [ethUSDCoinGecko, spxCloseFRED, vixCloseCBOE, cryptoPunksFloorMedian, cryptoPunksFloorMin, spxOptionsCBOE,
                                             nftfiAPILoans, cryptoPunksSales]

    /// The preset called `name`.
    public static func named(_ name: String) -> ImportPreset? { all.first { $0.name == name } }
}
