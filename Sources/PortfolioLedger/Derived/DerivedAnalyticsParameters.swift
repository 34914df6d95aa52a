import LedgerMath

/// The parameters a refresh of the derived analytics computes with (stored with the rows, so a
/// reader knows the rate, dividend yield and price-age limit behind every figure).
///
/// Prices are looked up as of each day's last second (`23:59:59Z`); a missing or stale price
/// never fails the refresh: the figure is left empty and the row says why (`price_problem`,
/// `problem`, `problems`), as ``PricingPolicy/OnMissingPrice/flag`` does in the reports.
public struct DerivedAnalyticsParameters: Sendable, Hashable {
    /// Oldest accepted NFT, FX and index observation, seconds (`nil`: any age).
    public var maxPriceAgeSeconds: Int64?
    /// Option inputs: underlying, settlement and rate series, rate, dividend yield, quote age.
    public var market: OptionMarketInputs

    /// - Parameters:
    ///   - maxPriceAgeSeconds: oldest accepted observation (default 3 days, as `PricingPolicy.default`).
    ///   - market: option inputs (default `OptionMarketInputs.default`: no series, `r = 0`, `q = 0`).
    public init(maxPriceAgeSeconds: Int64? = 3 * 86_400, market: OptionMarketInputs = .default) {
        self.maxPriceAgeSeconds = maxPriceAgeSeconds
        self.market = market
    }

    /// The pricing policy of every lookup: the age limit, flagging instead of failing.
    var policy: PricingPolicy { PricingPolicy(maxAgeSeconds: maxPriceAgeSeconds, onMissingPrice: .flag) }
}

/// How a refresh went.
public struct DerivedRefreshReport: Sendable, Hashable {
    /// What the refresh did.
    public enum Mode: String, Sendable, Hashable {
        /// Every derived row recomputed (first refresh, other parameters, or the book changed
        /// before the last refreshed day).
        case full
        /// The book only grew after the last refreshed day: only the later days were computed.
        case incremental
        /// Nothing was booked since the last refresh with these parameters: nothing rewritten.
        case unchanged
    }
    /// Full, incremental or unchanged.
    public var mode: Mode
    /// The book version (``LedgerSnapshot/bookVersion()``) the rows were computed from.
    public var bookVersion: Int64
    /// First day covered, its first second (`nil` when the book has nothing to value yet).
    public var fromDay: Instant?
    /// Last day covered, its first second.
    public var throughDay: Instant?
    /// Rows written to `derived_loan_day`.
    public var loanDays = 0
    /// Rows written to `derived_hedge_leg_day`.
    public var hedgeLegDays = 0
    /// Rows written to `derived_portfolio_day`.
    public var portfolioDays = 0
    /// Rows written to `derived_return_layer`.
    public var returnLayers = 0
    /// Why the returns were not written, when the full-stack return could not be computed.
    public var returnsProblem: String?
    /// Seconds spent computing the rows (one read snapshot), wall time.
    public var computeSeconds = 0.0
    /// Seconds spent writing them (one write transaction), wall time: what `ledger-bench`
    /// compares with a plain C insert loop.
    public var writeSeconds = 0.0
    /// Total rows written.
    public var rowsWritten: Int { loanDays + hedgeLegDays + portfolioDays + returnLayers }
}

/// Whether the derived rows describe the book as it is now (the view `v_derived_status`).
public struct DerivedAnalyticsStatus: Sendable, Hashable {
    /// `never refreshed`, `current` or `stale`.
    public var status: String
    /// True unless the rows were computed from the current book.
    public var isStale: Bool
    /// The book version now (`v_book_version`).
    public var currentBookVersion: Int64
    /// The book version of the last refresh (`nil` before the first).
    public var refreshedBookVersion: Int64?
    /// Last day covered by the last refresh, `YYYY-MM-DD`.
    public var throughDay: String?
    /// When the last refresh wrote, ISO 8601.
    public var refreshedAt: String?
}
