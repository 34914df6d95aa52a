import LedgerMath

/// How an NFT left the book.
public enum NFTDisposalKind: String, Sendable, Hashable, CaseIterable {
    /// A booked `dispose` trade.
    case sale
    /// The collateral of a loan ended by a `liquidation` event (no disposal trade booked).
    case liquidation
    /// The collateral of a loan ended by a `foreclosure` event (no disposal trade booked).
    case foreclosure
}

/// One disposal of an NFT, with its realized gain on the per-token cost basis.
///
/// `proceeds = sale price − sale fees` (in the sale's currency; 0 in the cost currency when the
/// NFT was lost to a liquidation or foreclosure — what the loan's end released is booked on the
/// loan); `realized gain = proceeds − cost basis`, exact, when both are in the same currency.
public struct NFTDisposal: Sendable, Hashable {
    public var nft: NFTID
    public var kind: NFTDisposalKind
    public var at: Instant
    /// The disposal trade (for a sale).
    public var trade: NFTTrade?
    /// The loan whose liquidation or foreclosure took the NFT.
    public var loan: LoanID?
    /// Sale price − sale fees.
    public var proceeds: Money
    /// The cost basis of the lot disposed of; `nil` when no lot was open (a sale booked after the
    /// NFT had already been lost to a liquidation or foreclosure).
    public var costBasis: Money?
    /// `false` when the lot disposed of is an opening position of unknown cost: `costBasis` is
    /// then zero in the books but not a real cost, and there is no realized gain to state.
    public var isCostBasisKnown: Bool = true
    /// `proceeds − cost basis` when both are in the same currency (the whole proceeds when there is
    /// no cost basis), else `nil` (each side is then booked in its own currency, or the cost basis
    /// is unknown: never shown as a 100 % gain).
    public var realizedGain: Money? {
        guard isCostBasisKnown else { return nil }
        guard let costBasis else { return proceeds }
        return proceeds.currency == costBasis.currency ? Money(proceeds.amount - costBasis.amount, proceeds.currency) : nil
    }
}

/// One holding period of an NFT: from an acquisition to its disposal (if any by the instant asked).
public struct NFTLot: Sendable, Hashable {
    public var nft: NFTID
    public var acquisition: NFTTrade
    /// Purchase price + purchase fees, in the purchase currency (exact).
    public var costBasis: Money
    /// The disposal, when the lot was closed by the instant asked.
    public var disposal: NFTDisposal?
    public var isOpen: Bool { disposal == nil }
    /// `false` for an opening position of unknown cost (`costBasis` is then zero and means unknown).
    public var isCostKnown: Bool { acquisition.isCostKnown }
}

/// Every lot and disposal of the book up to an instant.
struct NFTLotBook {
    var lots: [NFTLot] = []
    /// Sales with no open lot (see ``NFTDisposal/costBasis``).
    var unmatchedDisposals: [NFTDisposal] = []

    var disposals: [NFTDisposal] { (lots.compactMap(\.disposal) + unmatchedDisposals).sorted { ($0.at, $0.nft) < ($1.at, $1.nft) } }
}

extension LedgerSnapshot {
    /// The NFT lots acquired at or before `at`, in acquisition order, each with its exact cost
    /// basis (price + purchase fees) and its disposal if it happened by `at`.
    ///
    /// A lot closes at a disposal trade, or — when no disposal trade is booked — at the
    /// `liquidation` or `foreclosure` of a loan it backed (started during the lot): the NFT is then
    /// no longer the book's, with proceeds 0 (``NFTHolding`` shows it `lost`, the same rule).
    public func nftLots(at: Instant) throws -> [NFTLot] {
        try lotBook(at: at).lots
    }

    /// The disposals in `(from, to]`, in time order, with their realized gains.
    public func nftDisposals(from: Instant, to: Instant) throws -> [NFTDisposal] {
        try lotBook(at: to).disposals.filter { $0.at > from }
    }

    func lotBook(at: Instant) throws -> NFTLotBook {
        var ids: [NFTID] = []
        try db.query("SELECT nft_id FROM nft WHERE recorded_at <= ?1 ORDER BY nft_id", k) { ids.append(NFTID(try $0.column("nft_id"))) }
        var book = NFTLotBook()
        for id in ids { try walkLots(of: id, until: at, into: &book) }
        book.lots.sort { ($0.acquisition.tradedAt, $0.nft) < ($1.acquisition.tradedAt, $1.nft) }
        return book
    }

    /// Walks one NFT's holding timeline (``HoldingTimeline``: trades and the loan ends that took
    /// it, in the state machine's order) up to `at`.
    private func walkLots(of nft: NFTID, until at: Instant, into book: inout NFTLotBook) throws {
        enum Step { case trade(NFTTrade), loss(LoanEvent, LoanRecord) }
        let steps: [Step] = try holdingTimeline(of: nft).steps.filter { $0.at <= at }.compactMap { timed in
            switch timed.step {
            case .acquire(let trade), .dispose(let trade): .trade(trade)
            case .end(let loan, let event) where event.detail != .close: .loss(event, loan)
            case .pledge, .end, .add, .release: nil
            }
        }
        var open: NFTLot?
        func close(_ disposal: NFTDisposal) {
            if var lot = open {
                lot.disposal = disposal
                book.lots.append(lot)
                open = nil
            } else {
                book.unmatchedDisposals.append(disposal)
            }
        }
        for step in steps {
            switch step {
            case .trade(let trade) where trade.side == .acquire:
                // The API refuses to acquire an NFT still held; should a book hold two acquisitions anyway,
                // both stay open (both were paid), so the statements still reconcile with the cash.
                if let previous = open { book.lots.append(previous) }
                open = NFTLot(nft: nft, acquisition: trade, costBasis: Money(trade.price.amount + trade.fees, trade.price.currency), disposal: nil)
            case .trade(let trade):
                close(NFTDisposal(nft: nft, kind: .sale, at: trade.tradedAt, trade: trade, loan: nil,
                                  proceeds: Money(trade.price.amount - trade.fees, trade.price.currency), costBasis: open?.costBasis,
                                  isCostBasisKnown: open?.isCostKnown ?? true))
            case let .loss(event, loan):
                guard let lot = open, loan.inBookFrom >= lot.acquisition.tradedAt else { continue }
                let kind: NFTDisposalKind = if case .foreclosure = event.detail { .foreclosure } else { .liquidation }
                close(NFTDisposal(nft: nft, kind: kind, at: event.occurredAt, trade: nil, loan: loan.id,
                                  proceeds: Money(.zero, lot.costBasis.currency), costBasis: lot.costBasis, isCostBasisKnown: lot.isCostKnown))
            }
        }
        if let lot = open { book.lots.append(lot) }
    }
}
