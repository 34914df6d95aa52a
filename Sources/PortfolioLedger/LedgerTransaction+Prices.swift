import LedgerMath
import SQLiteDB

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
    @discardableResult
    public func addObservations<S: Sequence>(_ observations: S, to series: PriceSeriesID,
                                             source: ImportSourceID? = nil) throws -> Int where S.Element == PriceObservation {
        guard let info = try current.series(series) else { throw LedgerError.unknownEntity(kind: "price series", id: series.description) }
        let mustBePositive = info.kind != .rate
        var inserted = 0
        let recorded = recordedAt.unixSeconds
        try db.withStatement("""
            INSERT INTO price_observation (series_id, observed_at, price, recorded_at, source_id) VALUES (?, ?, ?, ?, ?)
            """) { statement in
            for observation in observations {
                try Validate.instant(observation.observedAt, "observed_at")
                try Validate.finite(observation.price, "price")
                if mustBePositive && observation.price <= 0 {
                    throw LedgerError.invalidValue(field: "price", reason: "\(observation.price) at \(observation.observedAt) must be positive for a \(info.kind.rawValue) series")
                }
                try statement.bind(series.rawValue, observation.observedAt.unixSeconds, observation.price, recorded, source?.rawValue)
                _ = try statement.step()
                inserted += db.changes
                statement.reset()
            }
        }
        return inserted
    }

    /// Adds option quotes (bulk). Bid ≤ ask, values finite and non-negative, implied vol a fraction.
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
                try statement.bind(quote.contractID.rawValue, quote.quotedAt.unixSeconds, quote.bid, quote.ask, quote.mark,
                                   quote.impliedVol, quote.underlying, recorded, source?.rawValue)
                _ = try statement.step()
                inserted += db.changes
                statement.reset()
            }
        }
        return inserted
    }
}
