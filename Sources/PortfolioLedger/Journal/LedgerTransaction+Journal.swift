import LedgerMath
internal import SQLiteDB

/// A booked entry that can be corrected (voided or superseded).
public enum CorrectableEntry: Sendable, Hashable {
    case nftTrade(NFTTradeID)
    /// Loans can only be voided (their events and collateral refer to the loan's id).
    case loan(LoanID)
    case loanEvent(LoanEventID)
    case optionTrade(OptionTradeID)
    case optionSettlement(OptionSettlementID)
    case externalFlow(ExternalFlowID)
    case balanceAssertion(BalanceAssertionID)
    /// A deposit into or withdrawal from a yield position; a replacement must be of the same position.
    case yieldFlow(YieldFlowID)

    var table: String {
        switch self {
        case .nftTrade: "nft_trade"
        case .loan: "loan"
        case .loanEvent: "loan_event"
        case .optionTrade: "option_trade"
        case .optionSettlement: "option_settlement"
        case .externalFlow: "external_flow"
        case .balanceAssertion: "balance_assertion"
        case .yieldFlow: "yield_flow"
        }
    }

    init?(table: String, rowID id: Int64) {
        switch table {
        case "nft_trade": self = .nftTrade(NFTTradeID(id))
        case "loan": self = .loan(LoanID(id))
        case "loan_event": self = .loanEvent(LoanEventID(id))
        case "option_trade": self = .optionTrade(OptionTradeID(id))
        case "option_settlement": self = .optionSettlement(OptionSettlementID(id))
        case "external_flow": self = .externalFlow(ExternalFlowID(id))
        case "balance_assertion": self = .balanceAssertion(BalanceAssertionID(id))
        case "yield_flow": self = .yieldFlow(YieldFlowID(id))
        default: return nil
        }
    }

    var rowID: Int64 {
        switch self {
        case .nftTrade(let id): id.rawValue
        case .loan(let id): id.rawValue
        case .loanEvent(let id): id.rawValue
        case .optionTrade(let id): id.rawValue
        case .optionSettlement(let id): id.rawValue
        case .externalFlow(let id): id.rawValue
        case .balanceAssertion(let id): id.rawValue
        case .yieldFlow(let id): id.rawValue
        }
    }
}

extension LedgerTransaction {
    /// Books money moved into (deposit) or out of (withdrawal) the book, optionally through one of
    /// the user's wallets (EVM addresses are stored in lower case).
    public func recordExternalFlow(_ kind: ExternalFlow.Kind, at: Instant, amount: Money, note: String? = nil, wallet: String? = nil,
                                   source: ImportSourceID? = nil) throws -> ExternalFlowID {
        try insertExternalFlow(kind, at: at, amount: amount, note: note, wallet: wallet, opening: false, source: source)
    }

    /// Books an opening cash balance: `amount` of `currency` already held (in `wallet`, when named)
    /// when the book starts at `at`. It is equity brought in, not income: the cash balance and the
    /// equity rise by `amount` at `at`, the income statement shows it with the deposits, and returns
    /// count it as a contribution at its instant (decisions WALLETS-2). `amount` must be positive.
    public func openCashBalance(_ amount: ExactDecimal, currency: Currency, at: Instant, wallet: String? = nil, note: String? = nil,
                                source: ImportSourceID? = nil) throws -> ExternalFlowID {
        try insertExternalFlow(.deposit, at: at, amount: Money(amount, currency), note: note, wallet: wallet, opening: true, source: source)
    }

    private func insertExternalFlow(_ kind: ExternalFlow.Kind, at: Instant, amount: Money, note: String?, wallet: String?, opening: Bool,
                                    source: ImportSourceID?) throws -> ExternalFlowID {
        let wallet = wallet.map(ContractAddress.canonical)
        if let wallet { try Validate.text(wallet, "wallet", maxLength: 128) }
        try Validate.instant(at, "flowed_at")
        try Validate.positive(amount.amount, "amount")
        try Validate.optionalNote(note)
        return ExternalFlowID(try insert("""
            INSERT INTO external_flow (flow_kind, flowed_at, currency, amount, note, recorded_at, source_id, wallet, is_opening)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, kind.rawValue, at.unixSeconds, amount.currency.code, amount.amount.description, note, recordedAt.unixSeconds, source?.rawValue,
            wallet, opening ? 1 : 0))
    }

    /// Asserts the book's cash balance in `amount.currency` at `at` (see ``LedgerSnapshot/cashBalance(_:at:)``).
    public func assertBalance(at: Instant, amount: Money, source: ImportSourceID? = nil) throws -> BalanceAssertionID {
        try Validate.instant(at, "asserted_at")
        return BalanceAssertionID(try insert("""
            INSERT INTO balance_assertion (asserted_at, currency, amount, recorded_at, source_id) VALUES (?, ?, ?, ?, ?)
            """, at.unixSeconds, amount.currency.code, amount.amount.description, recordedAt.unixSeconds, source?.rawValue))
    }

    /// Voids a booked entry from now on: current queries stop seeing it; as-known-at queries for
    /// instants before this transaction still do.
    public func void(_ entry: CorrectableEntry, reason: String) throws {
        try correct(entry, replacement: nil, reason: reason)
    }

    /// Replaces a booked entry by a newer one of the same kind (booked earlier in this or another
    /// transaction), from now on.
    ///
    /// The replacement is checked against the book with the correction applied only when both
    /// happen inside one ``deferringHoldingChecks(_:)`` scope; otherwise a replacement that
    /// conflicts with the original (a second purchase of the same NFT) is refused when booked.
    /// ``supersede(_:reason:with:)`` does both in one call.
    public func supersede(_ entry: CorrectableEntry, by replacement: CorrectableEntry, reason: String) throws {
        guard entry.table == replacement.table else {
            throw LedgerError.invalidValue(field: "replacement", reason: "a \(entry.table) entry can only be replaced by another \(entry.table) entry")
        }
        if case .loan = entry { throw LedgerError.invalidValue(field: "replacement", reason: "loans can only be voided and booked again") }
        if case .yieldFlow = entry, try yieldPositionsAffected(by: entry) != yieldPositionsAffected(by: replacement) {
            throw LedgerError.invalidValue(field: "replacement", reason: "a yield flow can only be replaced by a flow of the same position")
        }
        try correct(entry, replacement: replacement.rowID, reason: reason)
    }

    /// Replaces a booked entry by the one `book` books, applying the correction before the
    /// replacement is checked: a purchase, a loan event or a trade can be booked again with other
    /// values, e.g. `try tx.supersede(.nftTrade(id), reason: "price was 81") { .nftTrade(try tx.recordNFTTrade(…)) }`.
    /// - Returns: the replacement entry.
    @discardableResult
    public func supersede(_ entry: CorrectableEntry, reason: String, with book: () throws -> CorrectableEntry) throws -> CorrectableEntry {
        try deferringHoldingChecks {
            let replacement = try book()
            try supersede(entry, by: replacement, reason: reason)
            return replacement
        }
    }

    private func correct(_ entry: CorrectableEntry, replacement: Int64?, reason: String) throws {
        try Validate.text(reason, "reason", maxLength: 1000)
        if try db.scalar("SELECT count(*) FROM entry_correction WHERE entry_table = ? AND entry_id = ?", entry.table, entry.rowID, as: Int.self) > 0 {
            throw LedgerError.conflict("this \(entry.table) entry is already corrected; correct its replacement instead")
        }
        // The trigger checks that both rows exist; a clear Swift error first:
        let exists = try current.entryExists(table: entry.table, id: entry.rowID)
        guard exists else { throw LedgerError.unknownEntity(kind: entry.table, id: String(entry.rowID)) }
        try db.execute("""
            INSERT INTO entry_correction (entry_table, entry_id, replacement_id, reason, recorded_at) VALUES (?, ?, ?, ?, ?)
            """, entry.table, entry.rowID, replacement, reason, recordedAt.unixSeconds)
        var affected = try nftsAffected(by: entry)
        if let replacement, let replaced = CorrectableEntry(table: entry.table, rowID: replacement) { affected += try nftsAffected(by: replaced) }
        try checkHoldings(affected)
        try checkYieldPositions(try yieldPositionsAffected(by: entry))
    }
}
