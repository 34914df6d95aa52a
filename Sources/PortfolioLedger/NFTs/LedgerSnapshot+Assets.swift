import LedgerMath
internal import SQLiteDB

/// An NFT's ownership state at an instant (the states of the NFT's holding timeline, docs/import.md).
public struct NFTHolding: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case held, pledged, disposed
        /// Taken by a lender: the loan it backed ended by liquidation or foreclosure.
        case lost

        /// True while the book owns the NFT (held or pledged).
        public var isHeld: Bool { self == .held || self == .pledged }
    }
    public var nft: NFTRecord
    public var collectionName: String
    public var status: Status
    /// The latest acquisition at or before the instant.
    public var acquisition: NFTTrade
    /// The disposal, when status is `disposed`.
    public var disposal: NFTTrade?
    /// The open loan the NFT backs, when status is `pledged`.
    public var pledgedTo: LoanID?
    /// The loan whose liquidation or foreclosure took the NFT, when status is `lost`.
    public var lostTo: LoanID?
}

extension LedgerSnapshot {
    public func collection(_ id: CollectionID) throws -> CollectionRecord? {
        if let known = memo?.collections[id] { return known }
        let record = try db.withStatement("SELECT collection_id, chain, contract_address, collection_name FROM collection WHERE collection_id = ?1 AND recorded_at <= ?2") { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try CollectionRecord(row: s) : nil
        }
        memo?.collections[id] = .some(record)
        return record
    }

    public func collection(chain: String, contractAddress: String) throws -> CollectionRecord? {
        try db.withStatement("""
            SELECT collection_id, chain, contract_address, collection_name FROM collection
            WHERE chain = ?1 AND contract_address = ?2 AND recorded_at <= ?3
            """) { s in
            try s.bind(chain, ContractAddress.canonical(contractAddress), k)
            return try s.step() ? try CollectionRecord(row: s) : nil
        }
    }

    /// All collections, by id.
    public func collections() throws -> [CollectionRecord] {
        var result: [CollectionRecord] = []
        try db.query("SELECT collection_id, chain, contract_address, collection_name FROM collection WHERE recorded_at <= ?1 ORDER BY collection_id", k) {
            result.append(try CollectionRecord(row: $0))
        }
        return result
    }

    public func nft(_ id: NFTID) throws -> NFTRecord? {
        if let known = memo?.nfts[id] { return known }
        let record = try db.withStatement("SELECT nft_id, collection_id, token_id FROM nft WHERE nft_id = ?1 AND recorded_at <= ?2") { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try NFTRecord(row: s) : nil
        }
        memo?.nfts[id] = .some(record)
        return record
    }

    /// The visible trades of an NFT in time order.
    public func trades(of nft: NFTID) throws -> [NFTTrade] {
        var result: [NFTTrade] = []
        try db.query("""
            SELECT t.nft_trade_id, t.nft_id, t.side, t.traded_at, t.currency, t.price, t.fees, t.note, t.recorded_at, t.opening, t.cost_known, t.wallet
            FROM nft_trade t WHERE t.nft_id = ?2 AND \(Self.visible("t", "nft_trade", "nft_trade_id"))
            ORDER BY t.traded_at, t.nft_trade_id
            """, k, nft.rawValue) { result.append(try NFTTrade(row: $0)) }
        return result
    }

    /// The NFT's state at `at`, or `nil` when it was never acquired by then.
    public func holding(of nft: NFTID, at: Instant) throws -> NFTHolding? {
        guard let record = try self.nft(nft), let collection = try collection(record.collectionID) else { return nil }
        let (state, acquisition) = try holdingTimeline(of: nft).state(at: at)
        guard let acquisition else { return nil }
        var holding = NFTHolding(nft: record, collectionName: collection.name, status: .held, acquisition: acquisition)
        switch state {
        case .neverHeld, .held: break
        case .pledged(let loan): holding.status = .pledged; holding.pledgedTo = loan.id
        case .disposed(let trade): holding.status = .disposed; holding.disposal = trade
        case .lost(let loan, _): holding.status = .lost; holding.lostTo = loan.id
        }
        return holding
    }

    /// Every NFT ever acquired by `at`, with its state then (held, pledged or disposed).
    public func nfts(at: Instant) throws -> [NFTHolding] {
        var ids: [NFTID] = []
        try db.query("SELECT nft_id FROM nft WHERE recorded_at <= ?1 ORDER BY nft_id", k) { ids.append(NFTID(try $0.column("nft_id"))) }
        return try ids.compactMap { try holding(of: $0, at: at) }
    }

    /// The open loan that `nft` backs at `at`, if any.
    func openLoan(pledging nft: NFTID, at: Instant) throws -> LoanID? {
        if case .pledged(let loan) = try holdingTimeline(of: nft).state(at: at).state { return loan.id }
        return nil
    }
}

extension CollectionRecord {
    /// Reads a collection from a row of the `collection` SELECTs in ``LedgerSnapshot/collection(_:)``,
    /// ``LedgerSnapshot/collection(chain:contractAddress:)`` and ``LedgerSnapshot/collections()``, by column name.
    init(row s: Statement) throws {
        self.init(id: CollectionID(try s.column("collection_id")), chain: try s.column("chain"),
                  contractAddress: try s.column("contract_address"), name: try s.column("collection_name"))
    }
}

extension NFTRecord {
    /// Reads an NFT from a row of the `nft` SELECT in ``LedgerSnapshot/nft(_:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: NFTID(try s.column("nft_id")), collectionID: CollectionID(try s.column("collection_id")),
                  tokenID: try TokenID(try s.column("token_id", as: String.self)))
    }
}

extension NFTTrade {
    /// Reads a trade from a row of the `nft_trade` SELECT in ``LedgerSnapshot/trades(of:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: NFTTradeID(try s.column("nft_trade_id")), nftID: NFTID(try s.column("nft_id")),
                  side: try StoredValue.enumeration(s, "side", as: TradeSide.self), tradedAt: try StoredValue.instant(s, "traded_at"),
                  price: Money(try StoredValue.decimal(s, "price"), try StoredValue.currency(s, "currency")),
                  fees: try StoredValue.decimal(s, "fees"), note: try s.column("note"), recordedAt: try StoredValue.instant(s, "recorded_at"),
                  isOpening: try s.column("opening", as: Int.self) == 1, isCostKnown: try s.column("cost_known", as: Int.self) == 1,
                  wallet: try s.column("wallet", as: String?.self))
    }
}
