import LedgerMath
internal import SQLiteDB

/// The lookups and idempotent writes that both importers (CSV and JSON Lines) share: natural-key
/// references (collection by chain + contract, NFT by token, loan by protocol + external ref,
/// hedge by name, contract by root/type/strike/expiry) and "is an identical entry already booked?"
/// checks, which make a re-import of overlapping data skip instead of booking twice.
///
/// Every method throws ``LedgerError``; the importer adds the file, line and column.
final class ImportBook {
    /// The import's transaction (a journal line that carries `recorded_at` books through a copy
    /// stamping that instant).
    var tx: LedgerTransaction
    let source: ImportSourceID
    /// The line being booked, and the lines that booked each entry and last touched each NFT:
    /// holding checks run at the end of the file, and their refusals name these lines.
    var line = 0
    private var entryLines: [CorrectableEntry: Int] = [:]
    private var nftLines: [NFTID: Int] = [:]
    private var collections: [String: CollectionID] = [:]
    private var contracts: [ContractKey: OptionContractID] = [:]
    private var hedges: [String: HedgeID] = [:]

    struct ContractKey: Hashable {
        var root: OptionRoot, type: OptionType, strike: ExactDecimal, expiresAt: Instant, multiplier: Int
    }

    init(tx: LedgerTransaction, source: ImportSourceID) {
        self.tx = tx
        self.source = source
    }

    private var db: Connection { tx.db }

    /// Notes that the current line booked `entry`, which touches `nfts`.
    func booked(_ entry: CorrectableEntry?, touching nfts: [NFTID]) {
        if let entry, entryLines[entry] == nil { entryLines[entry] = line }
        for nft in nfts { nftLines[nft] = line }
    }

    /// The line to blame for a holding conflict: the one that booked the refused entry, else the
    /// last one that touched the NFT (an earlier entry made invalid by this file).
    func line(of conflict: HoldingConflict) -> Int? {
        entryLines[conflict.entry] ?? nftLines[conflict.nft]
    }

    // MARK: - References

    /// The collection with this chain and contract; created (with `name`) when missing and a name
    /// is given, else an unknown-entity error. An existing collection is used whatever its name.
    func collection(chain: String, contract: String, name: String?) throws -> CollectionID {
        let key = chain + "\u{1F}" + contract
        if let known = collections[key] { return known }
        let id: CollectionID
        if let existing = try tx.current.collection(chain: chain, contractAddress: contract) {
            id = existing.id
        } else if let name {
            id = try tx.addCollection(chain: chain, contractAddress: contract, name: name, source: source)
        } else {
            throw LedgerError.unknownEntity(kind: "collection", id: "\(chain):\(contract)")
        }
        collections[key] = id
        return id
    }

    /// The NFT `token` of a collection, or `nil` when it is not recorded.
    func existingNFT(collection: CollectionID, token: TokenID) throws -> NFTID? {
        try db.scalarIfAny("SELECT nft_id FROM nft WHERE collection_id = ? AND token_id = ?", collection.rawValue, token.text, as: Int64.self)
            .map(NFTID.init)
    }

    /// The NFT `token` of a collection, recorded now when missing (`isNew`).
    func nft(collection: CollectionID, token: TokenID) throws -> (id: NFTID, isNew: Bool) {
        if let existing = try existingNFT(collection: collection, token: token) { return (existing, false) }
        return (try tx.addNFT(collection: collection, tokenID: token, source: source), true)
    }

    /// The NFT `token` of the collection `chain`:`contract`, which must be recorded.
    func nft(chain: String, contract: String, token: TokenID) throws -> NFTID {
        let collection = try collection(chain: chain, contract: contract, name: nil)
        guard let nft = try existingNFT(collection: collection, token: token) else {
            throw LedgerError.unknownEntity(kind: "nft", id: "\(chain):\(contract)#\(token)")
        }
        return nft
    }

    /// The visible loan of `lendingProtocol` with the protocol's own id `externalRef`.
    func loan(lendingProtocol: LendingProtocol, externalRef: String) throws -> LoanID? {
        try db.scalarIfAny("""
            SELECT l.loan_id FROM loan l WHERE l.protocol = ?2 AND l.external_ref = ?3 AND \(LedgerSnapshot.visible("l", "loan", "loan_id"))
            ORDER BY l.loan_id DESC LIMIT 1
            """, Int64.max, lendingProtocol.rawValue, externalRef, as: Int64.self).map(LoanID.init)
    }

    func requiredLoan(lendingProtocol: LendingProtocol, externalRef: String) throws -> LoanID {
        guard let loan = try loan(lendingProtocol: lendingProtocol, externalRef: externalRef) else {
            throw LedgerError.unknownEntity(kind: "loan", id: "\(lendingProtocol.rawValue) \(externalRef)")
        }
        return loan
    }

    /// The hedge named `name` (the first booked, when several share it); created with `strategy`
    /// and `openedAt` when missing and `create` is true.
    func hedge(named name: String, strategy: HedgeRecord.Strategy, openedAt: Instant, create: Bool) throws -> HedgeID {
        if let known = hedges[name] { return known }
        let id: HedgeID
        if let existing = try db.scalarIfAny("SELECT hedge_id FROM hedge WHERE hedge_name = ? ORDER BY hedge_id LIMIT 1", name, as: Int64.self) {
            id = HedgeID(existing)
        } else if create {
            id = try tx.addHedge(name: name, strategy: strategy, openedAt: openedAt, source: source)
        } else {
            throw LedgerError.unknownEntity(kind: "hedge", id: name)
        }
        hedges[name] = id
        return id
    }

    /// The contract, created when missing.
    func contract(_ key: ContractKey) throws -> OptionContractID {
        if let known = contracts[key] { return known }
        let id = try tx.addOptionContract(root: key.root, type: key.type, strike: key.strike, expiresAt: key.expiresAt, multiplier: key.multiplier)
        contracts[key] = id
        return id
    }

    /// The contract, which must be recorded.
    func existingContract(_ key: ContractKey) throws -> OptionContractID {
        if let known = contracts[key] { return known }
        guard let id = try db.scalarIfAny("""
            SELECT contract_id FROM option_contract WHERE root = ? AND option_type = ? AND strike = ? AND expires_at = ?
            """, key.root.rawValue, key.type.rawValue, key.strike.description, key.expiresAt.unixSeconds, as: Int64.self) else {
            throw LedgerError.unknownEntity(kind: "option contract", id: "\(key.root.rawValue) \(key.type.rawValue) \(key.strike) \(key.expiresAt)")
        }
        contracts[key] = OptionContractID(id)
        return OptionContractID(id)
    }

    // MARK: - Identical entries already booked
    //
    // These match corrected (voided or superseded) entries too: a journal re-imported from
    // another copy must not book again an entry that it voids further down.

    func identicalNFTTrade(nft: NFTID, side: TradeSide, at: Instant, price: Money, fees: ExactDecimal, note: String?,
                           wallet: String? = nil) throws -> NFTTradeID? {
        try db.scalarIfAny("""
            SELECT t.nft_trade_id FROM nft_trade t
            WHERE t.nft_id = ?2 AND t.side = ?3 AND t.traded_at = ?4 AND t.currency = ?5 AND t.price = ?6 AND t.fees = ?7 AND t.note IS ?8
              AND t.opening = 0 AND t.wallet IS ?9 AND t.recorded_at <= ?1
            """, Int64.max, nft.rawValue, side.rawValue, at.unixSeconds, price.currency.code, price.amount.description,
            fees.description, note, wallet.map(ContractAddress.canonical), as: Int64.self).map(NFTTradeID.init)
    }

    /// Compares a booked loan with one about to be booked; `nil` when identical, else what differs.
    func difference(_ booked: LoanRecord, _ wanted: NewLoan) -> String? {
        if booked.currency != wanted.currency { return "currency \(booked.currency) vs \(wanted.currency)" }
        if booked.principal != wanted.principal { return "principal \(booked.principal) vs \(wanted.principal)" }
        if booked.amountReceived != wanted.amountReceived { return "amount received \(booked.amountReceived) vs \(wanted.amountReceived)" }
        if booked.startedAt != wanted.startedAt { return "start \(booked.startedAt) vs \(wanted.startedAt)" }
        if booked.maturityAt != wanted.maturityAt { return "maturity" }
        if booked.terms != wanted.terms { return "terms" }
        if booked.maxLTV != wanted.maxLTV || booked.liquidationThreshold != wanted.liquidationThreshold { return "risk parameters" }
        if Set(booked.collateral) != Set(wanted.collateral) { return "collateral" }
        if booked.refinancesLoanID != wanted.refinances { return "refinanced loan" }
        if booked.wallet != wanted.wallet.map(ContractAddress.canonical) { return "wallet" }
        return nil
    }

    /// A visible loan without external ref identical to `wanted`.
    func identicalUnreferencedLoan(_ wanted: NewLoan) throws -> LoanID? {
        var candidates: [Int64] = []
        try db.query("""
            SELECT l.loan_id FROM loan l WHERE l.protocol = ?2 AND l.external_ref IS NULL AND l.started_at = ?3 AND l.principal = ?4
              AND \(LedgerSnapshot.visible("l", "loan", "loan_id"))
            """, Int64.max, wanted.lendingProtocol.rawValue, wanted.startedAt.unixSeconds, wanted.principal.description) {
            candidates.append(try $0.column("loan_id"))
        }
        for id in candidates {
            if let booked = try tx.current.loan(LoanID(id)), difference(booked, wanted) == nil { return booked.id }
        }
        return nil
    }

    /// Books `wanted` unless an identical loan is booked (returned with `isNew == false`). A loan
    /// with the same protocol and external ref but other terms is a conflict.
    func loan(_ wanted: NewLoan, opening: (at: Instant, principalRepaid: ExactDecimal, interestPaid: ExactDecimal)? = nil) throws
        -> (id: LoanID, isNew: Bool) {
        let wantedOpening = opening.map {
            RunningLoanOpening(openedAt: $0.at, principalOutstanding: wanted.principal - $0.principalRepaid, interestPaid: $0.interestPaid)
        }
        if let ref = wanted.externalRef, let existing = try loan(lendingProtocol: wanted.lendingProtocol, externalRef: ref) {
            guard let booked = try tx.current.loan(existing) else { throw LedgerError.unknownEntity(kind: "loan", id: existing.description) }
            if let difference = difference(booked, wanted) ?? (booked.opening == wantedOpening ? nil : "opening") {
                throw LedgerError.conflict("the \(wanted.lendingProtocol.rawValue) loan '\(ref)' is already booked with another \(difference)")
            }
            return (existing, false)
        }
        if wanted.externalRef == nil, let existing = try identicalUnreferencedLoan(wanted),
           try tx.current.loan(existing)?.opening == wantedOpening {
            return (existing, false)
        }
        let id = try opening.map { try tx.openRunningLoan(wanted, openedAt: $0.at, principalRepaid: $0.principalRepaid, interestPaid: $0.interestPaid,
                                                          source: source) }
            ?? tx.addLoan(wanted, source: source)
        booked(.loan(id), touching: wanted.collateral + (try wanted.refinances.flatMap { try tx.current.loan($0)?.collateral } ?? []))
        return (id, true)
    }

    /// Books a loan event unless an identical one (same loan, kind, instant and values) is booked.
    func loanEvent(loan: LoanID, at: Instant, _ detail: LoanEventDetail, note: String?) throws -> (id: LoanEventID, isNew: Bool) {
        var amount: String?, interest: String?, principal: String?, fee: String?, bps: Int?, ray: String?, maturity: Int64?, terms: String?
        var nftID: Int64?
        switch detail {
        case .borrowMore(let value), .redeem(let value): amount = value.description
        case .repay(let i, let p): interest = i.description; principal = p.description
        case .fee(let value): fee = value.description
        case .rateChange(let value): bps = value
        case .indexObservation(let value): ray = value
        case .renegotiate(let m, let b, let t):
            maturity = m?.unixSeconds
            bps = b
            terms = try t.map(LoanTermsCoding.encode)
        case .liquidation(let surplus): amount = surplus?.description
        case .auctionStart, .foreclosure, .close: break
        case .collateralAdded(let nft), .collateralReleased(let nft): nftID = nft.rawValue
        }
        if let existing = try db.scalarIfAny("""
            SELECT e.loan_event_id FROM loan_event e
            WHERE e.loan_id = ?2 AND e.event_kind = ?3 AND e.occurred_at = ?4 AND e.amount IS ?5 AND e.interest_part IS ?6
              AND e.principal_part IS ?7 AND e.fee IS ?8 AND e.new_rate_bps IS ?9 AND e.index_ray IS ?10 AND e.new_maturity_at IS ?11
              AND e.new_terms IS ?12 AND e.nft_id IS ?13 AND e.recorded_at <= ?1
            """, Int64.max, loan.rawValue, detail.kind.rawValue, at.unixSeconds, amount, interest, principal, fee, bps, ray, maturity, terms,
            nftID, as: Int64.self) {
            return (LoanEventID(existing), false)
        }
        let id = try tx.recordLoanEvent(loan: loan, at: at, detail, note: note, source: source)
        if let nft = detail.collateralNFT { booked(.loanEvent(id), touching: [nft]) }
        if detail.isTerminal { booked(.loanEvent(id), touching: try tx.current.nftsEverPledged(to: loan)) }
        return (id, true)
    }

    /// Books an option trade unless an identical one is booked.
    func optionTrade(hedge: HedgeID, contract: OptionContractID, at: Instant, quantity: Int, price: ExactDecimal,
                     fees: ExactDecimal) throws -> (id: OptionTradeID, isNew: Bool) {
        if let existing = try db.scalarIfAny("""
            SELECT t.option_trade_id FROM option_trade t
            WHERE t.hedge_id = ?2 AND t.contract_id = ?3 AND t.traded_at = ?4 AND t.quantity = ?5 AND t.price = ?6 AND t.fees = ?7
              AND t.recorded_at <= ?1
            """, Int64.max, hedge.rawValue, contract.rawValue, at.unixSeconds, quantity, price.description, fees.description, as: Int64.self) {
            return (OptionTradeID(existing), false)
        }
        return (try tx.recordOptionTrade(hedge: hedge, contract: contract, tradedAt: at, quantity: quantity, price: price, fees: fees,
                                         source: source), true)
    }

    /// Books an NFT trade unless an identical one is booked.
    func nftTrade(nft: NFTID, side: TradeSide, at: Instant, price: Money, fees: ExactDecimal, note: String?,
                  wallet: String? = nil) throws -> (id: NFTTradeID, isNew: Bool) {
        if let existing = try identicalNFTTrade(nft: nft, side: side, at: at, price: price, fees: fees, note: note, wallet: wallet) {
            return (existing, false)
        }
        let id = try tx.recordNFTTrade(nft: nft, side: side, tradedAt: at, price: price, fees: fees, note: note, wallet: wallet, source: source)
        booked(.nftTrade(id), touching: [nft])
        return (id, true)
    }

    /// Books an opening position unless an identical one is booked (`cost == nil`: unknown).
    func openingPosition(nft: NFTID, at: Instant, cost: ExactDecimal?, fees: ExactDecimal, currency: Currency,
                         note: String?, wallet: String? = nil) throws -> (id: NFTTradeID, isNew: Bool) {
        let wallet = wallet.map(ContractAddress.canonical)
        if let existing = try db.scalarIfAny("""
            SELECT t.nft_trade_id FROM nft_trade t
            WHERE t.nft_id = ?2 AND t.opening = 1 AND t.traded_at = ?3 AND t.currency = ?4 AND t.price = ?5 AND t.fees = ?6
              AND t.cost_known = ?7 AND t.note IS ?8 AND t.wallet IS ?9 AND t.recorded_at <= ?1
            """, Int64.max, nft.rawValue, at.unixSeconds, currency.code, (cost ?? .zero).description, fees.description,
            cost == nil ? 0 : 1, note, wallet, as: Int64.self) {
            return (NFTTradeID(existing), false)
        }
        let id = try tx.openNFTPosition(nft: nft, openedAt: at, cost: cost, fees: fees, currency: currency, note: note, wallet: wallet,
                                        source: source)
        booked(.nftTrade(id), touching: [nft])
        return (id, true)
    }

    /// Books a transfer between own wallets unless an identical one is booked; whether it is new.
    func transfer(nft: NFTID, from: String, to: String, at: Instant) throws -> Bool {
        let (from, to) = (ContractAddress.canonical(from), ContractAddress.canonical(to))
        if try db.scalarIfAny("""
            SELECT nft_transfer_id FROM nft_transfer WHERE nft_id = ? AND from_wallet = ? AND to_wallet = ? AND transferred_at = ?
            """, nft.rawValue, from, to, at.unixSeconds, as: Int64.self) != nil { return false }
        _ = try tx.transferNFT(nft, from: from, to: to, at: at, source: source)
        return true
    }

    /// The price series `name`; created from the given attributes when missing. An existing series
    /// must have the given kind (when one is given).
    func series(name: String, kind: PriceSeriesKind?, make: () throws -> (base: String?, quote: Currency?, collection: CollectionID?, nft: NFTID?, lendingProtocol: LendingProtocol?)) throws -> PriceSeries {
        if let existing = try tx.current.series(named: name) {
            if let kind, existing.kind != kind {
                throw LedgerError.conflict("price series '\(name)' exists with kind \(existing.kind.rawValue), not \(kind.rawValue)")
            }
            return existing
        }
        guard let kind else {
            throw LedgerError.unknownEntity(kind: "price series (give its kind to create it)", id: name)
        }
        let attributes = try make()
        let id = try tx.addPriceSeries(name: name, kind: kind, base: attributes.base, quote: attributes.quote, collection: attributes.collection,
                                       nft: attributes.nft, lendingProtocol: attributes.lendingProtocol)
        guard let created = try tx.current.series(id) else { throw LedgerError.unknownEntity(kind: "price series", id: name) }
        return created
    }
}
