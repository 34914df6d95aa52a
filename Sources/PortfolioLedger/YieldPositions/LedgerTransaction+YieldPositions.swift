import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Opens a yield position: an ERC-4626-style vault, staking or a tokenized real-world asset,
    /// valued by share price or by an accrual rule, optionally funded by a loan (its yield is then
    /// that loan's carry). Deposits and withdrawals are booked with ``recordYieldFlow(_:position:at:amount:shares:note:source:)``.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming `position_name`, `share_price_series`
    ///   (unknown, not an `index` series, or quoted in another currency) or `accrual_apr` (outside
    ///   [0, 10] or not finite); ``LedgerError/unknownEntity(kind:id:)`` for an unknown funding loan;
    ///   ``LedgerError/conflict(_:)`` for a name already taken.
    public func openYieldPosition(named name: String, kind: YieldPositionKind, currency: Currency, valuation: YieldValuation,
                                  fundedBy loan: LoanID? = nil, note: String? = nil, source: ImportSourceID? = nil) throws -> YieldPositionID {
        try Validate.text(name, "position_name", maxLength: 200)
        try Validate.optionalNote(note)
        var seriesID: Int64?, apr: Double?, rule: String?
        switch valuation {
        case .sharePrice(let id):
            guard let series = try current.series(id) else { throw LedgerError.invalidValue(field: "share_price_series", reason: "no price series \(id)") }
            guard series.kind == .index, series.quote == currency else {
                throw LedgerError.invalidValue(field: "share_price_series",
                                               reason: "'\(series.name)' must be an index series quoted in \(currency.code) (it is \(series.kind.rawValue) in \(series.quote?.code ?? "no currency"))")
            }
            seriesID = id.rawValue
        case .accrual(let rate, let accrual):
            guard rate.isFinite, rate >= 0, rate <= 10 else { throw LedgerError.invalidValue(field: "accrual_apr", reason: "\(rate) is not an APR in [0, 10]") }
            (apr, rule) = (rate, accrual.rawValue)
        }
        if let loan, try current.loan(loan) == nil { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        if try current.yieldPosition(named: name) != nil { throw LedgerError.conflict("a yield position named '\(name)' already exists") }
        return YieldPositionID(try insert("""
            INSERT INTO yield_position (position_name, position_kind, currency, valuation, share_price_series_id, accrual_apr, accrual_rule,
                                        loan_id, note, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, name, kind.rawValue, currency.code, valuation.storedName, seriesID, apr, rule, loan?.rawValue, note,
            recordedAt.unixSeconds, source?.rawValue))
    }

    /// Books a deposit into (cash out of the book) or a withdrawal from (cash back into it) a
    /// yield position: the cash `amount` in the position's currency and, for a share-price
    /// position, the `shares` bought or redeemed.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming `amount` (not positive, or more
    ///   than an accrual position holds), `shares` (missing, not positive, given for an accrual
    ///   position, or more than are held at that instant) or `flowed_at`;
    ///   ``LedgerError/unknownEntity(kind:id:)`` for an unknown position. Inside
    ///   ``deferringHoldingChecks(_:)`` the holdings are checked at the end of the scope.
    public func recordYieldFlow(_ kind: YieldFlow.Kind, position: YieldPositionID, at: Instant, amount: ExactDecimal,
                                shares: ExactDecimal? = nil, note: String? = nil, source: ImportSourceID? = nil) throws -> YieldFlowID {
        try Validate.instant(at, "flowed_at")
        try Validate.positive(amount, "amount")
        try Validate.optionalNote(note)
        guard let record = try current.yieldPosition(position) else { throw LedgerError.unknownEntity(kind: "yield position", id: position.description) }
        if record.valuation.usesShares {
            guard let shares else { throw LedgerError.invalidValue(field: "shares", reason: "'\(record.name)' is valued by share price: book the shares") }
            try Validate.positive(shares, "shares")
        } else if shares != nil {
            throw LedgerError.invalidValue(field: "shares", reason: "'\(record.name)' is valued by accrual: it has no shares")
        }
        let id = YieldFlowID(try insert("""
            INSERT INTO yield_flow (yield_position_id, flow_kind, flowed_at, amount, shares, note, recorded_at, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, position.rawValue, kind.rawValue, at.unixSeconds, amount.description, shares?.description, note, recordedAt.unixSeconds,
            source?.rawValue))
        try checkYieldPositions([position])
        return id
    }

    /// Replays `positions` now, or at the end of the deferring scope: every withdrawal must be
    /// covered by what the position holds at its instant.
    func checkYieldPositions(_ positions: [YieldPositionID]) throws {
        if holdingChecks.depth > 0 {
            holdingChecks.addYield(positions)
            return
        }
        for id in positions { _ = try current.yieldReplay(id) }
    }

    /// The position whose deposits and withdrawals a correction of `entry` changes.
    func yieldPositionsAffected(by entry: CorrectableEntry) throws -> [YieldPositionID] {
        guard case .yieldFlow(let id) = entry else { return [] }
        return try db.scalarIfAny("SELECT yield_position_id FROM yield_flow WHERE yield_flow_id = ?", id.rawValue, as: Int64.self)
            .map { [YieldPositionID($0)] } ?? []
    }
}
