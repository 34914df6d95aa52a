import LedgerMath
import SQLiteDB

/// A consistent read-only view of the ledger, optionally as it was known at a past instant.
///
/// Obtained from ``Ledger/read(asKnownAt:_:)``; valid only inside that closure. With
/// ``knownAt`` set, rows recorded after it — and corrections recorded after it — are invisible,
/// so every report can be reproduced as it was known then.
public struct LedgerSnapshot {
    let db: Connection
    /// The knowledge cut-off, or `nil` for everything known now.
    public let knownAt: Instant?

    init(db: Connection, knownAt: Instant?) {
        self.db = db
        self.knownAt = knownAt
    }

    /// `recorded_at` bound for visibility: everything when `knownAt` is nil.
    var k: Int64 { knownAt?.unixSeconds ?? Int64.max }

    /// SQL condition: row `alias` of `table` (primary key `idColumn`) is visible as known at `?`
    /// (bound twice: recorded_at and the correction's recorded_at). Built from constants only.
    static func visible(_ alias: String, _ table: String, _ idColumn: String) -> String {
        "\(alias).recorded_at <= ?\(1) AND NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = '\(table)' AND x.entry_id = \(alias).\(idColumn) AND x.recorded_at <= ?\(1))"
    }

    /// True when the row `id` of `table` exists and is visible.
    func entryExists(table: String, id: Int64) throws -> Bool {
        let idColumn = table == "loan" ? "loan_id" : table + "_id"
        let sql: String = switch table {
        case "nft_trade": "SELECT 1 FROM nft_trade e WHERE e.nft_trade_id = ?2 AND " + Self.visible("e", "nft_trade", "nft_trade_id")
        case "loan": "SELECT 1 FROM loan e WHERE e.loan_id = ?2 AND " + Self.visible("e", "loan", "loan_id")
        case "loan_event": "SELECT 1 FROM loan_event e WHERE e.loan_event_id = ?2 AND " + Self.visible("e", "loan_event", "loan_event_id")
        case "option_trade": "SELECT 1 FROM option_trade e WHERE e.option_trade_id = ?2 AND " + Self.visible("e", "option_trade", "option_trade_id")
        case "option_settlement": "SELECT 1 FROM option_settlement e WHERE e.option_settlement_id = ?2 AND " + Self.visible("e", "option_settlement", "option_settlement_id")
        case "external_flow": "SELECT 1 FROM external_flow e WHERE e.external_flow_id = ?2 AND " + Self.visible("e", "external_flow", "external_flow_id")
        case "balance_assertion": "SELECT 1 FROM balance_assertion e WHERE e.balance_assertion_id = ?2 AND " + Self.visible("e", "balance_assertion", "balance_assertion_id")
        default: throw LedgerError.invalidValue(field: "entry table", reason: "\(table) (\(idColumn)) cannot be corrected")
        }
        return try db.scalarIfAny(sql, k, id, as: Int64.self) != nil
    }
}
