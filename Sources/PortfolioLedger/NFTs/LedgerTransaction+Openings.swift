import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Books an opening position: `nft` held since `openedAt`, brought into the book (bought
    /// years ago, on another wallet, before the ledger existed) rather than bought with its cash.
    ///
    /// With a `cost`, the NFT enters at that cost basis (plus `fees`) and the owner is taken to
    /// contribute it (`v_cash_flow` pairs the purchase with an equal contribution, so no cash
    /// balance changes). With `cost == nil` the cost is unknown: reports that need it say so
    /// ("incomplete") instead of treating the NFT as free. The holding rules are those of an
    /// acquisition: it must not be held at `openedAt`.
    /// - Parameters:
    ///   - nft: the token brought in.
    ///   - openedAt: held since this instant.
    ///   - cost: the declared cost basis, or `nil` when unknown.
    ///   - fees: fees paid on top of the cost.
    ///   - currency: the currency of the cost basis (also recorded when it is unknown).
    ///   - note: free text kept with the entry.
    ///   - wallet: the wallet that holds it (optional).
    ///   - source: the import that booked it, if any.
    public func openNFTPosition(nft: NFTID, openedAt: Instant, cost: ExactDecimal?, fees: ExactDecimal = .zero, currency: Currency,
                                note: String? = nil, wallet: String? = nil, source: ImportSourceID? = nil) throws -> NFTTradeID {
        let wallet = wallet.map(ContractAddress.canonical)
        if let wallet { try Validate.text(wallet, "wallet", maxLength: 128) }
        try Validate.instant(openedAt, "opened_at")
        if let cost { try Validate.nonNegative(cost, "cost") }
        try Validate.nonNegative(fees, "fees")
        if cost == nil, !fees.isZero {
            throw LedgerError.invalidValue(field: "fees", reason: "fees need a declared cost; give the cost, or leave both out when unknown")
        }
        try Validate.optionalNote(note)
        guard try current.nft(nft) != nil else { throw LedgerError.unknownEntity(kind: "nft", id: nft.description) }
        let id = NFTTradeID(try insert("""
            INSERT INTO nft_trade (nft_id, side, traded_at, currency, price, fees, note, recorded_at, source_id, opening, cost_known, wallet)
            VALUES (?, 'acquire', ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
            """, nft.rawValue, openedAt.unixSeconds, currency.code, (cost ?? .zero).description, fees.description, note,
            recordedAt.unixSeconds, source?.rawValue, cost == nil ? 0 : 1, wallet))
        try checkHoldings([nft])
        return id
    }
}
