import LedgerMath
internal import SQLiteDB

extension LedgerSnapshot {
    /// Every visible buffer policy row of `scope` (all scopes when `nil`), by effective instant,
    /// then recording order.
    public func bufferPolicies(_ scope: BufferPolicyScope? = nil) throws -> [BufferPolicyRecord] {
        var rows: [BufferPolicyRecord] = []
        let filter: String = switch scope {
        case nil: "1 OR ?2 IS NULL"
        case .portfolio?: "p.loan_id IS NULL AND ?2 IS NULL"
        case .loan?: "p.loan_id = ?2"
        }
        try db.query("""
            SELECT p.buffer_policy_id, p.loan_id, p.effective_at, p.min_health_factor, p.max_ltv, p.note, p.recorded_at
            FROM buffer_policy p WHERE p.recorded_at <= ?1 AND (\(filter))
            ORDER BY p.effective_at, p.recorded_at, p.buffer_policy_id
            """, k, scope?.loanID?.rawValue) { s in
            rows.append(BufferPolicyRecord(id: BufferPolicyID(try s.column(0)),
                                           scope: try s.column(1, as: Int64?.self).map { .loan(LoanID($0)) } ?? .portfolio,
                                           effectiveAt: try StoredValue.instant(s, 2),
                                           target: BufferTarget(minHealthFactor: try s.column(3), maxLTV: try s.column(4)),
                                           note: try s.column(5), recordedAt: try StoredValue.instant(s, 6)))
        }
        return rows
    }

    /// The policy row of exactly `scope` in force at `at` (latest effective at or before it; ties:
    /// latest recorded), or `nil`.
    public func bufferPolicy(_ scope: BufferPolicyScope, at: Instant) throws -> BufferPolicyRecord? {
        try bufferPolicies(scope).last { $0.effectiveAt <= at }
    }

    /// The policy that governs `loan` at `at`: its own row in force, else (none, or cleared) the
    /// portfolio's; `nil` when neither sets a target.
    public func bufferPolicy(governing loan: LoanID, at: Instant) throws -> BufferPolicyRecord? {
        Self.governing(loan, at: at, in: try bufferPolicies())
    }

    /// A collection's daily sales rows with `from ≤ day ≤ to`, in day order.
    public func collectionDailySales(_ collection: CollectionID, from: Instant, to: Instant) throws -> [CollectionDailySales] {
        var rows: [CollectionDailySales] = []
        try db.query("""
            SELECT day_at, quote, sales_count, volume, min_price, median_price, max_price, advancing, declining
            FROM collection_daily_sales WHERE collection_id = ?1 AND day_at BETWEEN ?2 AND ?3 AND recorded_at <= ?4 ORDER BY day_at
            """, collection.rawValue, from.unixSeconds, to.unixSeconds, k) { s in
            rows.append(CollectionDailySales(day: try StoredValue.instant(s, 0), quote: try StoredValue.currency(s, 1),
                                             salesCount: try s.column(2), volume: try s.column(3), minPrice: try s.column(4),
                                             medianPrice: try s.column(5), maxPrice: try s.column(6), advancing: try s.column(7),
                                             declining: try s.column(8)))
        }
        return rows
    }
}
