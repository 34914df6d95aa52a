// Real market data for `portfolio-ledger demo`, embedded at build time by EmbedDataFilesPlugin as
// `EmbeddedDemoData.files`. Sources, licences and the slicing are in docs/data.md.

/// The longer history `portfolio-ledger replay` and `ledger-bench` run on (docs/data.md): the
/// whole daily CryptoPunks sales summary and ETH/USD, SPX and VIX from 2017-06 to 2021-04.
/// A missing file reads as empty text, which the replay's parser refuses by name.
public enum BundledHistory {
    public static var punksDaily: String { text("history_cryptopunks_daily_punksmarket.csv") }
    public static var ethUSD: String { text("history_eth_usd_daily_coingecko.csv") }
    public static var spx: String { text("history_spx_daily_close_fred.csv") }
    public static var vix: String { text("history_vix_daily_cboe.csv") }

    static func text(_ name: String) -> String { EmbeddedDemoData.files.first { $0.fileName == name }?.text ?? "" }
}
