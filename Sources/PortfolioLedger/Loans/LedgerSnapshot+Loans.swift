import LedgerMath
internal import SQLiteDB

/// Where a loan stands at an instant.
public enum LoanStatus: String, Sendable, Hashable {
    case notStarted = "not started", open, closed, liquidated, foreclosed
}

extension LedgerSnapshot {
    /// The loan queries, one constant statement per filter: built once, and the statement cache
    /// finds them by identity (a loan lookup inside a write transaction runs on every validation).
    enum LoanFilter {
        case id, all, lendingProtocol, collateral

        var sql: String {
            switch self {
            case .id: Self.byID
            case .all: Self.everyLoan
            case .lendingProtocol: Self.byProtocol
            case .collateral: Self.byCollateral
            }
        }

        private static func query(_ condition: String) -> String {
            """
            SELECT l.loan_id, l.protocol, l.external_ref, l.currency, l.principal, l.amount_received, l.started_at, l.maturity_at,
                   l.terms, l.max_ltv, l.liquidation_threshold, l.refinances_loan_id, l.recorded_at, l.wallet,
                   l.opened_at, l.opening_principal, l.opening_interest_paid
            FROM loan l
            WHERE \(condition) AND \(LedgerSnapshot.visible("l", "loan", "loan_id")) ORDER BY l.started_at, l.loan_id
            """
        }
        private static let byID = query("l.loan_id = ?2")
        private static let everyLoan = query("?2 = 0")
        private static let byProtocol = query("l.protocol = ?2")
        private static let byCollateral = query("""
            (EXISTS (SELECT 1 FROM loan_collateral c WHERE c.loan_id = l.loan_id AND c.nft_id = ?2)
             OR EXISTS (SELECT 1 FROM loan_event e WHERE e.loan_id = l.loan_id AND e.nft_id = ?2 AND e.recorded_at <= ?1))
            """)
    }

    public func loan(_ id: LoanID) throws -> LoanRecord? {
        if let memo {
            _ = try loans()
            return memo.loansByID[id]
        }
        return try loans(.id, id.rawValue).first
    }

    /// Every visible loan, by start.
    public func loans() throws -> [LoanRecord] {
        if let loaded = memo?.loans { return loaded }
        let all = try loans(.all, Int64(0))
        if let memo {
            memo.loans = all
            memo.loansByID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return all
    }

    /// Loans open at `at`.
    public func loans(openAt at: Instant) throws -> [LoanRecord] {
        try loans().filter { try loanStatus($0.id, at: at) == .open }
    }

    /// Loans of one protocol.
    public func loans(lendingProtocol: LendingProtocol) throws -> [LoanRecord] {
        try loans(.lendingProtocol, lendingProtocol.rawValue)
    }

    /// Loans that an NFT has backed: pledged at the start or added while they ran (a loan whose
    /// only naming event is corrected away may be listed; its timeline has no step for the NFT).
    public func loans(collateral nft: NFTID) throws -> [LoanRecord] {
        try loans(.collateral, nft.rawValue)
    }

    private func loans<V: SQLiteBindable>(_ filter: LoanFilter, _ value: V) throws -> [LoanRecord] {
        var rows: [LoanRecord] = []
        try db.query(filter.sql, k, value) { s in rows.append(try LoanRecord(row: s)) }
        for index in rows.indices {
            try db.query("SELECT nft_id FROM loan_collateral WHERE loan_id = ?1 AND recorded_at <= ?2 ORDER BY nft_id", rows[index].id.rawValue, k) {
                rows[index].collateral.append(NFTID(try $0.column("nft_id")))
            }
        }
        return rows
    }

    /// The visible events of a loan in time order (ties in booking order).
    public func loanEvents(of loan: LoanID) throws -> [LoanEvent] {
        if let known = memo?.loanEvents[loan] { return known }
        var events: [LoanEvent] = []
        // A running loan's repayments before the book opened, as one repayment at the opening (no
        // cash of this book: `v_cash_flow` has no row for it; its id 0 is no stored event).
        if let record = try self.loan(loan), let opening = record.opening,
           !opening.interestPaid.isZero || record.principal != opening.principalOutstanding {
            events.append(LoanEvent(id: LoanEventID(0), loanID: loan, occurredAt: opening.openedAt,
                                    detail: .repay(interest: opening.interestPaid, principal: record.principal - opening.principalOutstanding),
                                    note: "repaid before the book opened", recordedAt: record.recordedAt))
        }
        try db.query("""
            SELECT e.loan_event_id, e.loan_id, e.event_kind, e.occurred_at, e.amount, e.interest_part, e.principal_part, e.fee,
                   e.new_rate_bps, e.index_ray, e.new_maturity_at, e.new_terms, e.note, e.recorded_at, e.nft_id
            FROM loan_event e WHERE e.loan_id = ?2 AND \(Self.visible("e", "loan_event", "loan_event_id"))
            ORDER BY e.occurred_at, e.loan_event_id
            """, k, loan.rawValue) { s in events.append(try LoanEvent(row: s)) }
        // Stable by instant: the opening repayment comes before the loan's own events at its instant.
        if events.first?.id == LoanEventID(0) { events = Self.stableSortedByInstant(events) }
        memo?.loanEvents[loan] = events
        return events
    }

    private static func stableSortedByInstant(_ events: [LoanEvent]) -> [LoanEvent] {
        events.enumerated().sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }.map(\.element)
    }

    /// The loan's status at `at`: not started, open, or ended by its latest terminal event.
    public func loanStatus(_ loan: LoanID, at: Instant) throws -> LoanStatus {
        guard let record = try self.loan(loan) else { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        if at < record.inBookFrom { return .notStarted }
        let terminal = try loanEvents(of: loan).last { $0.occurredAt <= at && $0.detail.isTerminal }
        switch terminal?.detail {
        case .close?: return .closed
        case .liquidation?: return .liquidated
        case .foreclosure?: return .foreclosed
        default: return .open
        }
    }

    /// The NFTs backing the loan at `at`: those pledged at its start, plus those added and minus
    /// those released by events at or before `at` (in event order), by NFT id.
    public func collateral(of loan: LoanRecord, at: Instant) throws -> [NFTID] {
        var pledged = Set(loan.collateral)
        for event in try loanEvents(of: loan.id) where event.occurredAt <= at {
            switch event.detail {
            case .collateralAdded(let nft): pledged.insert(nft)
            case .collateralReleased(let nft): pledged.remove(nft)
            default: break
            }
        }
        return pledged.sorted { $0.rawValue < $1.rawValue }
    }

    /// Every NFT that has backed the loan at some point: its start collateral and every NFT its
    /// visible events add or release.
    func nftsEverPledged(to loan: LoanID) throws -> [NFTID] {
        guard let record = try self.loan(loan) else { return [] }
        var nfts = record.collateral
        for event in try loanEvents(of: loan) { if let nft = event.detail.collateralNFT, !nfts.contains(nft) { nfts.append(nft) } }
        return nfts
    }

    /// Principal + borrowed more − principal repaid, from events at or before `at`.
    public func outstandingPrincipal(of loan: LoanID, at: Instant) throws -> ExactDecimal {
        guard let record = try self.loan(loan) else { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        var outstanding = record.principal
        for event in try loanEvents(of: loan) where event.occurredAt <= at {
            switch event.detail {
            case .borrowMore(let amount): outstanding += amount
            case .repay(_, let principal): outstanding -= principal
            default: break
            }
        }
        return outstanding
    }
}

extension LoanRecord {
    /// Reads a loan from a row of ``LedgerSnapshot/LoanFilter``'s SELECT, by column name; the
    /// collateral pledged at its start is read separately (it is empty here).
    init(row s: Statement) throws {
        self.init(
            id: LoanID(try s.column("loan_id")), lendingProtocol: try StoredValue.enumeration(s, "protocol", as: LendingProtocol.self),
            externalRef: try s.column("external_ref"), currency: try StoredValue.currency(s, "currency"),
            principal: try StoredValue.decimal(s, "principal"), amountReceived: try StoredValue.decimal(s, "amount_received"),
            startedAt: try StoredValue.instant(s, "started_at"), maturityAt: try StoredValue.optionalInstant(s, "maturity_at"),
            terms: try LoanTermsCoding.decode(try s.column("terms")), maxLTV: try s.column("max_ltv"),
            liquidationThreshold: try s.column("liquidation_threshold"),
            refinancesLoanID: try s.column("refinances_loan_id", as: Int64?.self).map(LoanID.init), collateral: [],
            recordedAt: try StoredValue.instant(s, "recorded_at"))
        wallet = try s.column("wallet", as: String?.self)
        if let openedAt = try StoredValue.optionalInstant(s, "opened_at") {
            opening = RunningLoanOpening(openedAt: openedAt, principalOutstanding: try StoredValue.decimal(s, "opening_principal"),
                                         interestPaid: try StoredValue.decimal(s, "opening_interest_paid"))
        }
    }
}

extension LoanEvent {
    /// Reads a loan event from a row of the `loan_event` SELECT in ``LedgerSnapshot/loanEvents(of:)``,
    /// by column name.
    init(row s: Statement) throws {
        self.init(id: LoanEventID(try s.column("loan_event_id")), loanID: LoanID(try s.column("loan_id")),
                  occurredAt: try StoredValue.instant(s, "occurred_at"), detail: try Self.eventDetail(s), note: try s.column("note"),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }

    private static func eventDetail(_ s: Statement) throws -> LoanEventDetail {
        let kind = try LoanEventKind.decode(try s.column("event_kind", as: String.self), field: "stored event_kind")
        return try LoanEventDetail(kind: kind, fields: LoanEventFields(
            amount: { try StoredValue.optionalDecimal(s, "amount") },
            interestPart: { try StoredValue.optionalDecimal(s, "interest_part") },
            principalPart: { try StoredValue.optionalDecimal(s, "principal_part") },
            fee: { try StoredValue.optionalDecimal(s, "fee") },
            newRateBps: { try s.column("new_rate_bps") },
            indexRay: { try s.column("index_ray") },
            newMaturity: { try StoredValue.optionalInstant(s, "new_maturity_at") },
            newTerms: { try s.column("new_terms", as: String?.self).map { json throws(LedgerError) in try LoanTermsCoding.decode(json) } },
            nft: { try s.column("nft_id", as: Int64?.self).map(NFTID.init) },
            missing: { field, kind in LedgerError.invalidValue(field: "stored \(field)", reason: "NULL in a \(kind) event") }))
    }
}
