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

/// One wallet's part of a ``PortfolioValuation`` (USD at the valuation's instant): the NFTs kept
/// in it, the cash that moved through it (trades, deposits, withdrawals, opening balances and loan
/// cash naming it) and the debt of the loans it borrowed. Hedges and yield positions are not held
/// in a wallet: they, and everything that names no wallet, are the part with `wallet == nil`.
public struct WalletValuation: Sendable, Hashable {
    /// `nil`: no wallet named.
    public var wallet: String?
    public var nftUSD: Double = 0
    /// Cash per currency (exact; may be negative when the wallet paid for something whose funding
    /// names no wallet).
    public var cash: [Money] = []
    public var cashUSD: Double = 0
    public var debtUSD: Double = 0
    public var hedgeUSD: Double = 0
    public var yieldUSD: Double = 0
    public var netEquityUSD: Double { nftUSD + cashUSD - debtUSD + hedgeUSD + yieldUSD }
}

extension LedgerSnapshot {
    /// The book's cash at `at` per wallet and currency (the journal's entries summed by the wallet
    /// each names; `nil`: no wallet named). The parts sum to ``cashBalance(_:at:)`` in each currency.
    public func cashByWallet(at: Instant) throws -> [String?: [Money]] {
        var sums: [String?: [Currency: ExactDecimal]] = [:]
        for entry in try journal(from: Instant(unixSeconds: 0), to: at) {
            sums[entry.wallet, default: [:]][entry.amount.currency, default: .zero] += entry.amount.amount
        }
        return sums.mapValues { balances in balances.keys.sorted().compactMap { c in balances[c].map { Money($0, c) } } }
    }

    /// The open loans' debt of a valuation by the wallet that borrowed (`nil`: none named), in USD.
    public func debtByWallet(_ valuation: PortfolioValuation) throws -> [String?: Double] {
        var result: [String?: Double] = [:]
        for debt in valuation.debts { result[try loan(debt.loan)?.wallet, default: 0] += debt.debtUSD }
        return result
    }

    /// `valuation` split by wallet: NFTs + cash − debt per wallet, hedges and yield positions with
    /// the part that names no wallet. The parts' net equities sum to the valuation's (a currency
    /// whose conversion the valuation flagged as missing is left out of every part, as of the total).
    /// Sorted by wallet, the part naming none last (left out when it holds nothing).
    public func walletValuations(_ valuation: PortfolioValuation, policy: PricingPolicy = .default) throws -> [WalletValuation] {
        var parts: [String?: WalletValuation] = [:]
        func part(_ wallet: String?) -> WalletValuation { parts[wallet] ?? WalletValuation(wallet: wallet) }
        for (wallet, value) in try nftValueByWallet(valuation) { parts[wallet] = part(wallet); parts[wallet]?.nftUSD += value }
        for (wallet, value) in try debtByWallet(valuation) { parts[wallet] = part(wallet); parts[wallet]?.debtUSD += value }
        let missing = MissingPrices(policy)
        for (wallet, cash) in try cashByWallet(at: valuation.at) {
            parts[wallet] = part(wallet)
            parts[wallet]?.cash = cash
            for money in cash where !money.amount.isZero {
                guard let usd = try missing.attempt("cash \(money.currency)", { try convert(money, to: .usd, at: valuation.at, policy: policy) })
                else { continue }
                parts[wallet]?.cashUSD += usd.converted
            }
        }
        // The part naming no wallet is listed when something is in it (an NFT, a loan, a cash
        // entry, a hedge or a yield position), even worth 0.
        let hasUnnamed = parts[nil] != nil || !valuation.hedges.isEmpty || !valuation.yields.isEmpty
        var unnamed = part(nil)
        unnamed.hedgeUSD = valuation.hedgeUSD
        unnamed.yieldUSD = valuation.yieldUSD
        let named = parts.values.filter { $0.wallet != nil }.sorted { ($0.wallet ?? "") < ($1.wallet ?? "") }
        return hasUnnamed ? named + [unnamed] : named
    }

    /// `valuation` restricted to one wallet: the NFTs kept in it, the loans it borrowed and its
    /// cash (no hedges or yield positions, which no wallet holds). EVM addresses compare in lower case.
    public func valuation(_ valuation: PortfolioValuation, inWallet wallet: String, policy: PricingPolicy = .default) throws -> PortfolioValuation {
        let wallet = ContractAddress.canonical(wallet)
        var result = valuation
        result.nfts = try valuation.nfts.filter { try self.wallet(of: $0.holding.nft.id, at: valuation.at) == wallet }
        result.debts = try valuation.debts.filter { try loan($0.loan)?.wallet == wallet }
        result.hedges = []
        result.yields = []
        result.cash = try cashByWallet(at: valuation.at)[wallet] ?? []
        let missing = MissingPrices(policy)
        result.cashUSD = 0
        for money in result.cash where !money.amount.isZero {
            guard let usd = try missing.attempt("cash \(money.currency)", { try convert(money, to: .usd, at: valuation.at, policy: policy) })
            else { continue }
            result.cashUSD += usd.converted
        }
        result.nftUSD = result.nfts.reduce(0) { $0 + ($1.valueUSD ?? 0) }
        result.debtUSD = result.debts.reduce(0) { $0 + $1.debtUSD }
        result.hedgeUSD = 0
        result.yieldUSD = 0
        // The problems of what it keeps: its NFTs', its loans', its cash currencies' (the ETH column's too).
        let own = Set(result.nfts.map { "nft \($0.holding.nft.id)" } + (try loans(wallet: wallet)).map { "loan \($0.id) debt" })
        result.problems = valuation.problems.filter { problem in
            let item = String(problem.prefix { $0 != ":" })
            if item.hasPrefix("nft ") || item.hasPrefix("loan ") { return own.contains(item) }
            return !(item.hasPrefix("cash ") || item.hasPrefix("hedge ") || item.hasPrefix("yield position "))
        } + missing.problems
        return result
    }
}

extension LedgerSnapshot {
    /// Every visible loan, by start, or only those `wallet` borrowed (EVM addresses compare in
    /// lower case).
    public func loans(wallet: String?) throws -> [LoanRecord] {
        guard let wallet else { return try loans() }
        let canonical = ContractAddress.canonical(wallet)
        return try loans().filter { $0.wallet == canonical }
    }
}
