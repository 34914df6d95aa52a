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
            return try s.step() ? try Self.series(s) : nil
        }
    }

    public func series(_ id: PriceSeriesID) throws -> PriceSeries? {
        try db.withStatement(Self.seriesByIDSQL) { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try Self.series(s) : nil
        }
    }

    /// Every series, by name.
    public func allSeries() throws -> [PriceSeries] {
        if let known = memo?.allSeries { return known }
        var result: [PriceSeries] = []
        try db.query(Self.allSeriesSQL, k) { result.append(try Self.series($0)) }
        memo?.allSeries = result
        return result
    }

    static func series(_ s: Statement) throws -> PriceSeries {
        PriceSeries(id: PriceSeriesID(try s.column(0)), name: try s.column(1), kind: try StoredValue.enumeration(s, 2, as: PriceSeriesKind.self),
                    base: try s.column(3), quote: try s.isNull(4) ? nil : StoredValue.currency(s, 4),
                    collectionID: try s.column(5, as: Int64?.self).map(CollectionID.init), nftID: try s.column(6, as: Int64?.self).map(NFTID.init),
                    lendingProtocol: try s.isNull(7) ? nil : StoredValue.enumeration(s, 7, as: LendingProtocol.self))
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
            return PriceObservation(observedAt: Instant(unixSeconds: try s.column(0)), price: try s.column(1))
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
        try db.query("""
            SELECT observed_at, price FROM price_observation
            WHERE series_id = ?1 AND observed_at BETWEEN ?2 AND ?3 AND recorded_at <= ?4 ORDER BY observed_at
            """, series.rawValue, from.unixSeconds, to.unixSeconds, k) { s in
            try body(PriceObservation(observedAt: Instant(unixSeconds: try s.column(0)), price: try s.column(1)))
        }
    }

    /// Quotes of a contract with `from ≤ quoted_at ≤ to`, in time order.
    public func optionQuotes(of contract: OptionContractID, from: Instant, to: Instant) throws -> [OptionQuote] {
        var result: [OptionQuote] = []
        try db.query("""
            SELECT contract_id, quoted_at, bid, ask, mark, implied_vol, underlying FROM option_quote
            WHERE contract_id = ?1 AND quoted_at BETWEEN ?2 AND ?3 AND recorded_at <= ?4 ORDER BY quoted_at
            """, contract.rawValue, from.unixSeconds, to.unixSeconds, k) { result.append(try Self.quote($0)) }
        return result
    }

    /// The latest quote of a contract at or before `at`.
    public func latestQuote(of contract: OptionContractID, at: Instant) throws -> OptionQuote? {
        try db.withStatement("""
            SELECT contract_id, quoted_at, bid, ask, mark, implied_vol, underlying FROM option_quote
            WHERE contract_id = ?1 AND quoted_at <= ?2 AND recorded_at <= ?3 ORDER BY quoted_at DESC LIMIT 1
            """) { s in
            try s.bind(contract.rawValue, at.unixSeconds, k)
            return try s.step() ? try Self.quote(s) : nil
        }
    }

    static func quote(_ s: Statement) throws -> OptionQuote {
        OptionQuote(contractID: OptionContractID(try s.column(0)), quotedAt: Instant(unixSeconds: try s.column(1)), bid: try s.column(2),
                    ask: try s.column(3), mark: try s.column(4), impliedVol: try s.column(5), underlying: try s.column(6))
    }
}
