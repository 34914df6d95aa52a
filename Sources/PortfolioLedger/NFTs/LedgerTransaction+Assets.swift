import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Records where the rows of an import came from. When `contentHash` was seen before for the
    /// same kind, returns that earlier source and `isNew == false` (the caller can skip the file).
    public func addImportSource(kind: ImportSource.Kind, name: String, contentHash: String?) throws -> (id: ImportSourceID, isNew: Bool) {
        try Validate.text(name, "source name", maxLength: 4096)
        if let contentHash, let existing = try db.scalarIfAny(
            "SELECT source_id FROM import_source WHERE source_kind = ? AND content_hash = ?", kind.rawValue, contentHash, as: Int64.self) {
            return (ImportSourceID(existing), false)
        }
        let id = try insert("INSERT INTO import_source (source_kind, source_name, content_hash, imported_at) VALUES (?, ?, ?, ?)",
                            kind.rawValue, name, contentHash, recordedAt.unixSeconds)
        return (ImportSourceID(id), true)
    }

    /// Adds a collection, or returns the existing one with the same chain and contract address.
    /// - Throws: ``LedgerError/conflict(_:)`` when that collection exists under another name.
    /// An EVM address (`0x` + 40 hex digits) is stored in lowercase (one canonical form, compared case-insensitively).
    public func addCollection(chain: String, contractAddress given: String, name: String, source: ImportSourceID? = nil) throws -> CollectionID {
        let contractAddress = ContractAddress.canonical(given)
        try Validate.text(chain, "chain", maxLength: 32)
        guard chain.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }) else {
            throw LedgerError.invalidValue(field: "chain", reason: "'\(chain)' must be lowercase a-z, 0-9 and '-' (e.g. ethereum)")
        }
        try Validate.text(contractAddress, "contract_address", maxLength: 128)
        try Validate.text(name, "collection name", maxLength: 200)
        if let existing = try current.collection(chain: chain, contractAddress: contractAddress) {
            guard existing.name == name else {
                throw LedgerError.conflict("collection \(chain):\(contractAddress) is already recorded as '\(existing.name)', not '\(name)'")
            }
            return existing.id
        }
        return CollectionID(try insert(
            "INSERT INTO collection (chain, contract_address, collection_name, recorded_at, source_id) VALUES (?, ?, ?, ?, ?)",
            chain, contractAddress, name, recordedAt.unixSeconds, source?.rawValue))
    }

    /// Adds a token of a collection, or returns the existing one.
    public func addNFT(collection: CollectionID, tokenID: TokenID, source: ImportSourceID? = nil) throws -> NFTID {
        guard try current.collection(collection) != nil else { throw LedgerError.unknownEntity(kind: "collection", id: collection.description) }
        if let existing = try db.scalarIfAny("SELECT nft_id FROM nft WHERE collection_id = ? AND token_id = ?",
                                             collection.rawValue, tokenID.text, as: Int64.self) {
            return NFTID(existing)
        }
        return NFTID(try insert("INSERT INTO nft (collection_id, token_id, recorded_at, source_id) VALUES (?, ?, ?, ?)",
                                collection.rawValue, tokenID.text, recordedAt.unixSeconds, source?.rawValue))
    }

    /// Books an acquisition or disposal of an NFT.
    ///
    /// The NFT's holding timeline must stay valid: an acquisition needs it not held at `tradedAt`;
    /// a disposal needs it held and not backing an open loan then, and no later entry of the NFT may
    /// be broken by this one (a sale dated before a later sale).
    /// - Parameters:
    ///   - nft: the token traded.
    ///   - side: acquisition or disposal.
    ///   - tradedAt: when the trade happened (not when it is booked).
    ///   - price: what was paid or received, in the trade's currency.
    ///   - fees: marketplace and royalty fees in the same currency, on top of `price`.
    ///   - note: free text kept with the entry.
    ///   - wallet: the user's wallet that made the trade (optional; see ``LedgerSnapshot/wallet(of:at:)``).
    ///   - source: the import that booked it, if any.
    public func recordNFTTrade(nft: NFTID, side: TradeSide, tradedAt: Instant, price: Money, fees: ExactDecimal = .zero,
                               note: String? = nil, wallet: String? = nil, source: ImportSourceID? = nil) throws -> NFTTradeID {
        let wallet = wallet.map(ContractAddress.canonical)
        if let wallet { try Validate.text(wallet, "wallet", maxLength: 128) }
        try Validate.instant(tradedAt, "traded_at")
        try Validate.nonNegative(price.amount, "price")
        try Validate.nonNegative(fees, "fees")
        try Validate.optionalNote(note)
        guard try current.nft(nft) != nil else { throw LedgerError.unknownEntity(kind: "nft", id: nft.description) }
        let id = NFTTradeID(try insert("""
            INSERT INTO nft_trade (nft_id, side, traded_at, currency, price, fees, note, recorded_at, source_id, wallet)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, nft.rawValue, side.rawValue, tradedAt.unixSeconds, price.currency.code, price.amount.description,
            fees.description, note, recordedAt.unixSeconds, source?.rawValue, wallet))
        try checkHoldings([nft])
        return id
    }
}
