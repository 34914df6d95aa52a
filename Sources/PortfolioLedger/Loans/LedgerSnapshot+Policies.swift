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
            rows.append(try BufferPolicyRecord(row: s))
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
            rows.append(try CollectionDailySales(row: s))
        }
        return rows
    }
}

extension BufferPolicyRecord {
    /// Reads a policy from a row of the `buffer_policy` SELECT in ``LedgerSnapshot/bufferPolicies(_:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: BufferPolicyID(try s.column("buffer_policy_id")),
                  scope: try s.column("loan_id", as: Int64?.self).map { .loan(LoanID($0)) } ?? .portfolio,
                  effectiveAt: try StoredValue.instant(s, "effective_at"),
                  target: BufferTarget(minHealthFactor: try s.column("min_health_factor"), maxLTV: try s.column("max_ltv")),
                  note: try s.column("note"), recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}

extension CollectionDailySales {
    /// Reads a day from a row of the `collection_daily_sales` SELECT in
    /// ``LedgerSnapshot/collectionDailySales(_:from:to:)``, by column name.
    init(row s: Statement) throws {
        self.init(day: try StoredValue.instant(s, "day_at"), quote: try StoredValue.currency(s, "quote"),
                  salesCount: try s.column("sales_count"), volume: try s.column("volume"), minPrice: try s.column("min_price"),
                  medianPrice: try s.column("median_price"), maxPrice: try s.column("max_price"), advancing: try s.column("advancing"),
                  declining: try s.column("declining"))
    }
}
