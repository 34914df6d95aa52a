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

    /// A line with its position; `line` may hold ref tokens resolved once the order is known.
    private struct Entry {
        var position: Position
        var line: String
        /// The `table:id` this line's `ref` names, when it has one.
        var key: String?
    }

    /// A placeholder for the label of row `id` of `table` (control characters never survive
    /// ``JSONString/quoted(_:)`` in user text, so the token cannot collide with content).
    static func token(_ table: String, _ id: Int64) -> String { "\u{1}\(table):\(id)\u{1}" }

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
        var labels: [String: String] = [:], counts: [String: Int] = [:]
        for entry in entries {
            guard let key = entry.key else { continue }
            let table = String(key.prefix { $0 != ":" })
            counts[table, default: 0] += 1
            labels[Self.token(table, Int64(key.drop { $0 != ":" }.dropFirst()) ?? 0)] = "\(table):\(counts[table]!)"
        }
        for entry in entries { try write(Self.resolve(entry.line, labels)) }
        var count = entries.count
        count += try observations(write)
        count += try quotes(write)
        count += try dailySales(write)
        count += try reservePoints(write)
        return count
    }

    /// `line` with every ref token replaced by its label.
    private static func resolve(_ line: String, _ labels: [String: String]) throws -> String {
        guard line.contains("\u{1}") else { return line }
        var out = "", rest = Substring(line)
        while let start = rest.firstIndex(of: "\u{1}") {
            out += rest[..<start]
            let after = rest.index(after: start)
            guard let end = rest[after...].firstIndex(of: "\u{1}") else { break }
            let token = String(rest[start...end])
            guard let label = labels[token] else {
                throw LedgerError.unknownEntity(kind: "exported entry", id: String(rest[after..<end]))
            }
            out += label
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private static func recordedAt(_ line: inout JournalLine, _ seconds: Int64) {
        line.add("recorded_at", Instant(unixSeconds: seconds).description)
    }

    // MARK: Reference data

    private mutating func add(_ out: inout [Entry], _ table: String, _ id: Int64, _ position: Position, _ line: JournalLine, ref: Bool) {
        positions["\(table):\(id)"] = position
        out.append(Entry(position: position, line: line.rendered, key: ref ? "\(table):\(id)" : nil))
    }

    private mutating func collections(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, String, String, Int64)] = []
        try db.query("SELECT collection_id, chain, contract_address, collection_name, recorded_at FROM collection ORDER BY collection_id") { r in
            rows.append((try r.column("collection_id"), try r.column("chain"), try r.column("contract_address"), try r.column("collection_name"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            var line = JournalLine(type: "collection")
            line.add("chain", row.1)
            line.add("contract_address", row.2)
            line.add("name", row.3)
            Self.recordedAt(&line, row.4)
            add(&out, "collection", row.0, Position(at: .min, rank: Rank.collection, id: row.0), line, ref: false)
        }
    }

    private static let nftKeySQL = "SELECT c.chain, c.contract_address, n.token_id FROM nft n JOIN collection c ON c.collection_id = n.collection_id WHERE n.nft_id = ?"

    private func nftKey(_ id: Int64) throws -> [(String, String)] {
        try db.withStatement(Self.nftKeySQL) { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "nft", id: String(id)) }
            return [("chain", try s.column("chain")), ("contract_address", try s.column("contract_address")), ("token_id", try s.column("token_id"))]
        }
    }

    private mutating func nfts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT nft_id, recorded_at FROM nft ORDER BY nft_id") { rows.append((try $0.column("nft_id"), try $0.column("recorded_at"))) }
        for (id, recordedAt) in rows {
            var line = JournalLine(type: "nft")
            for (key, value) in try nftKey(id) { line.add(key, value) }
            Self.recordedAt(&line, recordedAt)
            add(&out, "nft", id, Position(at: .min, rank: Rank.nft, id: id), line, ref: false)
        }
    }

    private func collectionKey(_ id: Int64) throws -> [(String, String)] {
        try db.withStatement("SELECT chain, contract_address FROM collection WHERE collection_id = ?") { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "collection", id: String(id)) }
            return [("chain", try s.column("chain")), ("contract_address", try s.column("contract_address"))]
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
            var line = JournalLine(type: "price_series")
            line.add("name", row.name)
            line.add("kind", row.kind)
            line.add("base", row.base)
            line.add("quote", row.quote)
            if let collection = row.collection { line.addRaw("collection", JournalLine.object(try collectionKey(collection))) }
            if let nft = row.nft { line.addRaw("nft", JournalLine.object(try nftKey(nft))) }
            line.add("protocol", row.proto)
            Self.recordedAt(&line, row.at)
            add(&out, "price_series", row.id, Position(at: .min, rank: Rank.series, id: row.id), line, ref: false)
        }
    }

    private func addContractKey(_ line: inout JournalLine, _ contract: Int64) throws {
        try db.withStatement("SELECT root, option_type, strike, expires_at, multiplier FROM option_contract WHERE contract_id = ?") { s in
            try s.bind(contract)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "option contract", id: String(contract)) }
            line.add("root", try s.column("root", as: String.self))
            line.add("option_type", try s.column("option_type", as: String.self))
            line.add("strike", try s.column("strike", as: String.self))
            line.add("expires_at", Instant(unixSeconds: try s.column("expires_at")).description)
            line.add("multiplier", try s.column("multiplier", as: Int64.self))
        }
    }

    private mutating func contracts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT contract_id, recorded_at FROM option_contract ORDER BY contract_id") {
            rows.append((try $0.column("contract_id"), try $0.column("recorded_at")))
        }
        for (id, recordedAt) in rows {
            var line = JournalLine(type: "option_contract")
            try addContractKey(&line, id)
            Self.recordedAt(&line, recordedAt)
            add(&out, "option_contract", id, Position(at: .min, rank: Rank.contract, id: id), line, ref: false)
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
            // An opening position is a line of its own type; its ref stays an nft_trade token, so
            // corrections name it like any trade.
            var line = JournalLine(type: row.9 ? "opening_position" : "nft_trade")
            line.addRaw("ref", "\"" + Self.token("nft_trade", row.0) + "\"")
            for (key, value) in try nftKey(row.1) { line.add(key, value) }
            if row.9 {
                line.add("opened_at", Instant(unixSeconds: row.3).description)
                line.add("currency", row.4)
                // No cost key means "unknown", never zero.
                if row.10 {
                    line.add("cost", row.5)
                    line.add("fees", row.6)
                }
            } else {
                line.add("side", row.2)
                line.add("traded_at", Instant(unixSeconds: row.3).description)
                line.add("currency", row.4)
                line.add("price", row.5)
                line.add("fees", row.6)
            }
            line.add("note", row.7)
            line.add("wallet", row.11)
            Self.recordedAt(&line, row.8)
            add(&out, "nft_trade", row.0, Position(at: row.3, rank: try TradeSide.decode(row.2, field: "stored side") == .dispose ? Rank.dispose : Rank.acquire, id: row.0), line, ref: true)
        }
    }

    private mutating func nftTransfers(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, String, Int64, Int64)] = []
        try db.query("SELECT nft_transfer_id, nft_id, from_wallet, to_wallet, transferred_at, recorded_at FROM nft_transfer ORDER BY nft_transfer_id") { r in
            rows.append((try r.column("nft_transfer_id"), try r.column("nft_id"), try r.column("from_wallet"), try r.column("to_wallet"),
                         try r.column("transferred_at"), try r.column("recorded_at")))
        }
        for row in rows {
            var line = JournalLine(type: "nft_transfer")
            for (key, value) in try nftKey(row.1) { line.add(key, value) }
            line.add("from_wallet", row.2)
            line.add("to_wallet", row.3)
            line.add("transferred_at", Instant(unixSeconds: row.4).description)
            Self.recordedAt(&line, row.5)
            add(&out, "nft_transfer", row.0, Position(at: row.4, rank: Rank.transfer, id: row.0), line, ref: false)
        }
    }

    /// A loan reference: the label of the loan's own line.
    private static func loanRef(_ id: Int64) -> String { "{\"ref\":\"" + token("loan", id) + "\"}" }

    private mutating func loans(_ out: inout [Entry]) throws {
        var ids: [Int64] = []
        try db.query("SELECT loan_id FROM loan ORDER BY loan_id") { ids.append(try $0.column("loan_id")) }
        for id in ids {
            // A running loan is a line of its own type (its ref stays a loan token); it is placed
            // at its opening, when its collateral is held.
            let openedAt = try db.scalar("SELECT opened_at FROM loan WHERE loan_id = ?", id, as: Int64?.self)
            var line = JournalLine(type: openedAt == nil ? "loan" : "opening_loan")
            var position = Position(at: 0, rank: Rank.loanStart, id: id)
            try db.withStatement("""
                SELECT protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, terms, max_ltv,
                       liquidation_threshold, refinances_loan_id, recorded_at, wallet, opened_at, opening_principal, opening_interest_paid
                FROM loan WHERE loan_id = ?
                """) { r in
                try r.bind(id)
                guard try r.step() else { throw LedgerError.unknownEntity(kind: "loan", id: String(id)) }
                line.addRaw("ref", "\"" + Self.token("loan", id) + "\"")
                line.add("protocol", try r.column("protocol", as: String.self))
                line.add("external_ref", try r.column("external_ref", as: String?.self))
                line.add("currency", try r.column("currency", as: String.self))
                line.add("principal", try r.column("principal", as: String.self))
                line.add("amount_received", try r.column("amount_received", as: String.self))
                position.at = try r.column("started_at")
                line.add("started_at", Instant(unixSeconds: position.at).description)
                line.add("maturity_at", try r.column("maturity_at", as: Int64?.self).map { Instant(unixSeconds: $0).description })
                line.addRaw("terms", try r.column("terms", as: String.self))
                line.add("max_ltv", try r.column("max_ltv", as: Double?.self))
                line.add("liquidation_threshold", try r.column("liquidation_threshold", as: Double?.self))
                var collateral: [String] = []
                try db.query("SELECT nft_id FROM loan_collateral WHERE loan_id = ? ORDER BY nft_id", id) {
                    collateral.append(JournalLine.object(try nftKey(try $0.column("nft_id"))))
                }
                line.addRaw("collateral", "[" + collateral.joined(separator: ",") + "]")
                // Importing `refinances` books the refinanced loan's close too (it is not written).
                if let refinances = try r.column("refinances_loan_id", as: Int64?.self) { line.addRaw("refinances", Self.loanRef(refinances)) }
                line.add("wallet", try r.column("wallet", as: String?.self))
                if let openedAt {
                    position.at = openedAt
                    let principal = try StoredValue.decimal(r, "principal"), outstanding = try StoredValue.decimal(r, "opening_principal")
                    line.add("opened_at", Instant(unixSeconds: openedAt).description)
                    line.add("principal_repaid", (principal - outstanding).description)
                    line.add("interest_paid", try r.column("opening_interest_paid", as: String.self))
                }
                Self.recordedAt(&line, try r.column("recorded_at"))
            }
            add(&out, "loan", id, position, line, ref: true)
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
            var line = JournalLine(type: "loan_event")
            line.addRaw("ref", "\"" + Self.token("loan_event", row.id) + "\"")
            line.addRaw("loan", Self.loanRef(row.loan))
            line.add("event_kind", row.kind)
            line.add("occurred_at", Instant(unixSeconds: row.at).description)
            line.add("amount", row.amount)
            line.add("interest_part", row.interest)
            line.add("principal_part", row.principal)
            line.add("fee", row.fee)
            if let bps = row.bps { line.add("new_rate_bps", bps) }
            line.add("index_ray", row.ray)
            line.add("new_maturity_at", row.maturity.map { Instant(unixSeconds: $0).description })
            if let terms = row.terms { line.addRaw("new_terms", terms) }
            line.add("note", row.note)
            if let nft = row.nft { line.addRaw("nft", JournalLine.object(try nftKey(nft))) }
            Self.recordedAt(&line, row.recordedAt)
            let terminal = ["close", "liquidation", "foreclosure"].contains(row.kind)
            let atStart = row.at == row.started
            let rank = terminal ? (atStart ? Rank.endAtStart : Rank.loanEnd) : (atStart ? Rank.eventAtStart : Rank.loanEvent)
            add(&out, "loan_event", row.id, Position(at: row.at, rank: rank, id: row.id), line, ref: true)
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
            var line = JournalLine(type: "hedge")
            line.add("name", row.1)
            line.add("strategy", row.2)
            line.add("opened_at", Instant(unixSeconds: row.3).description)
            var loans: [Int64] = []
            try db.query("SELECT loan_id FROM hedge_loan WHERE hedge_id = ? ORDER BY loan_id", row.0) { loans.append(try $0.column("loan_id")) }
            if !loans.isEmpty { line.addRaw("protects", "[" + loans.map(Self.loanRef).joined(separator: ",") + "]") }
            Self.recordedAt(&line, row.4)
            // At its opening, before its first trade; loans it protects that start later are linked
            // when the importer reaches their lines.
            let firstTrade = try db.scalar("SELECT coalesce(min(traded_at), ?2) FROM option_trade WHERE hedge_id = ?1", row.0, row.3, as: Int64.self)
            add(&out, "hedge", row.0, Position(at: min(row.3, firstTrade), rank: Rank.hedge, id: row.0), line, ref: false)
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
            var line = JournalLine(type: "option_trade")
            line.addRaw("ref", "\"" + Self.token("option_trade", row.0) + "\"")
            line.add("hedge", row.1)
            try addContractKey(&line, row.2)
            line.add("traded_at", Instant(unixSeconds: row.3).description)
            line.add("quantity", row.4)
            line.add("price", row.5)
            line.add("fees", row.6)
            Self.recordedAt(&line, row.7)
            add(&out, "option_trade", row.0, Position(at: row.3, rank: Rank.optionTrade, id: row.0), line, ref: true)
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
            var line = JournalLine(type: "settlement")
            let single = try db.scalar("SELECT count(*) FROM option_settlement WHERE contract_id = ? AND settled_at = ? AND settlement_value = ?",
                                       row.1, row.2, row.3, as: Int.self) == 1
            if single { line.addRaw("ref", "\"" + Self.token("option_settlement", row.0) + "\"") }
            try addContractKey(&line, row.1)
            line.add("settlement_value", row.3)
            line.add("settled_at", Instant(unixSeconds: row.2).description)
            Self.recordedAt(&line, row.4)
            add(&out, "option_settlement", row.0, Position(at: row.2, rank: Rank.settlement, id: row.0), line, ref: single)
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
            // An opening cash balance is a line of its own type; its ref stays an external_flow
            // token, so corrections name it like any deposit.
            var line = JournalLine(type: row.opening ? "opening_cash_balance" : "external_flow")
            line.addRaw("ref", "\"" + Self.token("external_flow", row.0) + "\"")
            if row.opening {
                line.add("opened_at", Instant(unixSeconds: row.2).description)
            } else {
                line.add("kind", row.1)
                line.add("flowed_at", Instant(unixSeconds: row.2).description)
            }
            line.add("currency", row.3)
            line.add("amount", row.4)
            line.add("note", row.5)
            line.add("wallet", row.wallet)
            Self.recordedAt(&line, row.6)
            add(&out, "external_flow", row.0, Position(at: row.2, rank: Rank.externalFlow, id: row.0), line, ref: true)
        }
    }

    private mutating func balanceAssertions(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, String, Int64)] = []
        try db.query("SELECT balance_assertion_id, asserted_at, currency, amount, recorded_at FROM balance_assertion ORDER BY balance_assertion_id") { r in
            rows.append((try r.column("balance_assertion_id"), try r.column("asserted_at"), try r.column("currency"), try r.column("amount"),
                         try r.column("recorded_at")))
        }
        for row in rows {
            var line = JournalLine(type: "balance_assertion")
            line.addRaw("ref", "\"" + Self.token("balance_assertion", row.0) + "\"")
            line.add("asserted_at", Instant(unixSeconds: row.1).description)
            line.add("currency", row.2)
            line.add("amount", row.3)
            Self.recordedAt(&line, row.4)
            add(&out, "balance_assertion", row.0, Position(at: row.1, rank: Rank.balanceAssertion, id: row.0), line, ref: true)
        }
    }

    private mutating func bufferPolicies(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64?, Int64, Double?, Double?, String?, Int64)] = []
        try db.query("""
            SELECT buffer_policy_id, loan_id, effective_at, min_health_factor, max_ltv, note, recorded_at FROM buffer_policy ORDER BY buffer_policy_id
            """) { r in rows.append((try r.column("buffer_policy_id"), try r.column("loan_id"), try r.column("effective_at"),
                                     try r.column("min_health_factor"), try r.column("max_ltv"), try r.column("note"), try r.column("recorded_at"))) }
        for row in rows {
            var line = JournalLine(type: "buffer_policy")
            if let loan = row.1 { line.addRaw("loan", Self.loanRef(loan)) }
            line.add("effective_at", Instant(unixSeconds: row.2).description)
            line.add("min_health_factor", row.3)
            line.add("max_ltv", row.4)
            line.add("note", row.5)
            Self.recordedAt(&line, row.6)
            let position = after(loans: row.1.map { [$0] } ?? [], Position(at: row.2, rank: Rank.bufferPolicy, id: row.0))
            if let loan = row.1 { dependents["loan:\(loan)", default: []].append(position) }
            add(&out, "buffer_policy", row.0, position, line, ref: false)
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
            var line = JournalLine(type: "risk_parameter")
            line.add("protocol", row.proto)
            if let collection = row.collection { line.addRaw("collection", JournalLine.object(try collectionKey(collection))) }
            if let loan = row.loan { line.addRaw("loan", Self.loanRef(loan)) }
            line.add("effective_at", Instant(unixSeconds: row.at).description)
            line.add("max_ltv", row.maxLTV)
            line.add("liquidation_threshold", row.lt)
            line.add("note", row.note)
            Self.recordedAt(&line, row.recorded)
            let position = after(loans: row.loan.map { [$0] } ?? [], Position(at: row.at, rank: Rank.riskParameter, id: row.id))
            if let loan = row.loan { dependents["loan:\(loan)", default: []].append(position) }
            add(&out, "risk_parameter", row.id, position, line, ref: false)
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
            var line = JournalLine(type: "yield_position")
            line.add("name", row.name)
            line.add("kind", row.kind)
            line.add("currency", row.currency)
            line.add("valuation", row.valuation)
            line.add("share_price_series", row.series)
            line.add("accrual_apr", row.apr)
            line.add("accrual_rule", row.rule)
            if let loan = row.loan { line.addRaw("loan", Self.loanRef(loan)) }
            line.add("note", row.note)
            Self.recordedAt(&line, row.recorded)
            let opened = after(loans: row.loan.map { [$0] } ?? [],
                               Position(at: flows.map(\.at).min() ?? .min, rank: Rank.yieldPosition, id: row.id))
            if let loan = row.loan { dependents["loan:\(loan)", default: []].append(opened) }
            add(&out, "yield_position", row.id, opened, line, ref: false)
            for flow in flows {
                var line = JournalLine(type: "yield_flow")
                line.addRaw("ref", "\"" + Self.token("yield_flow", flow.id) + "\"")
                line.add("position", row.name)
                line.add("kind", flow.kind)
                line.add("flowed_at", Instant(unixSeconds: flow.at).description)
                line.add("amount", flow.amount)
                line.add("shares", flow.shares)
                line.add("note", flow.note)
                Self.recordedAt(&line, flow.recorded)
                let rank = flow.kind == "deposit" ? Rank.yieldDeposit : Rank.yieldWithdrawal
                add(&out, "yield_flow", flow.id, max(opened, Position(at: flow.at, rank: rank, id: flow.id)), line, ref: true)
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
            var line = JournalLine(type: "correction")
            line.add("action", replacement == nil ? "void" : "supersede")
            line.addRaw("entry", "{\"ref\":\"" + Self.token(table, entry) + "\"}")
            if let replacement { line.addRaw("replacement", "{\"ref\":\"" + Self.token(table, replacement) + "\"}") }
            line.add("reason", reason)
            Self.recordedAt(&line, recordedAt)
            var anchors = [positions["\(table):\(entry)"]] + [replacement.flatMap { positions["\(table):\($0)"] }]
            if table == "loan" { anchors += (dependents["loan:\(entry)"] ?? []).map(Optional.some) + (try refinancing(entry)) }
            guard var position = anchors.compactMap({ $0 }).max() else {
                throw LedgerError.unknownEntity(kind: table, id: String(entry))
            }
            position.sub = id
            out.append(Entry(position: position, line: line.rendered, key: nil))
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
                var line = JournalLine(type: "price")
                line.add("series", try r.column(series, as: String.self))
                line.add("observed_at", Instant(unixSeconds: try r.column(observedAt)).description)
                line.add("price", try r.column(price, as: Double.self))
                Self.recordedAt(&line, try r.column(recordedAt))
                try write(line.rendered)
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
            var line = JournalLine(type: "quote")
            try addContractKey(&line, try r.column("contract_id"))
            line.add("quoted_at", Instant(unixSeconds: try r.column("quoted_at")).description)
            line.add("bid", try r.column("bid", as: Double?.self))
            line.add("ask", try r.column("ask", as: Double?.self))
            line.add("mark", try r.column("mark", as: Double?.self))
            line.add("implied_vol", try r.column("implied_vol", as: Double?.self))
            line.add("underlying", try r.column("underlying", as: Double?.self))
            Self.recordedAt(&line, try r.column("recorded_at"))
            try write(line.rendered)
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
            var line = JournalLine(type: "reserve_index")
            line.add("protocol", try r.column("protocol", as: String.self))
            line.add("asset", try r.column("asset", as: String.self))
            line.add("updated_at", Instant(unixSeconds: try r.column("updated_at")).description)
            line.add("variable_borrow_index", try r.column("variable_borrow_index", as: String.self))
            line.add("variable_borrow_rate", try r.column("variable_borrow_rate", as: String.self))
            line.add("liquidity_index", try r.column("liquidity_index", as: String?.self))
            line.add("liquidity_rate", try r.column("liquidity_rate", as: String?.self))
            Self.recordedAt(&line, try r.column("recorded_at"))
            try write(line.rendered)
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
            var line = JournalLine(type: "collection_daily_sales")
            line.add("chain", try r.column("chain", as: String.self))
            line.add("contract_address", try r.column("contract_address", as: String.self))
            line.add("day", Instant(unixSeconds: try r.column("day_at")).description)
            line.add("quote", try r.column("quote", as: String.self))
            line.add("sales_count", try r.column("sales_count", as: Int64.self))
            line.add("volume", try r.column("volume", as: Double.self))
            line.add("min_price", try r.column("min_price", as: Double?.self))
            line.add("median_price", try r.column("median_price", as: Double?.self))
            line.add("max_price", try r.column("max_price", as: Double?.self))
            if let advancing = try r.column("advancing", as: Int64?.self) { line.add("advancing", advancing) }
            if let declining = try r.column("declining", as: Int64?.self) { line.add("declining", declining) }
            Self.recordedAt(&line, try r.column("recorded_at"))
            try write(line.rendered)
            count += 1
        }
        return count
    }
}
