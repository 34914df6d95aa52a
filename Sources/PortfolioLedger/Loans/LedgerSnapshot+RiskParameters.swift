import LedgerMath
internal import SQLiteDB

/// The risk-parameter rows that can govern one loan, resolved at any instant without another read.
struct RiskParameterTimeline: Sendable {
    /// The loan's own dated overrides, by effective instant then recording order.
    var overrides: [RiskParameterRecord]
    /// Parameters booked on the loan row (`nil` when it booked neither).
    var booked: RiskParameters?
    /// The protocol's settings for the loan's collection (empty when its collateral spans
    /// several collections), in the same order.
    var settings: [RiskParameterRecord]

    /// The parameters in force at `at`: the latest override at or before it, else the booked
    /// parameters, else the latest collection setting at or before it; `nil` when none applies.
    func inForce(at: Instant) -> RiskParametersInForce? {
        if let own = overrides.last(where: { $0.effectiveAt <= at }) {
            return RiskParametersInForce(parameters: own.parameters, origin: .loanOverride(own.id, effectiveAt: own.effectiveAt))
        }
        if let booked { return RiskParametersInForce(parameters: booked, origin: .bookedOnLoan) }
        if let setting = settings.last(where: { $0.effectiveAt <= at }) {
            return RiskParametersInForce(parameters: setting.parameters, origin: .collectionSetting(setting.id, effectiveAt: setting.effectiveAt))
        }
        return nil
    }

    /// Instants in `[from, to]` at which a row that can govern the loan takes effect.
    func changeInstants(from: Instant, to: Instant) -> [Instant] {
        let rows = overrides + (booked == nil ? settings : [])
        return Array(Set(rows.map(\.effectiveAt).filter { $0 >= from && $0 <= to })).sorted()
    }

    /// True when some row, or the loan itself, sets a liquidation threshold.
    var everHasThreshold: Bool { booked?.liquidationThreshold != nil || !overrides.isEmpty || !settings.isEmpty }
}

extension LedgerSnapshot {
    /// Every visible risk-parameter row of `scope` (all scopes when `nil`), by effective instant,
    /// then recording order.
    public func riskParameterRecords(_ scope: RiskParameterScope? = nil) throws -> [RiskParameterRecord] {
        var rows: [RiskParameterRecord] = []
        // ?2: 0 every scope, 1 one collection setting (?3 protocol, ?4 collection), 2 one loan (?4).
        let (kind, protocolName, id): (Int64, String?, Int64?) = switch scope {
        case nil: (0, nil, nil)
        case .collection(let p, let c)?: (1, p.rawValue, c.rawValue)
        case .loan(let l)?: (2, nil, l.rawValue)
        }
        try db.query("""
            SELECT r.risk_parameter_id, r.protocol, r.collection_id, r.loan_id, r.effective_at, r.max_ltv, r.liquidation_threshold, r.note,
                   r.recorded_at
            FROM risk_parameter r
            WHERE r.recorded_at <= ?1 AND (?2 = 0 OR (?2 = 1 AND r.protocol = ?3 AND r.collection_id = ?4) OR (?2 = 2 AND r.loan_id = ?4))
            ORDER BY r.effective_at, r.recorded_at, r.risk_parameter_id
            """, k, kind, protocolName, id) { s in
            rows.append(try RiskParameterRecord(row: s))
        }
        return rows
    }

    /// The risk parameters that govern `loan` at `at`, and where they come from: a loan override
    /// in force, else the parameters booked on the loan, else the protocol's setting in force for
    /// the loan's collection. `nil` when none applies (the loan has no liquidation threshold then).
    public func riskParameters(governing loan: LoanID, at: Instant) throws -> RiskParametersInForce? {
        guard let record = try self.loan(loan) else { throw AnalyticsError.unknownEntity(kind: "loan", id: loan.description) }
        return try riskParameterTimeline(of: record).inForce(at: at)
    }

    func riskParameterTimeline(of record: LoanRecord) throws -> RiskParameterTimeline {
        if let known = memo?.riskParameterTimelines[record.id] { return known }
        let booked = record.maxLTV == nil && record.liquidationThreshold == nil
            ? nil : RiskParameters(maxLTV: record.maxLTV, liquidationThreshold: record.liquidationThreshold)
        var settings: [RiskParameterRecord] = []
        let collections = Set(try record.collateral.compactMap { try nft($0)?.collectionID })
        if collections.count == 1, let collection = collections.first {
            settings = try riskParameterRecords(.collection(record.lendingProtocol, collection))
        }
        let timeline = RiskParameterTimeline(overrides: try riskParameterRecords(.loan(record.id)), booked: booked, settings: settings)
        memo?.riskParameterTimelines[record.id] = timeline
        return timeline
    }
}

extension RiskParameterRecord {
    /// Reads a setting from a row of the `risk_parameter` SELECT in ``LedgerSnapshot/riskParameterRecords(_:)``, by column name.
    init(row s: Statement) throws {
        let scope: RiskParameterScope = if let loan = try s.column("loan_id", as: Int64?.self) {
            .loan(LoanID(loan))
        } else {
            .collection(try StoredValue.enumeration(s, "protocol", as: LendingProtocol.self), CollectionID(try s.column("collection_id")))
        }
        self.init(id: RiskParameterID(try s.column("risk_parameter_id")), scope: scope, effectiveAt: try StoredValue.instant(s, "effective_at"),
                  maxLTV: try s.column("max_ltv"), liquidationThreshold: try s.column("liquidation_threshold"), note: try s.column("note"),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}
