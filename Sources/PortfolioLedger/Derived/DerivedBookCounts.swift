import Foundation
import LedgerMath
internal import SQLiteDB

/// What decides whether a refresh may be incremental: for every booked table the analytics read,
/// how many of its rows take effect at or before the last refreshed day. The book only grew
/// forward exactly when these counts are unchanged after it grew: every new row takes effect
/// later, so no earlier day's figures can differ. Tables whose rows have no instant of effect
/// (a new appraisal series, a correction, a reserve-index point that interpolation reads on both
/// sides) count all their rows, so any addition forces a full refresh.
struct DerivedBookCounts: Equatable {
    var counts: [String: Int64]

    /// Constant SQL, one per table; `?1` is the last refreshed day's last second.
    static let queries: [(table: String, sql: String)] = [
        ("nft_trade", "SELECT count(*) FROM nft_trade WHERE traded_at <= ?1"),
        ("nft_transfer", "SELECT count(*) FROM nft_transfer WHERE transferred_at <= ?1"),
        ("loan", "SELECT count(*) FROM loan WHERE started_at <= ?1"),
        ("loan_collateral", "SELECT count(*) FROM loan_collateral c JOIN loan l ON l.loan_id = c.loan_id WHERE l.started_at <= ?1"),
        ("loan_event", "SELECT count(*) FROM loan_event WHERE occurred_at <= ?1"),
        ("hedge", "SELECT count(*) FROM hedge WHERE opened_at <= ?1"),
        ("option_trade", "SELECT count(*) FROM option_trade WHERE traded_at <= ?1"),
        ("option_settlement", "SELECT count(*) FROM option_settlement WHERE settled_at <= ?1"),
        ("price_observation", "SELECT count(*) FROM price_observation WHERE observed_at <= ?1"),
        ("option_quote", "SELECT count(*) FROM option_quote WHERE quoted_at <= ?1"),
        ("external_flow", "SELECT count(*) FROM external_flow WHERE flowed_at <= ?1"),
        ("risk_parameter", "SELECT count(*) FROM risk_parameter WHERE effective_at <= ?1"),
        ("price_series", "SELECT count(*) FROM price_series WHERE ?1 IS NOT NULL"),
        ("entry_correction", "SELECT count(*) FROM entry_correction WHERE ?1 IS NOT NULL"),
        ("reserve_index", "SELECT count(*) FROM reserve_index WHERE ?1 IS NOT NULL"),
        ("yield_flow", "SELECT count(*) FROM yield_flow WHERE flowed_at <= ?1"),
        ("yield_position", "SELECT count(*) FROM yield_position WHERE ?1 IS NOT NULL"),
    ]

    /// The counts of the book in `db` up to `through` (a day's first second).
    static func read(_ db: Connection, through dayAt: Int64) throws -> DerivedBookCounts {
        let at = DerivedDay.valuationInstant(dayAt).unixSeconds
        var counts: [String: Int64] = [:]
        for (table, sql) in queries { counts[table] = try db.scalar(sql, at, as: Int64.self) }
        return DerivedBookCounts(counts: counts)
    }

    /// The stored form: a JSON object, keys sorted.
    var json: String {
        let data = (try? JSONSerialization.data(withJSONObject: counts, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored form; `nil` for anything else (then the refresh is full).
    init?(json: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: NSNumber] else { return nil }
        counts = object.mapValues(\.int64Value)
    }

    init(counts: [String: Int64]) { self.counts = counts }
}
