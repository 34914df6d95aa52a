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
        try db.withStatement("SELECT collection_id, chain, contract_address, collection_name FROM collection WHERE collection_id = ?1 AND recorded_at <= ?2") { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try Self.collection(s) : nil
        }
    }

    public func collection(chain: String, contractAddress: String) throws -> CollectionRecord? {
        try db.withStatement("""
            SELECT collection_id, chain, contract_address, collection_name FROM collection
            WHERE chain = ?1 AND contract_address = ?2 AND recorded_at <= ?3
            """) { s in
            try s.bind(chain, ContractAddress.canonical(contractAddress), k)
            return try s.step() ? try Self.collection(s) : nil
        }
    }

    /// All collections, by id.
    public func collections() throws -> [CollectionRecord] {
        var result: [CollectionRecord] = []
        try db.query("SELECT collection_id, chain, contract_address, collection_name FROM collection WHERE recorded_at <= ?1 ORDER BY collection_id", k) {
            result.append(try Self.collection($0))
        }
        return result
    }

    static func collection(_ s: Statement) throws -> CollectionRecord {
        CollectionRecord(id: CollectionID(try s.column(0)), chain: try s.column(1), contractAddress: try s.column(2), name: try s.column(3))
    }

    public func nft(_ id: NFTID) throws -> NFTRecord? {
        try db.withStatement("SELECT nft_id, collection_id, token_id FROM nft WHERE nft_id = ?1 AND recorded_at <= ?2") { s in
            try s.bind(id.rawValue, k)
            return try s.step() ? try Self.nft(s) : nil
        }
    }

    static func nft(_ s: Statement) throws -> NFTRecord {
        NFTRecord(id: NFTID(try s.column(0)), collectionID: CollectionID(try s.column(1)), tokenID: try TokenID(try s.column(2, as: String.self)))
    }

    /// The visible trades of an NFT in time order.
    public func trades(of nft: NFTID) throws -> [NFTTrade] {
        var result: [NFTTrade] = []
        try db.query("""
            SELECT t.nft_trade_id, t.nft_id, t.side, t.traded_at, t.currency, t.price, t.fees, t.note, t.recorded_at, t.opening, t.cost_known, t.wallet
            FROM nft_trade t WHERE t.nft_id = ?2 AND \(Self.visible("t", "nft_trade", "nft_trade_id"))
            ORDER BY t.traded_at, t.nft_trade_id
            """, k, nft.rawValue) { result.append(try Self.trade($0)) }
        return result
    }

    static func trade(_ s: Statement) throws -> NFTTrade {
        NFTTrade(id: NFTTradeID(try s.column(0)), nftID: NFTID(try s.column(1)), side: try StoredValue.enumeration(s, 2, as: TradeSide.self),
                 tradedAt: try StoredValue.instant(s, 3),
                 price: Money(try StoredValue.decimal(s, 5, "price"), try StoredValue.currency(s, 4)),
                 fees: try StoredValue.decimal(s, 6, "fees"), note: try s.column(7), recordedAt: try StoredValue.instant(s, 8),
                 isOpening: try s.column(9, as: Int.self) == 1, isCostKnown: try s.column(10, as: Int.self) == 1,
                 wallet: try s.column(11, as: String?.self))
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
        try db.query("SELECT nft_id FROM nft WHERE recorded_at <= ?1 ORDER BY nft_id", k) { ids.append(NFTID(try $0.column(0))) }
        return try ids.compactMap { try holding(of: $0, at: at) }
    }

    /// The open loan that `nft` backs at `at`, if any.
    func openLoan(pledging nft: NFTID, at: Instant) throws -> LoanID? {
        if case .pledged(let loan) = try holdingTimeline(of: nft).state(at: at).state { return loan.id }
        return nil
    }
}
