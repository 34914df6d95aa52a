import LedgerMath
internal import SQLiteDB

/// A yield position's value at an instant, in its own currency (`Double`: from a share-price
/// observation or the accrual model, never booked).
public struct YieldValue: Sendable, Hashable {
    public var holding: YieldHolding
    /// The instant the value is priced at (the share price's as-of instant, or the accrual's end).
    public var pricedAt: Instant
    /// `shares × share price`, or the accrued balance.
    public var value: Double
    /// The share-price observation used (share-price positions).
    public var sharePrice: PriceUsed?
    /// `value − cost basis`: yield not yet realized.
    public var unrealized: Double { value - holding.costBasis.doubleValue }
}

extension LedgerSnapshot {
    /// Every yield position known at ``knownAt``, by id.
    public func yieldPositions() throws -> [YieldPositionRecord] {
        var rows: [YieldPositionRecord] = []
        try db.query("""
            SELECT p.yield_position_id, p.position_name, p.position_kind, p.currency, p.valuation, p.share_price_series_id, p.accrual_apr,
                   p.accrual_rule, p.loan_id, p.note, p.recorded_at
            FROM yield_position p WHERE p.recorded_at <= ?1 ORDER BY p.yield_position_id
            """, k) { rows.append(try YieldPositionRecord(row: $0)) }
        return rows
    }

    public func yieldPosition(_ id: YieldPositionID) throws -> YieldPositionRecord? {
        try yieldPositions().first { $0.id == id }
    }

    public func yieldPosition(named name: String) throws -> YieldPositionRecord? {
        try yieldPositions().first { $0.name == name }
    }

    /// The positions a loan funded.
    public func yieldPositions(fundedBy loan: LoanID) throws -> [YieldPositionRecord] {
        try yieldPositions().filter { $0.fundingLoan == loan }
    }

    /// The visible deposits and withdrawals of `position`, in replay order (time, deposits first).
    public func yieldFlows(of position: YieldPositionID) throws -> [YieldFlow] {
        var rows: [YieldFlow] = []
        try db.query("""
            SELECT f.yield_flow_id, f.yield_position_id, f.flow_kind, f.flowed_at, f.amount, f.shares, f.note, f.recorded_at
            FROM yield_flow f WHERE f.yield_position_id = ?2 AND \(Self.visible("f", "yield_flow", "yield_flow_id"))
            """, k, position.rawValue) { s in
            rows.append(try YieldFlow(row: s))
        }
        return YieldPositionReplay.ordered(rows)
    }

    func yieldReplay(_ id: YieldPositionID, upTo at: Instant? = nil) throws -> YieldPositionReplay {
        guard let position = try yieldPosition(id) else { throw AnalyticsError.unknownEntity(kind: "yield position", id: id.description) }
        return try YieldPositionReplay.run(position, try yieldFlows(of: id), upTo: at)
    }

    /// What `position` holds at `at`, booked: shares, cost basis, deposits, withdrawals, realized yield.
    public func yieldHolding(_ position: YieldPositionID, at: Instant) throws -> YieldHolding {
        try yieldReplay(position, upTo: at).holding(at: at)
    }

    /// The value of what `position` held at `at`, priced at `pricedAt` (default `at`): shares ×
    /// the share price as of that instant (missing or stale observations are refused per `policy`,
    /// as for every series), or the accrued balance.
    public func yieldValue(_ position: YieldPositionID, at: Instant, pricedAt: Instant? = nil,
                           policy: PricingPolicy = .default) throws -> YieldValue {
        let replay = try yieldReplay(position, upTo: at)
        let holding = replay.holding(at: at)
        let priced = pricedAt ?? at
        switch holding.position.valuation {
        case .sharePrice(let seriesID):
            guard let shares = holding.shares, !shares.isZero else { return YieldValue(holding: holding, pricedAt: priced, value: 0, sharePrice: nil) }
            guard let series = try series(seriesID) else { throw AnalyticsError.unknownEntity(kind: "price series", id: seriesID.description) }
            let price = try priceUsed(series, at: priced, policy: policy)
            return YieldValue(holding: holding, pricedAt: priced, value: shares.doubleValue * price.price, sharePrice: price)
        case .accrual:
            return YieldValue(holding: holding, pricedAt: priced, value: max(0, replay.accruedBalance(at: priced)), sharePrice: nil)
        }
    }

    /// The withdrawals in `(from, to]` of every position, with the cost each relieved.
    public func yieldRealizations(from: Instant, to: Instant) throws -> [YieldRealization] {
        try yieldPositions().flatMap { try yieldReplay($0.id, upTo: to).realizations.filter { $0.flow.flowedAt > from } }
    }
}

extension YieldPositionRecord {
    /// Reads a position from a row of the `yield_position` SELECT in ``LedgerSnapshot/yieldPositions()``, by column name.
    init(row s: Statement) throws {
        let valuation: YieldValuation = switch try s.column("valuation", as: String.self) {
        case "share_price": .sharePrice(PriceSeriesID(try s.column("share_price_series_id")))
        default: .accrual(apr: try s.column("accrual_apr"), rule: try StoredValue.enumeration(s, "accrual_rule", as: YieldAccrualRule.self))
        }
        self.init(id: YieldPositionID(try s.column("yield_position_id")), name: try s.column("position_name"),
                  kind: try StoredValue.enumeration(s, "position_kind", as: YieldPositionKind.self),
                  currency: try StoredValue.currency(s, "currency"), valuation: valuation,
                  fundingLoan: try s.column("loan_id", as: Int64?.self).map(LoanID.init), note: try s.column("note"),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}

extension YieldFlow {
    /// Reads a flow from a row of the `yield_flow` SELECT in ``LedgerSnapshot/yieldFlows(of:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: YieldFlowID(try s.column("yield_flow_id")), position: YieldPositionID(try s.column("yield_position_id")),
                  kind: try StoredValue.enumeration(s, "flow_kind", as: YieldFlow.Kind.self), flowedAt: try StoredValue.instant(s, "flowed_at"),
                  amount: try StoredValue.decimal(s, "amount"), shares: try StoredValue.optionalDecimal(s, "shares"),
                  note: try s.column("note"), recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}
