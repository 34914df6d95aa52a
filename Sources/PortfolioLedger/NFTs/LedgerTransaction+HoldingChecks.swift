import LedgerMath
internal import SQLiteDB

/// The NFTs whose holding timelines a transaction still has to check, while checks are deferred.
final class DeferredHoldingChecks {
    var depth = 0
    var pending: [NFTID] = []
    var seen: Set<NFTID> = []
    /// Yield positions whose withdrawals must still be covered at the end of the scope.
    var pendingYield: [YieldPositionID] = []

    func addYield(_ positions: [YieldPositionID]) {
        for p in positions where !pendingYield.contains(p) { pendingYield.append(p) }
    }

    func takeYield() -> [YieldPositionID] {
        defer { pendingYield = [] }
        return pendingYield
    }

    func add(_ nfts: some Sequence<NFTID>) {
        for nft in nfts where seen.insert(nft).inserted { pending.append(nft) }
    }

    func take() -> [NFTID] {
        defer { pending = []; seen = [] }
        return pending
    }
}

extension LedgerTransaction {
    /// Runs `body`, checking the holding rules of the NFTs it touched only once it is done.
    ///
    /// Inside, entries can be booked in any order as long as the book is valid at the end: a
    /// replacement purchase booked before the correction that voids the original, or a sale
    /// listed before the purchase it follows. A refusal names the entry that breaks a rule.
    public func deferringHoldingChecks<T>(_ body: () throws -> T) throws -> T {
        do {
            return try withDeferredHoldingChecks(body)
        } catch let conflict as HoldingConflict {
            throw conflict.error
        }
    }

    /// ``deferringHoldingChecks(_:)`` that reports a broken rule as a ``HoldingConflict`` (for
    /// the importers, which map the entry to the line that booked it).
    func withDeferredHoldingChecks<T>(_ body: () throws -> T) throws -> T {
        holdingChecks.depth += 1
        let result: T
        do {
            result = try body()
        } catch {
            holdingChecks.depth -= 1
            if holdingChecks.depth == 0 { _ = holdingChecks.take(); _ = holdingChecks.takeYield() }
            throw error
        }
        holdingChecks.depth -= 1
        if holdingChecks.depth == 0 {
            for nft in holdingChecks.take() {
                if let conflict = try current.holdingTimeline(of: nft).firstViolation() { throw conflict }
            }
            for position in holdingChecks.takeYield() { _ = try current.yieldReplay(position) }
        }
        return result
    }

    /// Checks the holding timelines of `nfts` now, or at the end of the deferring scope.
    func checkHoldings(_ nfts: some Sequence<NFTID>) throws {
        if holdingChecks.depth > 0 {
            holdingChecks.add(nfts)
            return
        }
        for nft in Set(nfts).sorted(by: { $0.rawValue < $1.rawValue }) {
            if let conflict = try current.holdingTimeline(of: nft).firstViolation() { throw conflict.error }
        }
    }

    /// The NFTs whose timelines a correction of `entry` changes.
    func nftsAffected(by entry: CorrectableEntry) throws -> [NFTID] {
        switch entry {
        case .nftTrade(let id):
            return try db.scalarIfAny("SELECT nft_id FROM nft_trade WHERE nft_trade_id = ?", id.rawValue, as: Int64.self).map { [NFTID($0)] } ?? []
        case .loan(let id):
            return try current.nftsEverPledged(to: id)
        case .loanEvent(let id):
            guard let loan = try db.scalarIfAny("SELECT loan_id FROM loan_event WHERE loan_event_id = ?", id.rawValue, as: Int64.self) else { return [] }
            // The event's own NFT too: once voided, the loan's visible events no longer name it.
            let named = try db.scalarIfAny("SELECT nft_id FROM loan_event WHERE loan_event_id = ?", id.rawValue, as: Int64?.self)
            return try current.nftsEverPledged(to: LoanID(loan)) + (named.flatMap { $0 }.map { [NFTID($0)] } ?? [])
        case .optionTrade, .optionSettlement, .externalFlow, .balanceAssertion, .yieldFlow:
            return []
        }
    }
}
