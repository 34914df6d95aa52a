import LedgerMath
internal import SQLiteDB

extension LedgerSnapshot {
    // Whole statements as constants: built once, and the statement cache finds them by identity.
    static let seriesByNameSQL = """
        SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol
        FROM price_series WHERE series_name = ?1 AND recorded_at <= ?2
        """
    static let seriesByIDSQL = """
        SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol
        FROM price_series WHERE series_id = ?1 AND recorded_at <= ?2
        """
    static let allSeriesSQL = """
        SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol
        FROM price_series WHERE recorded_at <= ?1 ORDER BY series_name
        """

    public func series(named name: String) throws -> PriceSeries? {
        try db.withStatement(Self.seriesByNameSQL) { s in
            try s.bind(name, k)
            return try s.step() ? try PriceSeries(row: s) : nil
        }
    }

    public func series(_ id: PriceSeriesID) throws -> PriceSeries? {
        try db.withStatement(Self.seriesByIDSQL) { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try PriceSeries(row: s) : nil
        }
    }

    /// Every series, by name.
    public func allSeries() throws -> [PriceSeries] {
        if let known = memo?.allSeries { return known }
        var result: [PriceSeries] = []
        try db.query(Self.allSeriesSQL, k) { result.append(try PriceSeries(row: $0)) }
        memo?.allSeries = result
        return result
    }

    /// The latest observation of `series` at or before `at` — never a later one.
    ///
    /// One index seek on the `(series_id, observed_at)` primary key.
    /// - Parameters:
    ///   - series: the series to read.
    ///   - at: the instant asked for.
    ///   - maxAgeSeconds: refuse an observation older than this (stale data) instead of using it
    ///     silently; `nil` accepts any age.
    /// - Throws: ``LedgerError/missingPrice(series:at:)`` or ``LedgerError/stalePrice(series:at:observedAt:maxAgeSeconds:)``.
    public func price(of series: PriceSeries, at: Instant, maxAgeSeconds: Int64? = nil) throws -> AsOfPrice {
        guard let found = try priceIfAny(of: series.id, at: at) else { throw LedgerError.missingPrice(series: series.name, at: at) }
        let result = AsOfPrice(series: series.name, price: found.price, observedAt: found.observedAt, asOf: at)
        if let maxAgeSeconds, result.ageSeconds > maxAgeSeconds {
            throw LedgerError.stalePrice(series: series.name, at: at, observedAt: found.observedAt, maxAgeSeconds: maxAgeSeconds)
        }
        return result
    }

    /// The latest observation at or before `at`, or `nil` when there is none.
    public func priceIfAny(of series: PriceSeriesID, at: Instant) throws -> PriceObservation? {
        try db.withStatement(Self.asOfSQL) { s in
            try s.bind(series.rawValue, at.unixSeconds, k)
            guard try s.step() else { return nil }
            // Called for every day and series: the positions are found by name once per statement.
            let columns = try s.columns(AsOfColumns.self)
            return PriceObservation(observedAt: Instant(unixSeconds: try s.column(columns.observedAt)), price: try s.column(columns.price))
        }
    }

    /// The columns of ``asOfSQL``, by name.
    private final class AsOfColumns: StatementColumns {
        let observedAt: Int32, price: Int32
        init(resolvingIn s: Statement) throws {
            observedAt = try s.columnIndex("observed_at")
            price = try s.columnIndex("price")
        }
    }

    /// The SQL of ``priceIfAny(of:at:)``: a backwards seek on the primary key (pinned by a test).
    /// Parameters: series id, instant (Unix seconds), `recorded_at` cut-off. Public so that
    /// `ledger-bench` runs the very same query through the raw C API as its baseline.
    public static let asOfSQL = """
        SELECT observed_at, price FROM price_observation
        WHERE series_id = ?1 AND observed_at <= ?2 AND recorded_at <= ?3
        ORDER BY observed_at DESC LIMIT 1
        """

    /// Streams the observations of `series` with `from ≤ observed_at ≤ to` in time order, one at a
    /// time, without loading the range into memory.
    public func observations(of series: PriceSeriesID, from: Instant, to: Instant, _ body: (PriceObservation) throws -> Void) throws {
        try db.withStatement("""
            SELECT observed_at, price FROM price_observation
            WHERE series_id = ?1 AND observed_at BETWEEN ?2 AND ?3 AND recorded_at <= ?4 ORDER BY observed_at
            """) { s in
            try s.bind(series.rawValue, from.unixSeconds, to.unixSeconds, k)
            // A bulk loop: the columns are found by name once, before it.
            let observedAt = try s.columnIndex("observed_at"), price = try s.columnIndex("price")
            while try s.step() {
                try body(PriceObservation(observedAt: Instant(unixSeconds: try s.column(observedAt)), price: try s.column(price)))
            }
        }
    }

    /// Quotes of a contract with `from ≤ quoted_at ≤ to`, in time order.
    public func optionQuotes(of contract: OptionContractID, from: Instant, to: Instant) throws -> [OptionQuote] {
        var result: [OptionQuote] = []
        try db.query("""
            SELECT contract_id, quoted_at, bid, ask, mark, implied_vol, underlying FROM option_quote
            WHERE contract_id = ?1 AND quoted_at BETWEEN ?2 AND ?3 AND recorded_at <= ?4 ORDER BY quoted_at
            """, contract.rawValue, from.unixSeconds, to.unixSeconds, k) { result.append(try OptionQuote(row: $0)) }
        return result
    }

    /// The latest quote of a contract at or before `at`.
    public func latestQuote(of contract: OptionContractID, at: Instant) throws -> OptionQuote? {
        try db.withStatement("""
            SELECT contract_id, quoted_at, bid, ask, mark, implied_vol, underlying FROM option_quote
            WHERE contract_id = ?1 AND quoted_at <= ?2 AND recorded_at <= ?3 ORDER BY quoted_at DESC LIMIT 1
            """) { s in
            try s.bind(contract.rawValue, at.unixSeconds, k)
            return try s.step() ? try OptionQuote(row: s) : nil
        }
    }
}

extension PriceSeries {
    /// Reads a series from a row of ``LedgerSnapshot/seriesByNameSQL``, ``LedgerSnapshot/seriesByIDSQL``
    /// or ``LedgerSnapshot/allSeriesSQL``, by column name.
    init(row s: Statement) throws {
        self.init(id: PriceSeriesID(try s.column("series_id")), name: try s.column("series_name"),
                  kind: try StoredValue.enumeration(s, "series_kind", as: PriceSeriesKind.self),
                  base: try s.column("base"), quote: try s.isNull("quote") ? nil : StoredValue.currency(s, "quote"),
                  collectionID: try s.column("collection_id", as: Int64?.self).map(CollectionID.init),
                  nftID: try s.column("nft_id", as: Int64?.self).map(NFTID.init),
                  lendingProtocol: try s.isNull("protocol") ? nil : StoredValue.enumeration(s, "protocol", as: LendingProtocol.self))
    }
}

extension OptionQuote {
    /// Reads a quote from a row of the `option_quote` SELECTs in ``LedgerSnapshot/optionQuotes(of:from:to:)``
    /// and ``LedgerSnapshot/latestQuote(of:at:)``, by column name.
    init(row s: Statement) throws {
        self.init(contractID: OptionContractID(try s.column("contract_id")), quotedAt: Instant(unixSeconds: try s.column("quoted_at")),
                  bid: try s.column("bid"), ask: try s.column("ask"), mark: try s.column("mark"), impliedVol: try s.column("implied_vol"),
                  underlying: try s.column("underlying"))
    }
}
