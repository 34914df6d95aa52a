import LedgerMath

/// Which part of the book a report covers when it is restricted to a wallet (issue 19, WALLETS-5):
/// one of the user's wallets, or the part that names no wallet.
///
/// A wallet's part is the NFTs kept in it at the instant (``LedgerSnapshot/wallet(of:at:)``), the
/// loans it borrowed (`LoanRecord.wallet`) and the journal entries naming it (its cash). Hedges and
/// yield positions are held in no wallet: they belong only to the part naming none
/// (``noWalletNamed``), with every NFT, loan and cash entry that names no wallet. The parts of
/// every wallet plus the part naming none make up the whole book.
public struct WalletScope: Sendable, Hashable, CustomStringConvertible {
    /// The wallet (EVM addresses in lower case); `nil`: the part naming no wallet.
    public var wallet: String?

    /// The part of `wallet` (canonicalized: EVM addresses compare in lower case), or with `nil`
    /// the part naming no wallet.
    public init(_ wallet: String?) {
        self.wallet = wallet.map(ContractAddress.canonical)
    }

    /// The part naming no wallet: hedges, yield positions and what names no wallet.
    public static let noWalletNamed = WalletScope(nil)

    /// True when an item naming `named` (an entry's, a loan's or the wallet an NFT is kept in)
    /// belongs to this part.
    public func contains(_ named: String?) -> Bool { named == wallet }

    /// True for the part naming no wallet: the only one holding hedges and yield positions.
    public var holdsUnwalletedItems: Bool { wallet == nil }

    public var description: String { wallet ?? "(no wallet named)" }
}

extension LedgerSnapshot {
    /// The wallets the book names at `at`, sorted: those of the journal entries at or before `at`,
    /// of the wallets the open NFT lots are kept in and of the open loans.
    public func walletsNamed(at: Instant) throws -> [String] {
        var wallets = Set<String>()
        for entry in try journal(from: Instant(unixSeconds: 0), to: at) { if let w = entry.wallet { wallets.insert(w) } }
        for lot in try nftLots(at: at) where lot.isOpen { if let w = try wallet(of: lot.nft, at: at) { wallets.insert(w) } }
        for loan in try loans(openAt: at) { if let w = loan.wallet { wallets.insert(w) } }
        return wallets.sorted()
    }

    /// The loans of one part of the book, by start: those `scope`'s wallet borrowed, or for the
    /// part naming no wallet those naming none.
    public func loans(in scope: WalletScope) throws -> [LoanRecord] {
        try loans().filter { scope.contains($0.wallet) }
    }

    /// The balance sheet at `at` split by wallet: one sheet per wallet the book names
    /// (``walletsNamed(at:)``), then the part naming no wallet (hedges, yield positions and
    /// everything naming none). Each is ``balanceSheet(at:numeraire:policy:market:wallet:)`` of
    /// that part; their booked balances sum exactly to the whole book's per currency, and their
    /// marked equities to its marked equity.
    public func balanceSheetsByWallet(at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                                      market: OptionMarketInputs = .default) throws -> [BalanceSheet] {
        let scopes = try walletsNamed(at: at).map { WalletScope($0) } + [.noWalletNamed]
        return try scopes.map { try balanceSheet(at: at, numeraire: numeraire, policy: policy, market: market, wallet: $0) }
    }

    /// The wallet `nft` was kept in when `disposal` took it (the lot's acquisition and the
    /// transfers before the disposal); `nil` when none is named or no lot was open.
    func walletKept(_ lots: [NFTLot], disposal: NFTDisposal) throws -> String? {
        guard let lot = lots.first(where: { $0.nft == disposal.nft && $0.disposal?.at == disposal.at }) else { return nil }
        return Self.wallet(keptSince: lot.acquisition, transfers: try transfers(of: disposal.nft), at: disposal.at)
    }

    /// The statement lines of `(from, to]` moving NFTs at cost into or out of `scope` by a
    /// transfer between own wallets: `+cost` for the wallet receiving, `−cost` for the one sending
    /// (an equity flow of the wallet, never P&L; across wallets they cancel).
    func walletTransferLines(from: Instant, to: Instant, scope: WalletScope) throws -> [StatementLine] {
        var lines: [StatementLine] = []
        for lot in try nftLots(at: to) {
            for transfer in try transfers(of: lot.nft) where transfer.transferredAt > from && transfer.transferredAt <= to
                && transfer.transferredAt >= lot.acquisition.tradedAt && (lot.disposal.map { transfer.transferredAt <= $0.at } ?? true) {
                let sign: ExactDecimal
                if scope.contains(transfer.toWallet) { sign = 1 } else if scope.contains(transfer.fromWallet) { sign = -1 } else { continue }
                guard !lot.costBasis.amount.isZero else { continue }
                lines.append(StatementLine(kind: .walletTransfer, at: transfer.transferredAt,
                                           amount: Money(lot.costBasis.amount * sign, lot.costBasis.currency),
                                           entryTable: "nft_transfer", entryID: transfer.id, nftID: lot.nft, loanID: nil, hedgeID: nil,
                                           converted: nil))
            }
        }
        return lines
    }
}

/// One part of a ``PortfolioBorrowingCost``: the loans one wallet borrowed, or those naming none.
public struct WalletBorrowingCost: Sendable, Hashable {
    public var wallet: WalletScope
    /// The part's loans, totals and problems (the loans left out for a missing price).
    public var cost: PortfolioBorrowingCost
}

extension LedgerSnapshot {
    /// `cost` split by the wallet that borrowed each loan: one part per wallet (sorted), then the
    /// loans naming no wallet (left out when there are none). Each part's loans and problems are
    /// the whole's for its loans, so the parts' costs and amounts received sum to the whole's.
    public func borrowingCostByWallet(_ cost: PortfolioBorrowingCost) throws -> [WalletBorrowingCost] {
        let walletOf = Dictionary(uniqueKeysWithValues: try loans().map { ($0.id, $0.wallet) })
        var parts: [String?: PortfolioBorrowingCost] = [:]
        func part(_ wallet: String?) -> PortfolioBorrowingCost {
            parts[wallet] ?? PortfolioBorrowingCost(at: cost.at, numeraire: cost.numeraire, loans: [], problems: [])
        }
        for loan in cost.loans {
            let wallet = walletOf[loan.loan] ?? nil
            parts[wallet] = part(wallet)
            parts[wallet]?.loans.append(loan)
        }
        // A problem names its loan first ("loan 7: …"); one naming none stays with the part naming no wallet.
        for problem in cost.problems {
            let item = String(problem.prefix { $0 != ":" })
            let wallet = walletOf.first { "loan \($0.key)" == item }?.value ?? nil
            parts[wallet] = part(wallet)
            parts[wallet]?.problems.append(problem)
        }
        let named = parts.keys.compactMap { $0 }.sorted().map { WalletBorrowingCost(wallet: WalletScope($0), cost: parts[$0] ?? part($0)) }
        return named + (parts[nil].map { [WalletBorrowingCost(wallet: .noWalletNamed, cost: $0)] } ?? [])
    }
}
