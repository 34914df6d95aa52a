import LedgerMath
internal import SQLiteDB

extension Ledger {
    /// Writes the whole book as the JSON Lines journal that `importJournal` reads (docs/import.md,
    /// "Export"): every entry ever booked — corrected ones too — and every correction, each with
    /// the `recorded_at` it was booked at, so importing the file into an empty ledger rebuilds the
    /// same book with its history (as-known-at reports of the copy equal the original's).
    ///
    /// Order: reference data (collections, NFTs, series, option contracts) by id; then booked
    /// entries chronologically by effective instant, same-instant entries in the holding state
    /// machine's order (loan events, loan ends, disposals, acquisitions, loan starts, other loan events, hedges,
    /// option trades, settlements, external flows, balance assertions, buffer policies; a loan's
    /// other events before its end, and after its start when at its start instant), ties by
    /// id; each correction right after the later of the entry it corrects and its replacement (a
    /// voided loan: after the last line that refers to it); then price observations, option
    /// quotes and daily sales. `ref` labels are `table:n`, the n-th such entry of the file, so the
    /// same book always exports to the same bytes and a rebuilt book exports byte-identically.
    /// The import source rows are not carried over.
    ///
    /// - Parameter write: receives each line (without its newline), in order.
    /// - Returns: the number of lines written.
    @discardableResult
    public func exportJournal(_ write: (String) throws -> Void) throws -> Int {
        try read { book in try JournalExporter(db: book.db).export(write) }
    }
}

/// Builds the journal lines from the tables. Lines reference entities by natural keys, and
/// correctable entries and loans carry a `ref` label that later lines name.
///
/// Each line is one of the journal's entry types (Journal/JournalEntries.swift, the ones the
/// importer decodes) in a ``JournalLineEnvelope``, encoded by `ReportJSONEncoder(style: .compact)`.
/// A booked line is kept as a function of the ref labels until every line's position is known;
/// the labels are then assigned and the lines encoded, so no placeholder ever enters the text.
struct JournalExporter {
    let db: Connection

    init(db: Connection) { self.db = db }

    /// Where a line goes: effective instant (`Int64.min` for reference data), the kind's rank
    /// among same-instant lines, the row id, and a sub-order for corrections placed after it.
    struct Position: Comparable {
        var at: Int64
        var rank: Int
        var id: Int64
        var sub: Int64 = 0

        static func < (a: Position, b: Position) -> Bool { (a.at, a.rank, a.id, a.sub) < (b.at, b.rank, b.id, b.sub) }
    }

    /// Ranks of same-instant lines: the holding state machine's order first (HoldingTimeline).
    enum Rank {
        static let collection = 0, nft = 1, series = 2, contract = 3
        /// A loan's other events precede its end at the same instant; events at the loan's own
        /// start instant follow its start (and an end at that instant follows them).
        /// A transfer between own wallets follows the acquisitions of its instant.
        static let loanEvent = 9, loanEnd = 10, dispose = 11, acquire = 12, transfer = 13, loanStart = 14, eventAtStart = 15, endAtStart = 16
        static let hedge = 17, optionTrade = 18, settlement = 19, externalFlow = 20, balanceAssertion = 21, bufferPolicy = 22
        static let riskParameter = 23
        /// A yield position before its flows; at one instant its deposits before its withdrawals.
        static let yieldPosition = 24, yieldDeposit = 25, yieldWithdrawal = 26
    }

    /// A line with its position; its text is encoded once the labels are known.
    private struct Entry {
        var position: Position
        /// The `table:id` this line's `ref` names, when it has one.
        var key: String?
        /// The line's text, given the labels of every booked row.
        var encode: (Labels) throws -> String
    }

    /// The `ref` labels of the booked rows: `table:n`, the n-th such line of the file.
    struct Labels {
        var labels: [String: String] = [:]

        /// The label of row `id` of `table`.
        func callAsFunction(_ table: String, _ id: Int64) throws -> String {
            guard let label = labels["\(table):\(id)"] else { throw LedgerError.unknownEntity(kind: "exported entry", id: "\(table):\(id)") }
            return label
        }

        /// A loan reference: the label of the loan's own line.
        func loan(_ id: Int64) throws -> JournalLoanRef { JournalLoanRef(ref: try self("loan", id), protocol: nil, externalRef: nil, loanId: nil) }
    }

    /// The journal's one encoder: compact, absent optionals omitted.
    static let encoder = ReportJSONEncoder(style: .compact)

    /// The text of one line.
    static func encode<Body: JournalEntryBody>(_ type: String, ref: String? = nil, _ body: Body, recordedAt: Int64) throws -> String {
        try encoder.encode(JournalLineEnvelope(type: type, ref: ref, body: body, recordedAt: instant(recordedAt)))
    }

    static func instant(_ seconds: Int64) -> String { Instant(unixSeconds: seconds).description }

    /// Positions of the booked rows, for the corrections that follow them.
    private var positions: [String: Position] = [:]

    func export(_ write: (String) throws -> Void) throws -> Int {
        var exporter = self
        var entries: [Entry] = []
        try exporter.collections(&entries)
        try exporter.nfts(&entries)
        try exporter.series(&entries)
        try exporter.contracts(&entries)
        try exporter.nftTrades(&entries)
        try exporter.nftTransfers(&entries)
        try exporter.loans(&entries)
        try exporter.loanEvents(&entries)
        try exporter.hedges(&entries)
        try exporter.optionTrades(&entries)
        try exporter.settlements(&entries)
        try exporter.externalFlows(&entries)
        try exporter.balanceAssertions(&entries)
        try exporter.bufferPolicies(&entries)
        try exporter.riskParameters(&entries)
        try exporter.yieldPositions(&entries)
        try exporter.corrections(&entries)
        entries.sort { $0.position < $1.position }
        var labels = Labels(), counts: [String: Int] = [:]
        for entry in entries {
            guard let key = entry.key else { continue }
            let table = String(key.prefix { $0 != ":" })
            counts[table, default: 0] += 1
            labels.labels[key] = "\(table):\(counts[table]!)"
        }
        for entry in entries { try write(try entry.encode(labels)) }
        var count = entries.count
        count += try observations(write)
        count += try quotes(write)
        count += try dailySales(write)
        count += try reservePoints(write)
        return count
    }

    // MARK: Reference data

    /// Adds the line of row `id` of `table` of entry type `type`, its body built once the labels are known.
    private mutating func add<Body: JournalEntryBody>(_ out: inout [Entry], _ table: String, _ id: Int64, _ position: Position, type: String,
                                                      ref: Bool, recordedAt: Int64, _ body: @escaping (Labels) throws -> Body) {
        positions["\(table):\(id)"] = position
        out.append(Entry(position: position, key: ref ? "\(table):\(id)" : nil) { labels in
            try Self.encode(type, ref: ref ? try labels(table, id) : nil, try body(labels), recordedAt: recordedAt)
        })
    }

    private mutating func collections(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, String, String, Int64)] = []
        try db.query("SELECT collection_id, chain, contract_address, collection_name, recorded_at FROM collection ORDER BY collection_id") { r in
            rows.append((try r.column("collection_id"), try r.column("chain"), try r.column("contract_address"), try r.column("collection_name"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            add(&out, "collection", row.0, Position(at: .min, rank: Rank.collection, id: row.0), type: "collection", ref: false, recordedAt: row.4) { _ in
                JournalCollection(chain: row.1, contractAddress: row.2, name: row.3)
            }
        }
    }

    private static let nftKeySQL = "SELECT c.chain, c.contract_address, n.token_id FROM nft n JOIN collection c ON c.collection_id = n.collection_id WHERE n.nft_id = ?"

    private func nftKey(_ id: Int64) throws -> JournalNFTRef {
        try db.withStatement(Self.nftKeySQL) { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "nft", id: String(id)) }
            return JournalNFTRef(chain: try s.column("chain"), contractAddress: try s.column("contract_address"), tokenId: try s.column("token_id"))
        }
    }

    private mutating func nfts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT nft_id, recorded_at FROM nft ORDER BY nft_id") { rows.append((try $0.column("nft_id"), try $0.column("recorded_at"))) }
        for (id, recordedAt) in rows {
            let key = try nftKey(id)
            add(&out, "nft", id, Position(at: .min, rank: Rank.nft, id: id), type: "nft", ref: false, recordedAt: recordedAt) { _ in
                JournalNFT(chain: key.chain, contractAddress: key.contractAddress, tokenId: key.tokenId, collectionName: nil)
            }
        }
    }

    private func collectionKey(_ id: Int64) throws -> JournalCollectionRef {
        try db.withStatement("SELECT chain, contract_address FROM collection WHERE collection_id = ?") { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "collection", id: String(id)) }
            return JournalCollectionRef(chain: try s.column("chain"), contractAddress: try s.column("contract_address"))
        }
    }

    private mutating func series(_ out: inout [Entry]) throws {
        var rows: [(id: Int64, name: String, kind: String, base: String?, quote: String?, collection: Int64?, nft: Int64?, proto: String?, at: Int64)] = []
        try db.query("""
            SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol, recorded_at FROM price_series ORDER BY series_id
            """) { r in
            rows.append((try r.column("series_id"), try r.column("series_name"), try r.column("series_kind"), try r.column("base"),
                         try r.column("quote"), try r.column("collection_id"), try r.column("nft_id"), try r.column("protocol"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            let body = JournalSeries(name: row.name, kind: row.kind, base: row.base, quote: row.quote, collection: try row.collection.map(collectionKey),
                                     nft: try row.nft.map(nftKey), protocol: row.proto)
            add(&out, "price_series", row.id, Position(at: .min, rank: Rank.series, id: row.id), type: "price_series", ref: false,
                recordedAt: row.at) { _ in body }
        }
    }

    private func contractKey(_ contract: Int64) throws -> JournalContract {
        try db.withStatement("SELECT root, option_type, strike, expires_at, multiplier FROM option_contract WHERE contract_id = ?") { s in
            try s.bind(contract)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "option contract", id: String(contract)) }
            return JournalContract(root: try s.column("root"), optionType: try s.column("option_type"), strike: try s.column("strike"),
                                   expiresAt: Self.instant(try s.column("expires_at")), multiplier: try s.column("multiplier", as: Int.self))
        }
    }

    private mutating func contracts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT contract_id, recorded_at FROM option_contract ORDER BY contract_id") {
            rows.append((try $0.column("contract_id"), try $0.column("recorded_at")))
        }
        for (id, recordedAt) in rows {
            let body = try contractKey(id)
            add(&out, "option_contract", id, Position(at: .min, rank: Rank.contract, id: id), type: "option_contract", ref: false,
                recordedAt: recordedAt) { _ in body }
        }
    }

    // MARK: Booked entries

    private mutating func nftTrades(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, Int64, String, String, String, String?, Int64, Bool, Bool, String?)] = []
        try db.query("""
            SELECT nft_trade_id, nft_id, side, traded_at, currency, price, fees, note, recorded_at, opening, cost_known, wallet
            FROM nft_trade ORDER BY nft_trade_id
            """) { r in
            rows.append((try r.column("nft_trade_id"), try r.column("nft_id"), try r.column("side"), try r.column("traded_at"),
                         try r.column("currency"), try r.column("price"), try r.column("fees"), try r.column("note"), try r.column("recorded_at"),
                         try r.column("opening", as: Int.self) == 1, try r.column("cost_known", as: Int.self) == 1, try r.column("wallet")))
        }
        for row in rows {
            // An opening position is a line of its own type; its ref is labelled like a trade's, so
            // corrections name it like any trade.
            let key = try nftKey(row.1)
            let position = Position(at: row.3, rank: try TradeSide.decode(row.2, field: "stored side") == .dispose ? Rank.dispose : Rank.acquire, id: row.0)
            if row.9 {
                // No cost key means "unknown", never zero.
                let body = JournalOpeningPosition(chain: key.chain, contractAddress: key.contractAddress, tokenId: key.tokenId,
                                                  openedAt: Self.instant(row.3), currency: row.4, cost: row.10 ? row.5 : nil,
                                                  fees: row.10 ? row.6 : nil, note: row.7, wallet: row.11)
                add(&out, "nft_trade", row.0, position, type: "opening_position", ref: true, recordedAt: row.8) { _ in body }
            } else {
                let body = JournalNFTTrade(chain: key.chain, contractAddress: key.contractAddress, tokenId: key.tokenId, side: row.2,
                                           tradedAt: Self.instant(row.3), currency: row.4, price: row.5, fees: row.6, note: row.7, wallet: row.11)
                add(&out, "nft_trade", row.0, position, type: "nft_trade", ref: true, recordedAt: row.8) { _ in body }
            }
        }
    }

    private mutating func nftTransfers(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, String, Int64, Int64)] = []
        try db.query("SELECT nft_transfer_id, nft_id, from_wallet, to_wallet, transferred_at, recorded_at FROM nft_transfer ORDER BY nft_transfer_id") { r in
            rows.append((try r.column("nft_transfer_id"), try r.column("nft_id"), try r.column("from_wallet"), try r.column("to_wallet"),
                         try r.column("transferred_at"), try r.column("recorded_at")))
        }
        for row in rows {
            let key = try nftKey(row.1)
            let body = JournalNFTTransfer(chain: key.chain, contractAddress: key.contractAddress, tokenId: key.tokenId, fromWallet: row.2,
                                          toWallet: row.3, transferredAt: Self.instant(row.4))
            add(&out, "nft_transfer", row.0, Position(at: row.4, rank: Rank.transfer, id: row.0), type: "nft_transfer", ref: false,
                recordedAt: row.5) { _ in body }
        }
    }

    private mutating func loans(_ out: inout [Entry]) throws {
        var ids: [Int64] = []
        try db.query("SELECT loan_id FROM loan ORDER BY loan_id") { ids.append(try $0.column("loan_id")) }
        for id in ids {
            // A running loan is a line of its own type (its ref is labelled like a loan's); it is placed
            // at its opening, when its collateral is held.
            let openedAt = try db.scalar("SELECT opened_at FROM loan WHERE loan_id = ?", id, as: Int64?.self)
            var position = Position(at: 0, rank: Rank.loanStart, id: id)
            let (loan, refinances, opening, recordedAt) = try db.withStatement("""
                SELECT protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, terms, max_ltv,
                       liquidation_threshold, refinances_loan_id, recorded_at, wallet, opened_at, opening_principal, opening_interest_paid
                FROM loan WHERE loan_id = ?
                """) { r in
                try r.bind(id)
                guard try r.step() else { throw LedgerError.unknownEntity(kind: "loan", id: String(id)) }
                position.at = try r.column("started_at")
                var collateral: [JournalNFTRef] = []
                try db.query("SELECT nft_id FROM loan_collateral WHERE loan_id = ? ORDER BY nft_id", id) {
                    collateral.append(try nftKey(try $0.column("nft_id")))
                }
                let loan = JournalLoan(protocol: try r.column("protocol"), externalRef: try r.column("external_ref"), currency: try r.column("currency"),
                                       principal: try r.column("principal"), amountReceived: try r.column("amount_received", as: String.self),
                                       startedAt: Self.instant(position.at),
                                       maturityAt: try r.column("maturity_at", as: Int64?.self).map(Self.instant),
                                       terms: try JournalTerms(stored: try r.column("terms")), maxLtv: try r.column("max_ltv"),
                                       liquidationThreshold: try r.column("liquidation_threshold"), collateral: collateral, refinances: nil,
                                       wallet: try r.column("wallet"))
                var opening: (openedAt: String, principalRepaid: String, interestPaid: String)?
                if let openedAt {
                    position.at = openedAt
                    let principal = try StoredValue.decimal(r, "principal"), outstanding = try StoredValue.decimal(r, "opening_principal")
                    opening = (Self.instant(openedAt), (principal - outstanding).description, try r.column("opening_interest_paid"))
                }
                return (loan, try r.column("refinances_loan_id", as: Int64?.self), opening, try r.column("recorded_at", as: Int64.self))
            }
            // Importing `refinances` books the refinanced loan's close too (it is not written).
            func withRefinances(_ labels: Labels) throws -> JournalLoan {
                var loan = loan
                loan.refinances = try refinances.map(labels.loan)
                return loan
            }
            if let opening {
                add(&out, "loan", id, position, type: "opening_loan", ref: true, recordedAt: recordedAt) { labels in
                    JournalOpeningLoan(loan: try withRefinances(labels), openedAt: opening.openedAt, principalRepaid: opening.principalRepaid,
                                       interestPaid: opening.interestPaid)
                }
            } else {
                add(&out, "loan", id, position, type: "loan", ref: true, recordedAt: recordedAt) { labels in try withRefinances(labels) }
            }
        }
    }

    private mutating func loanEvents(_ out: inout [Entry]) throws {
        // The close that `addLoan` books on a refinanced loan is re-created by importing the new
        // loan's `refinances`, so it is not written twice.
        var rows: [(id: Int64, loan: Int64, kind: String, at: Int64, amount: String?, interest: String?, principal: String?, fee: String?,
                    bps: Int64?, ray: String?, maturity: Int64?, terms: String?, note: String?, recordedAt: Int64, started: Int64,
                    nft: Int64?)] = []
        try db.query("""
            SELECT e.loan_event_id, e.loan_id, e.event_kind, e.occurred_at, e.amount, e.interest_part, e.principal_part, e.fee, e.new_rate_bps,
                   e.index_ray, e.new_maturity_at, e.new_terms, e.note, e.recorded_at, l.started_at, e.nft_id
            FROM loan_event e JOIN loan l ON l.loan_id = e.loan_id
            WHERE NOT (e.event_kind = 'close' AND EXISTS (
                SELECT 1 FROM loan n WHERE n.refinances_loan_id = e.loan_id AND n.started_at = e.occurred_at
                  AND e.note = 'refinanced by loan ' || n.loan_id))
            ORDER BY e.loan_event_id
            """) { r in
            rows.append((try r.column("loan_event_id"), try r.column("loan_id"), try r.column("event_kind"), try r.column("occurred_at"),
                         try r.column("amount"), try r.column("interest_part"), try r.column("principal_part"), try r.column("fee"),
                         try r.column("new_rate_bps"), try r.column("index_ray"), try r.column("new_maturity_at"), try r.column("new_terms"),
                         try r.column("note"), try r.column("recorded_at"), try r.column("started_at"), try r.column("nft_id")))
        }
        for row in rows {
            let terms = try row.terms.map { try JournalTerms(stored: $0) }, nft = try row.nft.map(nftKey)
            let terminal = ["close", "liquidation", "foreclosure"].contains(row.kind)
            let atStart = row.at == row.started
            let rank = terminal ? (atStart ? Rank.endAtStart : Rank.loanEnd) : (atStart ? Rank.eventAtStart : Rank.loanEvent)
            add(&out, "loan_event", row.id, Position(at: row.at, rank: rank, id: row.id), type: "loan_event", ref: true,
                recordedAt: row.recordedAt) { labels in
                JournalLoanEvent(loan: try labels.loan(row.loan), eventKind: row.kind, occurredAt: Self.instant(row.at), amount: row.amount,
                                 interestPart: row.interest, principalPart: row.principal, fee: row.fee, newRateBps: row.bps.map { Int($0) },
                                 indexRay: row.ray, newMaturityAt: row.maturity.map(Self.instant), newTerms: terms, note: row.note, nft: nft)
            }
            dependents["loan:\(row.loan)", default: []].append(Position(at: row.at, rank: rank, id: row.id))
        }
    }

    /// Positions of the lines that refer to each loan (a void of the loan goes after them).
    private var dependents: [String: [Position]] = [:]

    /// The position after every loan in `loans` started (a line naming them must follow them).
    private func after(loans: [Int64], _ position: Position) -> Position {
        var position = position
        for loan in loans { if let start = positions["loan:\(loan)"], start.at > position.at { position.at = start.at } }
        return position
    }

    private mutating func hedges(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, String, Int64, Int64)] = []
        try db.query("SELECT hedge_id, hedge_name, strategy, opened_at, recorded_at FROM hedge ORDER BY hedge_id") { r in
            rows.append((try r.column("hedge_id"), try r.column("hedge_name"), try r.column("strategy"), try r.column("opened_at"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            var loans: [Int64] = []
            try db.query("SELECT loan_id FROM hedge_loan WHERE hedge_id = ? ORDER BY loan_id", row.0) { loans.append(try $0.column("loan_id")) }
            // At its opening, before its first trade; loans it protects that start later are linked
            // when the importer reaches their lines.
            let firstTrade = try db.scalar("SELECT coalesce(min(traded_at), ?2) FROM option_trade WHERE hedge_id = ?1", row.0, row.3, as: Int64.self)
            add(&out, "hedge", row.0, Position(at: min(row.3, firstTrade), rank: Rank.hedge, id: row.0), type: "hedge", ref: false,
                recordedAt: row.4) { [loans] labels in
                JournalHedge(name: row.1, strategy: row.2, openedAt: Self.instant(row.3), protects: loans.isEmpty ? nil : try loans.map(labels.loan))
            }
        }
    }

    private mutating func optionTrades(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, Int64, Int64, Int64, String, String, Int64)] = []
        try db.query("""
            SELECT t.option_trade_id, h.hedge_name, t.contract_id, t.traded_at, t.quantity, t.price, t.fees, t.recorded_at
            FROM option_trade t JOIN hedge h ON h.hedge_id = t.hedge_id ORDER BY t.option_trade_id
            """) { r in
            rows.append((try r.column("option_trade_id"), try r.column("hedge_name"), try r.column("contract_id"), try r.column("traded_at"),
                         try r.column("quantity"), try r.column("price"), try r.column("fees"), try r.column("recorded_at")))
        }
        for row in rows {
            let body = JournalOptionTrade(hedge: row.1, strategy: nil, contract: try contractKey(row.2), tradedAt: Self.instant(row.3), quantity: Int(row.4),
                                          price: row.5, fees: row.6)
            add(&out, "option_trade", row.0, Position(at: row.3, rank: Rank.optionTrade, id: row.0), type: "option_trade", ref: true,
                recordedAt: row.7) { _ in body }
        }
    }

    /// One `settlement` line per contract and settlement: importing it settles every hedge's open
    /// position in the contract again, as `settleContract` did.
    private mutating func settlements(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, Int64, String, Int64)] = []
        try db.query("""
            SELECT min(option_settlement_id) AS option_settlement_id, contract_id, settled_at, settlement_value, min(recorded_at) AS recorded_at
            FROM option_settlement GROUP BY contract_id, settled_at, settlement_value ORDER BY 1
            """) { r in rows.append((try r.column("option_settlement_id"), try r.column("contract_id"), try r.column("settled_at"),
                                     try r.column("settlement_value"), try r.column("recorded_at"))) }
        for row in rows {
            let single = try db.scalar("SELECT count(*) FROM option_settlement WHERE contract_id = ? AND settled_at = ? AND settlement_value = ?",
                                       row.1, row.2, row.3, as: Int.self) == 1
            let body = JournalSettlement(contract: try contractKey(row.1), settlementValue: row.3, settledAt: Self.instant(row.2))
            add(&out, "option_settlement", row.0, Position(at: row.2, rank: Rank.settlement, id: row.0), type: "settlement", ref: single,
                recordedAt: row.4) { _ in body }
        }
    }

    private mutating func externalFlows(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, Int64, String, String, String?, Int64, wallet: String?, opening: Bool)] = []
        try db.query("""
            SELECT external_flow_id, flow_kind, flowed_at, currency, amount, note, recorded_at, wallet, is_opening FROM external_flow
            ORDER BY external_flow_id
            """) { r in
            rows.append((try r.column("external_flow_id"), try r.column("flow_kind"), try r.column("flowed_at"), try r.column("currency"),
                         try r.column("amount"), try r.column("note"), try r.column("recorded_at"),
                         wallet: try r.column("wallet", as: String?.self), opening: try r.column("is_opening", as: Int.self) == 1))
        }
        for row in rows {
            // An opening cash balance is a line of its own type; its ref is labelled like an
            // external_flow's, so corrections name it like any deposit.
            let position = Position(at: row.2, rank: Rank.externalFlow, id: row.0)
            if row.opening {
                let body = JournalOpeningCashBalance(openedAt: Self.instant(row.2), currency: row.3, amount: row.4, note: row.5, wallet: row.wallet)
                add(&out, "external_flow", row.0, position, type: "opening_cash_balance", ref: true, recordedAt: row.6) { _ in body }
            } else {
                let body = JournalExternalFlow(kind: row.1, flowedAt: Self.instant(row.2), currency: row.3, amount: row.4, note: row.5, wallet: row.wallet)
                add(&out, "external_flow", row.0, position, type: "external_flow", ref: true, recordedAt: row.6) { _ in body }
            }
        }
    }

    private mutating func balanceAssertions(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, String, Int64)] = []
        try db.query("SELECT balance_assertion_id, asserted_at, currency, amount, recorded_at FROM balance_assertion ORDER BY balance_assertion_id") { r in
            rows.append((try r.column("balance_assertion_id"), try r.column("asserted_at"), try r.column("currency"), try r.column("amount"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            let body = JournalBalanceAssertion(assertedAt: Self.instant(row.1), currency: row.2, amount: row.3)
            add(&out, "balance_assertion", row.0, Position(at: row.1, rank: Rank.balanceAssertion, id: row.0), type: "balance_assertion", ref: true,
                recordedAt: row.4) { _ in body }
        }
    }

    private mutating func bufferPolicies(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64?, Int64, Double?, Double?, String?, Int64)] = []
        try db.query("""
            SELECT buffer_policy_id, loan_id, effective_at, min_health_factor, max_ltv, note, recorded_at FROM buffer_policy ORDER BY buffer_policy_id
            """) { r in rows.append((try r.column("buffer_policy_id"), try r.column("loan_id"), try r.column("effective_at"),
                                     try r.column("min_health_factor"), try r.column("max_ltv"), try r.column("note"), try r.column("recorded_at"))) }
        for row in rows {
            let position = after(loans: row.1.map { [$0] } ?? [], Position(at: row.2, rank: Rank.bufferPolicy, id: row.0))
            if let loan = row.1 { dependents["loan:\(loan)", default: []].append(position) }
            add(&out, "buffer_policy", row.0, position, type: "buffer_policy", ref: false, recordedAt: row.6) { labels in
                JournalBufferPolicy(loan: try row.1.map(labels.loan), effectiveAt: Self.instant(row.2), minHealthFactor: row.3, maxLtv: row.4, note: row.5)
            }
        }
    }

    /// A governance setting at its effective instant; a loan override no earlier than its loan's start.
    private mutating func riskParameters(_ out: inout [Entry]) throws {
        var rows: [(id: Int64, proto: String?, collection: Int64?, loan: Int64?, at: Int64, maxLTV: Double?, lt: Double, note: String?,
                    recorded: Int64)] = []
        try db.query("""
            SELECT risk_parameter_id, protocol, collection_id, loan_id, effective_at, max_ltv, liquidation_threshold, note, recorded_at
            FROM risk_parameter ORDER BY risk_parameter_id
            """) { r in
            rows.append((try r.column("risk_parameter_id"), try r.column("protocol"), try r.column("collection_id"), try r.column("loan_id"),
                         try r.column("effective_at"), try r.column("max_ltv"), try r.column("liquidation_threshold"), try r.column("note"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            let collection = try row.collection.map(collectionKey)
            let position = after(loans: row.loan.map { [$0] } ?? [], Position(at: row.at, rank: Rank.riskParameter, id: row.id))
            if let loan = row.loan { dependents["loan:\(loan)", default: []].append(position) }
            add(&out, "risk_parameter", row.id, position, type: "risk_parameter", ref: false, recordedAt: row.recorded) { labels in
                JournalRiskParameter(protocol: row.proto, collection: collection, loan: try row.loan.map(labels.loan), effectiveAt: Self.instant(row.at),
                                     maxLtv: row.maxLTV, liquidationThreshold: row.lt, note: row.note)
            }
        }
    }

    /// A yield position at its first flow (after the loan that funded it started), then its
    /// deposits and withdrawals, each with a `ref` so corrections can name it.
    private mutating func yieldPositions(_ out: inout [Entry]) throws {
        var rows: [(id: Int64, name: String, kind: String, currency: String, valuation: String, series: String?, apr: Double?,
                    rule: String?, loan: Int64?, note: String?, recorded: Int64)] = []
        try db.query("""
            SELECT p.yield_position_id, p.position_name, p.position_kind, p.currency, p.valuation, s.series_name, p.accrual_apr, p.accrual_rule,
                   p.loan_id, p.note, p.recorded_at
            FROM yield_position p LEFT JOIN price_series s ON s.series_id = p.share_price_series_id ORDER BY p.yield_position_id
            """) { r in
            rows.append((try r.column("yield_position_id"), try r.column("position_name"), try r.column("position_kind"), try r.column("currency"),
                         try r.column("valuation"), try r.column("series_name"), try r.column("accrual_apr"), try r.column("accrual_rule"),
                         try r.column("loan_id"), try r.column("note"), try r.column("recorded_at")))
        }
        for row in rows {
            var flows: [(id: Int64, kind: String, at: Int64, amount: String, shares: String?, note: String?, recorded: Int64)] = []
            try db.query("""
                SELECT yield_flow_id, flow_kind, flowed_at, amount, shares, note, recorded_at FROM yield_flow WHERE yield_position_id = ?
                ORDER BY yield_flow_id
                """, row.id) { r in
                flows.append((try r.column("yield_flow_id"), try r.column("flow_kind"), try r.column("flowed_at"), try r.column("amount"),
                              try r.column("shares"), try r.column("note"), try r.column("recorded_at")))
            }
            let opened = after(loans: row.loan.map { [$0] } ?? [],
                               Position(at: flows.map(\.at).min() ?? .min, rank: Rank.yieldPosition, id: row.id))
            if let loan = row.loan { dependents["loan:\(loan)", default: []].append(opened) }
            add(&out, "yield_position", row.id, opened, type: "yield_position", ref: false, recordedAt: row.recorded) { labels in
                JournalYieldPosition(name: row.name, kind: row.kind, currency: row.currency, valuation: row.valuation, sharePriceSeries: row.series,
                                     accrualApr: row.apr, accrualRule: row.rule, loan: try row.loan.map(labels.loan), note: row.note)
            }
            for flow in flows {
                let body = JournalYieldFlow(position: row.name, kind: flow.kind, flowedAt: Self.instant(flow.at), amount: flow.amount, shares: flow.shares,
                                            note: flow.note)
                let rank = flow.kind == "deposit" ? Rank.yieldDeposit : Rank.yieldWithdrawal
                add(&out, "yield_flow", flow.id, max(opened, Position(at: flow.at, rank: rank, id: flow.id)), type: "yield_flow", ref: true,
                    recordedAt: flow.recorded) { _ in body }
            }
        }
    }

    /// Each correction right after the later of its entry and its replacement; a voided loan's
    /// void after every line that refers to the loan.
    private mutating func corrections(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, Int64, Int64?, String, Int64)] = []
        try db.query("SELECT entry_correction_id, entry_table, entry_id, replacement_id, reason, recorded_at FROM entry_correction ORDER BY entry_correction_id") { r in
            rows.append((try r.column("entry_correction_id"), try r.column("entry_table"), try r.column("entry_id"), try r.column("replacement_id"),
                         try r.column("reason"), try r.column("recorded_at")))
        }
        for (id, table, entry, replacement, reason, recordedAt) in rows {
            var anchors = [positions["\(table):\(entry)"]] + [replacement.flatMap { positions["\(table):\($0)"] }]
            if table == "loan" { anchors += (dependents["loan:\(entry)"] ?? []).map(Optional.some) + (try refinancing(entry)) }
            guard var position = anchors.compactMap({ $0 }).max() else {
                throw LedgerError.unknownEntity(kind: table, id: String(entry))
            }
            position.sub = id
            out.append(Entry(position: position, key: nil) { labels in
                let body = JournalCorrection(action: replacement == nil ? "void" : "supersede", entry: JournalEntryRef(ref: try labels(table, entry), table: nil, id: nil),
                                             replacement: try replacement.map { JournalEntryRef(ref: try labels(table, $0), table: nil, id: nil) }, reason: reason)
                return try Self.encode("correction", body, recordedAt: recordedAt)
            })
        }
    }

    /// Positions of the loans that refinance `loan` (their lines name it).
    private func refinancing(_ loan: Int64) throws -> [Position?] {
        var result: [Position?] = []
        try db.query("SELECT loan_id FROM loan WHERE refinances_loan_id = ?", loan) {
            result.append(positions["loan:\(try $0.column("loan_id", as: Int64.self))"])
        }
        return result
    }

    // MARK: Market data, streamed

    private func observations(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.withStatement("""
            SELECT s.series_name, o.observed_at, o.price, o.recorded_at FROM price_observation o JOIN price_series s ON s.series_id = o.series_id
            ORDER BY o.series_id, o.observed_at
            """) { r in
            // Every observation of the book: the columns are found by name once, before the loop.
            let series = try r.columnIndex("series_name"), observedAt = try r.columnIndex("observed_at")
            let price = try r.columnIndex("price"), recordedAt = try r.columnIndex("recorded_at")
            while try r.step() {
                let body = JournalPrice(series: try r.column(series), observedAt: Self.instant(try r.column(observedAt)),
                                        price: JournalNumber(try r.column(price)))
                try write(try Self.encode("price", body, recordedAt: try r.column(recordedAt)))
                count += 1
            }
        }
        return count
    }

    private func quotes(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT q.contract_id, q.quoted_at, q.bid, q.ask, q.mark, q.implied_vol, q.underlying, q.recorded_at FROM option_quote q ORDER BY q.contract_id, q.quoted_at
            """) { r in
            func number(_ column: String) throws -> JournalNumber? { try r.column(column, as: Double?.self).map(JournalNumber.init) }
            let body = JournalQuote(contract: try contractKey(try r.column("contract_id")), quotedAt: Self.instant(try r.column("quoted_at")),
                                    bid: try number("bid"), ask: try number("ask"), mark: try number("mark"), impliedVol: try number("implied_vol"),
                                    underlying: try number("underlying"))
            try write(try Self.encode("quote", body, recordedAt: try r.column("recorded_at")))
            count += 1
        }
        return count
    }

    private func reservePoints(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate, recorded_at
            FROM reserve_index ORDER BY protocol, asset, updated_at
            """) { r in
            let body = JournalReservePoint(protocol: try r.column("protocol"), asset: try r.column("asset"),
                                           updatedAt: Self.instant(try r.column("updated_at")),
                                           variableBorrowIndex: try r.column("variable_borrow_index"),
                                           variableBorrowRate: try r.column("variable_borrow_rate"), liquidityIndex: try r.column("liquidity_index"),
                                           liquidityRate: try r.column("liquidity_rate"))
            try write(try Self.encode("reserve_index", body, recordedAt: try r.column("recorded_at")))
            count += 1
        }
        return count
    }

    private func dailySales(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT c.chain, c.contract_address, d.day_at, d.quote, d.sales_count, d.volume, d.min_price, d.median_price, d.max_price,
                   d.advancing, d.declining, d.recorded_at
            FROM collection_daily_sales d JOIN collection c ON c.collection_id = d.collection_id ORDER BY d.collection_id, d.day_at
            """) { r in
            func number(_ column: String) throws -> JournalNumber? { try r.column(column, as: Double?.self).map(JournalNumber.init) }
            let body = JournalDailySales(chain: try r.column("chain"), contractAddress: try r.column("contract_address"),
                                         day: Self.instant(try r.column("day_at")), quote: try r.column("quote"),
                                         salesCount: try r.column("sales_count", as: Int.self), volume: JournalNumber(try r.column("volume")),
                                         minPrice: try number("min_price"), medianPrice: try number("median_price"), maxPrice: try number("max_price"),
                                         advancing: try r.column("advancing"), declining: try r.column("declining"))
            try write(try Self.encode("collection_daily_sales", body, recordedAt: try r.column("recorded_at")))
            count += 1
        }
        return count
    }
}
