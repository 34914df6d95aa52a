import LedgerMath
internal import SQLiteDB

/// A move of an NFT between two of the user's own wallets: not a trade (no cash, no cost basis
/// change, the holding state unchanged), only where it is kept.
public struct NFTTransfer: Sendable, Hashable {
    public var id: Int64
    public var nftID: NFTID
    public var fromWallet: String
    public var toWallet: String
    public var transferredAt: Instant
    public var recordedAt: Instant
}

extension LedgerTransaction {
    /// Books a transfer of `nft` between two of the user's wallets (EVM addresses are compared and
    /// stored in lower case). The NFT must be held (or pledged) at `at` and kept in `from` then.
    public func transferNFT(_ nft: NFTID, from: String, to: String, at: Instant, source: ImportSourceID? = nil) throws -> Int64 {
        let (from, to) = (ContractAddress.canonical(from), ContractAddress.canonical(to))
        try Validate.text(from, "from_wallet", maxLength: 128)
        try Validate.text(to, "to_wallet", maxLength: 128)
        try Validate.instant(at, "transferred_at")
        guard from != to else { throw LedgerError.invalidValue(field: "to_wallet", reason: "'\(to)' is the wallet it comes from") }
        guard try current.nft(nft) != nil else { throw LedgerError.unknownEntity(kind: "nft", id: nft.description) }
        let name = try current.describe(nft)
        switch try current.holdingTimeline(of: nft).state(at: at).state {
        case .held, .pledged: break
        case .neverHeld, .disposed, .lost: throw LedgerError.conflict("\(name) is not held at \(at); nothing to transfer")
        }
        let keptIn = try current.wallet(of: nft, at: at)
        guard keptIn == from else {
            throw LedgerError.conflict("\(name) is kept in \(keptIn ?? "no named wallet") at \(at), not in \(from)")
        }
        return try insert("""
            INSERT INTO nft_transfer (nft_id, from_wallet, to_wallet, transferred_at, recorded_at, source_id) VALUES (?, ?, ?, ?, ?, ?)
            """, nft.rawValue, from, to, at.unixSeconds, recordedAt.unixSeconds, source?.rawValue)
    }
}

extension LedgerSnapshot {
    /// The visible transfers of an NFT in time order.
    public func transfers(of nft: NFTID) throws -> [NFTTransfer] {
        var result: [NFTTransfer] = []
        try db.query("""
            SELECT nft_transfer_id, nft_id, from_wallet, to_wallet, transferred_at, recorded_at FROM nft_transfer
            WHERE nft_id = ?2 AND recorded_at <= ?1 ORDER BY transferred_at, nft_transfer_id
            """, k, nft.rawValue) { s in
            result.append(try NFTTransfer(row: s))
        }
        return result
    }

    /// The wallet `nft` is kept in at `at`: the latest transfer at or before `at` since its latest
    /// acquisition, else the wallet that acquisition names; `nil` when none is named.
    public func wallet(of nft: NFTID, at: Instant) throws -> String? {
        Self.wallet(keptSince: try holdingTimeline(of: nft).state(at: at).acquisition, transfers: try transfers(of: nft), at: at)
    }

    /// The rule of ``wallet(of:at:)`` on an NFT's own acquisition and transfers (in time order),
    /// for callers that walk many instants of one NFT.
    static func wallet(keptSince acquisition: NFTTrade?, transfers: [NFTTransfer], at: Instant) -> String? {
        guard let acquisition else { return nil }
        let moved = transfers.last { $0.transferredAt >= acquisition.tradedAt && $0.transferredAt <= at }
        return moved?.toWallet ?? acquisition.wallet
    }

    /// The NFTs' values in USD at `at` by the wallet they are kept in (`nil`: no wallet named).
    /// The parts sum to ``PortfolioValuation/nftUSD``.
    public func nftValueByWallet(_ valuation: PortfolioValuation) throws -> [String?: Double] {
        var result: [String?: Double] = [:]
        for item in valuation.nfts {
            result[try wallet(of: item.holding.nft.id, at: valuation.at), default: 0] += item.valueUSD ?? 0
        }
        return result
    }
}

extension NFTTransfer {
    /// Reads a transfer from a row of the `nft_transfer` SELECT in ``LedgerSnapshot/transfers(of:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: try s.column("nft_transfer_id"), nftID: NFTID(try s.column("nft_id")), fromWallet: try s.column("from_wallet"),
                  toWallet: try s.column("to_wallet"), transferredAt: try StoredValue.instant(s, "transferred_at"),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}
