import LedgerMath
import SQLiteDB

extension Ledger {
    /// Writes the whole book as the JSON Lines journal that `importJournal` reads (docs/import.md):
    /// every entry ever booked — corrected ones too — and every correction, so importing the file
    /// into an empty ledger rebuilds the same book (same ids, amounts, instants, corrections).
    ///
    /// What is not carried over: `recorded_at` (the importing ledger stamps its own, as for any
    /// import) and the import sources. Entries are written in the order they were booked
    /// (`recorded_at`, then a table order that respects references), then price observations and
    /// option quotes, streamed.
    ///
    /// - Parameter write: receives each line (without its newline), in order.
    /// - Returns: the number of lines written.
    @discardableResult
    public func exportJournal(_ write: (String) throws -> Void) throws -> Int {
        try read { book in try JournalExporter(db: book.db).export(write) }
    }
}

/// Builds the journal lines from the tables. Lines reference entities by natural keys, and
/// correctable entries carry a `ref` of the form `table:id` that corrections name.
struct JournalExporter {
    let db: Connection

    /// A booked line with the key that orders it among the others.
    private struct Entry {
        var recordedAt: Int64
        var rank: Int
        var id: Int64
        var line: String
        /// Orders a line slotted among another table's lines (a refinancing loan among events).
        var sub = 1
    }

    func export(_ write: (String) throws -> Void) throws -> Int {
        var entries: [Entry] = []
        try collections(&entries)
        try nfts(&entries)
        try series(&entries)
        try nftTrades(&entries)
        try loans(&entries)
        try loanEvents(&entries)
        try hedges(&entries)
        try contracts(&entries)
        try optionTrades(&entries)
        try settlements(&entries)
        try externalFlows(&entries)
        try balanceAssertions(&entries)
        try corrections(&entries)
        try bufferPolicies(&entries)
        entries.sort { ($0.recordedAt, $0.rank, $0.id, $0.sub) < ($1.recordedAt, $1.rank, $1.id, $1.sub) }
        for entry in entries { try write(entry.line) }
        var count = entries.count
        count += try observations(write)
        count += try quotes(write)
        count += try dailySales(write)
        count += try reservePoints(write)
        return count
    }

    // MARK: Reference data

    private func collections(_ out: inout [Entry]) throws {
        try db.query("SELECT collection_id, chain, contract_address, collection_name, recorded_at FROM collection ORDER BY collection_id") { r in
            var line = JournalLine(type: "collection")
            line.add("chain", try r.column(1, as: String.self))
            line.add("contract_address", try r.column(2, as: String.self))
            line.add("name", try r.column(3, as: String.self))
            out.append(Entry(recordedAt: try r.column(4), rank: 0, id: try r.column(0), line: line.rendered))
        }
    }

    private static let nftKeySQL = "SELECT c.chain, c.contract_address, n.token_id FROM nft n JOIN collection c ON c.collection_id = n.collection_id WHERE n.nft_id = ?"

    private func nftKey(_ id: Int64) throws -> [(String, String)] {
        try db.withStatement(Self.nftKeySQL) { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "nft", id: String(id)) }
            return [("chain", try s.column(0)), ("contract_address", try s.column(1)), ("token_id", try s.column(2))]
        }
    }

    private func nfts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT nft_id, recorded_at FROM nft ORDER BY nft_id") { rows.append((try $0.column(0), try $0.column(1))) }
        for (id, recordedAt) in rows {
            var line = JournalLine(type: "nft")
            for (key, value) in try nftKey(id) { line.add(key, value) }
            out.append(Entry(recordedAt: recordedAt, rank: 1, id: id, line: line.rendered))
        }
    }

    private func series(_ out: inout [Entry]) throws {
        var rows: [(id: Int64, name: String, kind: String, base: String?, quote: String?, collection: Int64?, nft: Int64?, proto: String?, at: Int64)] = []
        try db.query("""
            SELECT series_id, series_name, series_kind, base, quote, collection_id, nft_id, protocol, recorded_at FROM price_series ORDER BY series_id
            """) { r in
            rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4), try r.column(5), try r.column(6),
                         try r.column(7), try r.column(8)))
        }
        for row in rows {
            var line = JournalLine(type: "price_series")
            line.add("name", row.name)
            line.add("kind", row.kind)
            line.add("base", row.base)
            line.add("quote", row.quote)
            if let collection = row.collection {
                let key = try db.withStatement("SELECT chain, contract_address FROM collection WHERE collection_id = ?") { s -> [(String, String)] in
                    try s.bind(collection)
                    guard try s.step() else { throw LedgerError.unknownEntity(kind: "collection", id: String(collection)) }
                    return [("chain", try s.column(0)), ("contract_address", try s.column(1))]
                }
                line.addRaw("collection", JournalLine.object(key))
            }
            if let nft = row.nft { line.addRaw("nft", JournalLine.object(try nftKey(nft))) }
            line.add("protocol", row.proto)
            out.append(Entry(recordedAt: row.at, rank: 2, id: row.id, line: line.rendered))
        }
    }

    // MARK: Booked entries

    private func nftTrades(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, String, Int64, String, String, String, String?, Int64)] = []
        try db.query("SELECT nft_trade_id, nft_id, side, traded_at, currency, price, fees, note, recorded_at FROM nft_trade ORDER BY nft_trade_id") { r in
            rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4), try r.column(5), try r.column(6),
                         try r.column(7), try r.column(8)))
        }
        for row in rows {
            var line = JournalLine(type: "nft_trade")
            line.add("ref", "nft_trade:\(row.0)")
            for (key, value) in try nftKey(row.1) { line.add(key, value) }
            line.add("side", row.2)
            line.add("traded_at", Instant(unixSeconds: row.3).description)
            line.add("currency", row.4)
            line.add("price", row.5)
            line.add("fees", row.6)
            line.add("note", row.7)
            out.append(Entry(recordedAt: row.8, rank: 3, id: row.0, line: line.rendered))
        }
    }

    /// A loan reference: protocol + external_ref when the loan has one, its id otherwise.
    private func loanRef(_ id: Int64) throws -> String {
        try db.withStatement("SELECT protocol, external_ref FROM loan WHERE loan_id = ?") { s in
            try s.bind(id)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "loan", id: String(id)) }
            if let ref = try s.column(1, as: String?.self) {
                return JournalLine.object([("protocol", try s.column(0)), ("external_ref", ref)])
            }
            return "{\"loan_id\":\(id)}"
        }
    }

    private func loans(_ out: inout [Entry]) throws {
        var ids: [Int64] = []
        try db.query("SELECT loan_id FROM loan ORDER BY loan_id") { ids.append(try $0.column(0)) }
        for id in ids {
            try db.withStatement("""
                SELECT protocol, external_ref, currency, principal, amount_received, started_at, maturity_at, terms, max_ltv,
                       liquidation_threshold, refinances_loan_id, recorded_at FROM loan WHERE loan_id = ?
                """) { r in
                try r.bind(id)
                guard try r.step() else { return }
                var line = JournalLine(type: "loan")
                line.add("ref", "loan:\(id)")
                line.add("protocol", try r.column(0, as: String.self))
                line.add("external_ref", try r.column(1, as: String?.self))
                line.add("currency", try r.column(2, as: String.self))
                line.add("principal", try r.column(3, as: String.self))
                line.add("amount_received", try r.column(4, as: String.self))
                line.add("started_at", Instant(unixSeconds: try r.column(5)).description)
                line.add("maturity_at", try r.column(6, as: Int64?.self).map { Instant(unixSeconds: $0).description })
                line.addRaw("terms", try r.column(7, as: String.self))
                line.add("max_ltv", try r.column(8, as: Double?.self))
                line.add("liquidation_threshold", try r.column(9, as: Double?.self))
                let refinances = try r.column(10, as: Int64?.self)
                let recordedAt = try r.column(11, as: Int64.self)
                var collateral: [String] = []
                try db.query("SELECT nft_id FROM loan_collateral WHERE loan_id = ? ORDER BY nft_id", id) {
                    collateral.append(JournalLine.object(try nftKey(try $0.column(0))))
                }
                line.addRaw("collateral", "[" + collateral.joined(separator: ",") + "]")
                if let refinances {
                    line.addRaw("refinances", try loanRef(refinances))
                    // Importing this line books the refinanced loan's close too, so it goes where that
                    // close was booked among the events: event ids then come out the same.
                    if let close = try db.scalarIfAny("""
                        SELECT loan_event_id FROM loan_event WHERE loan_id = ? AND event_kind = 'close' AND note = ?
                        """, refinances, "refinanced by loan \(id)", as: Int64.self) {
                        out.append(Entry(recordedAt: recordedAt, rank: 5, id: close, line: line.rendered, sub: 0))
                        return
                    }
                }
                out.append(Entry(recordedAt: recordedAt, rank: 4, id: id, line: line.rendered))
            }
        }
    }

    private func loanEvents(_ out: inout [Entry]) throws {
        // The close that `addLoan` books on a refinanced loan is re-created by importing the new
        // loan's `refinances`, so it is not written twice.
        var rows: [(id: Int64, loan: Int64, kind: String, at: Int64, amount: String?, interest: String?, principal: String?, fee: String?,
                    bps: Int64?, ray: String?, maturity: Int64?, terms: String?, note: String?, recordedAt: Int64)] = []
        try db.query("""
            SELECT e.loan_event_id, e.loan_id, e.event_kind, e.occurred_at, e.amount, e.interest_part, e.principal_part, e.fee, e.new_rate_bps,
                   e.index_ray, e.new_maturity_at, e.new_terms, e.note, e.recorded_at
            FROM loan_event e
            WHERE NOT (e.event_kind = 'close' AND EXISTS (
                SELECT 1 FROM loan n WHERE n.refinances_loan_id = e.loan_id AND n.started_at = e.occurred_at
                  AND e.note = 'refinanced by loan ' || n.loan_id))
            ORDER BY e.loan_event_id
            """) { r in
            rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4), try r.column(5), try r.column(6),
                         try r.column(7), try r.column(8), try r.column(9), try r.column(10), try r.column(11), try r.column(12), try r.column(13)))
        }
        for row in rows {
            var line = JournalLine(type: "loan_event")
            line.add("ref", "loan_event:\(row.id)")
            line.addRaw("loan", try loanRef(row.loan))
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
            out.append(Entry(recordedAt: row.recordedAt, rank: 5, id: row.id, line: line.rendered))
        }
    }

    private func hedges(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, String, Int64, Int64)] = []
        try db.query("SELECT hedge_id, hedge_name, strategy, opened_at, recorded_at FROM hedge ORDER BY hedge_id") { r in
            rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4)))
        }
        for row in rows {
            var line = JournalLine(type: "hedge")
            line.add("name", row.1)
            line.add("strategy", row.2)
            line.add("opened_at", Instant(unixSeconds: row.3).description)
            var loans: [String] = []
            try db.query("SELECT loan_id FROM hedge_loan WHERE hedge_id = ? ORDER BY loan_id", row.0) { loans.append(try loanRef(try $0.column(0))) }
            if !loans.isEmpty { line.addRaw("protects", "[" + loans.joined(separator: ",") + "]") }
            out.append(Entry(recordedAt: row.4, rank: 6, id: row.0, line: line.rendered))
        }
    }

    private func addContractKey(_ line: inout JournalLine, _ contract: Int64) throws {
        try db.withStatement("SELECT root, option_type, strike, expires_at, multiplier FROM option_contract WHERE contract_id = ?") { s in
            try s.bind(contract)
            guard try s.step() else { throw LedgerError.unknownEntity(kind: "option contract", id: String(contract)) }
            line.add("root", try s.column(0, as: String.self))
            line.add("option_type", try s.column(1, as: String.self))
            line.add("strike", try s.column(2, as: String.self))
            line.add("expires_at", Instant(unixSeconds: try s.column(3)).description)
            line.add("multiplier", try s.column(4, as: Int64.self))
        }
    }

    private func contracts(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64)] = []
        try db.query("SELECT contract_id, recorded_at FROM option_contract ORDER BY contract_id") { rows.append((try $0.column(0), try $0.column(1))) }
        for (id, recordedAt) in rows {
            var line = JournalLine(type: "option_contract")
            try addContractKey(&line, id)
            out.append(Entry(recordedAt: recordedAt, rank: 7, id: id, line: line.rendered))
        }
    }

    private func optionTrades(_ out: inout [Entry]) throws {
        var rows: [(Int64, String, Int64, Int64, Int64, String, String, Int64)] = []
        try db.query("""
            SELECT t.option_trade_id, h.hedge_name, t.contract_id, t.traded_at, t.quantity, t.price, t.fees, t.recorded_at
            FROM option_trade t JOIN hedge h ON h.hedge_id = t.hedge_id ORDER BY t.option_trade_id
            """) { r in
            rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4), try r.column(5), try r.column(6), try r.column(7)))
        }
        for row in rows {
            var line = JournalLine(type: "option_trade")
            line.add("ref", "option_trade:\(row.0)")
            line.add("hedge", row.1)
            try addContractKey(&line, row.2)
            line.add("traded_at", Instant(unixSeconds: row.3).description)
            line.add("quantity", row.4)
            line.add("price", row.5)
            line.add("fees", row.6)
            out.append(Entry(recordedAt: row.7, rank: 8, id: row.0, line: line.rendered))
        }
    }

    /// One `settlement` line per contract and settlement: importing it settles every hedge's open
    /// position in the contract again, as `settleContract` did.
    private func settlements(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64, Int64, String, Int64)] = []
        try db.query("""
            SELECT min(option_settlement_id), contract_id, settled_at, settlement_value, min(recorded_at)
            FROM option_settlement GROUP BY contract_id, settled_at, settlement_value ORDER BY 1
            """) { r in rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4))) }
        for row in rows {
            var line = JournalLine(type: "settlement")
            let single = try db.scalar("SELECT count(*) FROM option_settlement WHERE contract_id = ? AND settled_at = ? AND settlement_value = ?",
                                       row.1, row.2, row.3, as: Int.self) == 1
            if single { line.add("ref", "option_settlement:\(row.0)") }
            try addContractKey(&line, row.1)
            line.add("settlement_value", row.3)
            line.add("settled_at", Instant(unixSeconds: row.2).description)
            out.append(Entry(recordedAt: row.4, rank: 9, id: row.0, line: line.rendered))
        }
    }

    private func externalFlows(_ out: inout [Entry]) throws {
        try db.query("SELECT external_flow_id, flow_kind, flowed_at, currency, amount, note, recorded_at FROM external_flow ORDER BY external_flow_id") { r in
            let id: Int64 = try r.column(0)
            var line = JournalLine(type: "external_flow")
            line.add("ref", "external_flow:\(id)")
            line.add("kind", try r.column(1, as: String.self))
            line.add("flowed_at", Instant(unixSeconds: try r.column(2)).description)
            line.add("currency", try r.column(3, as: String.self))
            line.add("amount", try r.column(4, as: String.self))
            line.add("note", try r.column(5, as: String?.self))
            out.append(Entry(recordedAt: try r.column(6), rank: 12, id: id, line: line.rendered))
        }
    }

    private func balanceAssertions(_ out: inout [Entry]) throws {
        try db.query("SELECT balance_assertion_id, asserted_at, currency, amount, recorded_at FROM balance_assertion ORDER BY balance_assertion_id") { r in
            let id: Int64 = try r.column(0)
            var line = JournalLine(type: "balance_assertion")
            line.add("ref", "balance_assertion:\(id)")
            line.add("asserted_at", Instant(unixSeconds: try r.column(1)).description)
            line.add("currency", try r.column(2, as: String.self))
            line.add("amount", try r.column(3, as: String.self))
            out.append(Entry(recordedAt: try r.column(4), rank: 13, id: id, line: line.rendered))
        }
    }

    private func corrections(_ out: inout [Entry]) throws {
        try db.query("SELECT entry_correction_id, entry_table, entry_id, replacement_id, reason, recorded_at FROM entry_correction ORDER BY entry_correction_id") { r in
            let table: String = try r.column(1)
            let replacement = try r.column(3, as: Int64?.self)
            var line = JournalLine(type: "correction")
            line.add("action", replacement == nil ? "void" : "supersede")
            line.addRaw("entry", JournalLine.object([("ref", "\(table):\(try r.column(2, as: Int64.self))")]))
            if let replacement { line.addRaw("replacement", JournalLine.object([("ref", "\(table):\(replacement)")])) }
            line.add("reason", try r.column(4, as: String.self))
            out.append(Entry(recordedAt: try r.column(5), rank: 14, id: try r.column(0), line: line.rendered))
        }
    }

    // MARK: Market data, streamed

    private func observations(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT s.series_name, o.observed_at, o.price FROM price_observation o JOIN price_series s ON s.series_id = o.series_id
            ORDER BY o.series_id, o.observed_at
            """) { r in
            var line = JournalLine(type: "price")
            line.add("series", try r.column(0, as: String.self))
            line.add("observed_at", Instant(unixSeconds: try r.column(1)).description)
            line.add("price", try r.column(2, as: Double.self))
            try write(line.rendered)
            count += 1
        }
        return count
    }

    private func quotes(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT q.contract_id, q.quoted_at, q.bid, q.ask, q.mark, q.implied_vol, q.underlying FROM option_quote q ORDER BY q.contract_id, q.quoted_at
            """) { r in
            var line = JournalLine(type: "quote")
            try addContractKey(&line, try r.column(0))
            line.add("quoted_at", Instant(unixSeconds: try r.column(1)).description)
            line.add("bid", try r.column(2, as: Double?.self))
            line.add("ask", try r.column(3, as: Double?.self))
            line.add("mark", try r.column(4, as: Double?.self))
            line.add("implied_vol", try r.column(5, as: Double?.self))
            line.add("underlying", try r.column(6, as: Double?.self))
            try write(line.rendered)
            count += 1
        }
        return count
    }

    private func reservePoints(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate
            FROM reserve_index ORDER BY protocol, asset, updated_at
            """) { r in
            var line = JournalLine(type: "reserve_index")
            line.add("protocol", try r.column(0, as: String.self))
            line.add("asset", try r.column(1, as: String.self))
            line.add("updated_at", Instant(unixSeconds: try r.column(2)).description)
            line.add("variable_borrow_index", try r.column(3, as: String.self))
            line.add("variable_borrow_rate", try r.column(4, as: String.self))
            line.add("liquidity_index", try r.column(5, as: String?.self))
            line.add("liquidity_rate", try r.column(6, as: String?.self))
            try write(line.rendered)
            count += 1
        }
        return count
    }

    private func bufferPolicies(_ out: inout [Entry]) throws {
        var rows: [(Int64, Int64?, Int64, Double?, Double?, String?, Int64)] = []
        try db.query("""
            SELECT buffer_policy_id, loan_id, effective_at, min_health_factor, max_ltv, note, recorded_at FROM buffer_policy ORDER BY buffer_policy_id
            """) { r in rows.append((try r.column(0), try r.column(1), try r.column(2), try r.column(3), try r.column(4), try r.column(5), try r.column(6))) }
        for row in rows {
            var line = JournalLine(type: "buffer_policy")
            if let loan = row.1 { line.addRaw("loan", try loanRef(loan)) }
            line.add("effective_at", Instant(unixSeconds: row.2).description)
            line.add("min_health_factor", row.3)
            line.add("max_ltv", row.4)
            line.add("note", row.5)
            out.append(Entry(recordedAt: row.6, rank: 15, id: row.0, line: line.rendered))
        }
    }

    private func dailySales(_ write: (String) throws -> Void) throws -> Int {
        var count = 0
        try db.query("""
            SELECT c.chain, c.contract_address, d.day_at, d.quote, d.sales_count, d.volume, d.min_price, d.median_price, d.max_price,
                   d.advancing, d.declining
            FROM collection_daily_sales d JOIN collection c ON c.collection_id = d.collection_id ORDER BY d.collection_id, d.day_at
            """) { r in
            var line = JournalLine(type: "collection_daily_sales")
            line.add("chain", try r.column(0, as: String.self))
            line.add("contract_address", try r.column(1, as: String.self))
            line.add("day", Instant(unixSeconds: try r.column(2)).description)
            line.add("quote", try r.column(3, as: String.self))
            line.add("sales_count", try r.column(4, as: Int64.self))
            line.add("volume", try r.column(5, as: Double.self))
            line.add("min_price", try r.column(6, as: Double?.self))
            line.add("median_price", try r.column(7, as: Double?.self))
            line.add("max_price", try r.column(8, as: Double?.self))
            if let advancing = try r.column(9, as: Int64?.self) { line.add("advancing", advancing) }
            if let declining = try r.column(10, as: Int64?.self) { line.add("declining", declining) }
            try write(line.rendered)
            count += 1
        }
        return count
    }
}
