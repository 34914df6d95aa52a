import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Adds a price series, or returns the existing series of that name when it is identical.
    public func addPriceSeries(name: String, kind: PriceSeriesKind, base: String? = nil, quote: Currency? = nil,
                               collection: CollectionID? = nil, nft: NFTID? = nil,
                               lendingProtocol: LendingProtocol? = nil) throws -> PriceSeriesID {
        try Validate.text(name, "series name", maxLength: 200)
        if let base { try Validate.text(base, "base", maxLength: 64) }
        switch kind {
        case .floor, .oracle:
            guard collection != nil, quote != nil else {
                throw LedgerError.invalidValue(field: "series \(name)", reason: "a \(kind.rawValue) series needs a collection and a quote currency")
            }
            if kind == .oracle && lendingProtocol == nil {
                throw LedgerError.invalidValue(field: "series \(name)", reason: "an oracle series needs the protocol whose oracle it is")
            }
        case .appraisal:
            guard nft != nil, quote != nil else { throw LedgerError.invalidValue(field: "series \(name)", reason: "an appraisal needs an NFT and a quote currency") }
        case .fx:
            guard base != nil, quote != nil else { throw LedgerError.invalidValue(field: "series \(name)", reason: "an fx series needs base and quote") }
        case .index, .rate:
            break
        }
        if let collection, try current.collection(collection) == nil { throw LedgerError.unknownEntity(kind: "collection", id: collection.description) }
        if let nft, try current.nft(nft) == nil { throw LedgerError.unknownEntity(kind: "nft", id: nft.description) }
        let wanted = PriceSeries(id: PriceSeriesID(0), name: name, kind: kind, base: base, quote: quote, collectionID: collection,
                                 nftID: nft, lendingProtocol: lendingProtocol)
        if var existing = try current.series(named: name) {
            let id = existing.id
            existing.id = wanted.id
            guard existing == wanted else { throw LedgerError.conflict("price series '\(name)' already exists with other attributes") }
            return id
        }
        return PriceSeriesID(try insert("""
            INSERT INTO price_series (series_name, series_kind, base, quote, collection_id, nft_id, protocol, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, name, kind.rawValue, base, quote?.code, collection?.rawValue, nft?.rawValue, lendingProtocol?.rawValue,
            recordedAt.unixSeconds))
    }

    /// Adds observations to a series in this transaction (the bulk path: one prepared statement).
    ///
    /// Prices must be finite and — except for `rate` series — positive. Re-adding an identical
    /// observation is skipped; a different price for an instant already recorded is a conflict.
    /// - Returns: the number of observations actually inserted.
    @inlinable @discardableResult
    public func addObservations<S: Sequence>(_ observations: S, to series: PriceSeriesID,
                                             source: ImportSourceID? = nil) throws -> Int where S.Element == PriceObservation {
        // Inlinable so that the loop over `observations` is specialized for the caller's sequence
        // type; across the module boundary an unspecialized iterator cost about 2,500
        // instructions per row (callgrind), more than binding the row. The per-row work itself
        // stays in the library, in `ObservationInserter`.
        try withObservationInserter(series: series, source: source) { inserter in
            for observation in observations { try inserter.insert(observation) }
        }
    }

    /// Runs `body` with an inserter for `series` on the cached INSERT statement; returns the rows
    /// it inserted.
    @usableFromInline
    func withObservationInserter(series: PriceSeriesID, source: ImportSourceID?,
                                 _ body: (inout ObservationInserter) throws -> Void) throws -> Int {
        guard let info = try current.series(series) else { throw LedgerError.unknownEntity(kind: "price series", id: series.description) }
        return try db.withStatement("""
            INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) VALUES (?, ?, ?, ?, ?)
            """) { statement in
            var inserter = ObservationInserter(db: db, statement: statement, series: info, source: source?.rawValue,
                                               recordedAt: recordedAt.unixSeconds)
            try body(&inserter)
            return inserter.inserted
        }
    }

    /// Adds option quotes (bulk). Bid ≤ ask, values finite and non-negative, implied vol a fraction.
    /// A two-sided quote without a mark stores its mid as the mark (``OptionQuote/storedMark``).
    /// Identical re-adds are skipped; a different quote for the same contract and instant is a conflict.
    @discardableResult
    public func addOptionQuotes<S: Sequence>(_ quotes: S, source: ImportSourceID? = nil) throws -> Int where S.Element == OptionQuote {
        var inserted = 0
        var knownContracts: Set<OptionContractID> = []
        let recorded = recordedAt.unixSeconds
        try db.withStatement("""
            INSERT INTO option_quote (contract_id, quoted_at, bid, ask, mark, implied_vol, underlying, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { statement in
            for quote in quotes {
                if !knownContracts.contains(quote.contractID) {
                    guard try current.optionContract(quote.contractID) != nil else {
                        throw LedgerError.unknownEntity(kind: "option contract", id: quote.contractID.description)
                    }
                    knownContracts.insert(quote.contractID)
                }
                try Validate.instant(quote.quotedAt, "quoted_at")
                for (field, value) in [("bid", quote.bid), ("ask", quote.ask), ("mark", quote.mark), ("underlying", quote.underlying)] {
                    if let value { try Validate.finite(value, field); if value < 0 { throw LedgerError.invalidValue(field: field, reason: "\(value) is negative") } }
                }
                if let vol = quote.impliedVol {
                    guard vol.isFinite, (0...100).contains(vol) else {
                        throw LedgerError.invalidValue(field: "implied_vol", reason: "\(vol) is not a volatility fraction (0.2 = 20 %)")
                    }
                }
                if let bid = quote.bid, let ask = quote.ask, bid > ask {
                    throw LedgerError.invalidValue(field: "bid", reason: "bid \(bid) is above ask \(ask)")
                }
                guard quote.bid != nil || quote.ask != nil || quote.mark != nil || quote.impliedVol != nil else {
                    throw LedgerError.invalidValue(field: "quote", reason: "a quote needs a bid, ask, mark or implied vol")
                }
                try statement.bind(quote.contractID.rawValue, quote.quotedAt.unixSeconds, quote.bid, quote.ask, quote.storedMark,
                                   quote.impliedVol, quote.underlying, recorded, source?.rawValue)
                _ = try statement.step()
                inserted += db.changes
                statement.reset(clearingBindings: false)   // every parameter is bound again next row
            }
        }
        return inserted
    }
}

/// Validates and inserts the observations of one series, one row at a time, through a prepared
/// statement (see ``LedgerTransaction/addObservations(_:to:source:)``).
@usableFromInline
struct ObservationInserter {
    let db: Connection
    let statement: Statement
    let series: PriceSeries
    let source: Int64?
    let recordedAt: Int64
    /// Rows actually inserted (an identical re-add is skipped by the schema's trigger).
    @usableFromInline private(set) var inserted = 0

    init(db: Connection, statement: Statement, series: PriceSeries, source: Int64?, recordedAt: Int64) {
        self.db = db
        self.statement = statement
        self.series = series
        self.source = source
        self.recordedAt = recordedAt
    }

    @usableFromInline
    mutating func insert(_ observation: PriceObservation) throws {
        try Validate.instant(observation.observedAt, "observed_at")
        try Validate.finite(observation.price, "price")
        if series.kind != .rate && observation.price <= 0 {
            throw LedgerError.invalidValue(field: "price", reason: "\(observation.price) at \(observation.observedAt) must be positive for a \(series.kind.rawValue) series")
        }
        try statement.bind(series.id.rawValue, observation.observedAt.unixSeconds, observation.price, recordedAt, source)
        _ = try statement.step()
        inserted += db.changes
        // Every parameter is bound again for the next row, so clearing the bindings is wasted work.
        statement.reset(clearingBindings: false)
    }
}
