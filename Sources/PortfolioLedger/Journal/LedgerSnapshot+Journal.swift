import LedgerMath
internal import SQLiteDB

/// One booked cash movement of the book (one stored amount, so it stays exact).
public struct JournalEntry: Sendable, Hashable {
    /// The table the entry is booked in (`nft_trade`, `loan`, `loan_event`, `option_trade`, …).
    public var entryTable: String
    public var entryID: Int64
    public var at: Instant
    /// Signed: + into the book, − out of it.
    public var amount: Money
    /// Which cash-flow rule produced the entry.
    public var kind: JournalEntryKind
    public var nftID: NFTID?
    public var loanID: LoanID?
    public var hedgeID: HedgeID?
    /// The yield position a `yield_flow` entry moved cash into or out of.
    public var yieldPositionID: YieldPositionID? = nil
    /// The user's wallet the cash moved through, when the entry names one (an NFT trade's or
    /// opening's wallet, a loan's for its proceeds and events, a deposit's or withdrawal's).
    public var wallet: String? = nil

    /// The entry's text as `v_cash_flow` shows it.
    public var description: String { kind.description }
}

/// A balance assertion that the journal contradicts.
public struct BalanceAssertionFailure: Sendable, Hashable {
    public var assertion: BalanceAssertion
    /// The cash balance the journal gives at the asserted instant.
    public var actual: ExactDecimal
    /// actual − asserted.
    public var difference: ExactDecimal
}

extension LedgerSnapshot {
    /// The cash-flow journal with `from ≤ at ≤ to`, in time order: the same rows as the
    /// `v_cash_flow` view, but as known at ``knownAt`` and with exact signed amounts.
    public func journal(from: Instant, to: Instant) throws -> [JournalEntry] {
        if let memo {
            let all = try memo.journal ?? loadJournal(into: memo)
            // Sorted by instant first: the range is a slice.
            let lower = all.partitionPoint { $0.at >= from }
            let upper = all.partitionPoint { $0.at > to }
            return lower < upper ? Array(all[lower..<upper]) : []
        }
        return try queryJournal(from: from, to: to)
    }

    /// The whole journal into `memo`, with each currency's running balance.
    private func loadJournal(into memo: SnapshotMemo) throws -> [JournalEntry] {
        let all = try queryJournal(from: Instant(unixSeconds: 0), to: Instant(unixSeconds: 253_402_300_799))
        var cash: [Currency: (at: [Int64], balance: [ExactDecimal])] = [:]
        for entry in all {
            let currency = entry.amount.currency
            let previous = cash[currency]?.balance.last ?? .zero
            cash[currency, default: ([], [])].at.append(entry.at.unixSeconds)
            cash[currency, default: ([], [])].balance.append(previous + entry.amount.amount)
        }
        memo.journal = all
        memo.cash = cash
        return all
    }

    private func queryJournal(from: Instant, to: Instant) throws -> [JournalEntry] {
        var entries: [JournalEntry] = []
        // v_cash_flow shows current knowledge; rebuild its rows with this snapshot's visibility.
        try db.query("""
            SELECT f.entry_table, f.entry_id, f.flow_at_unix, f.currency, f.direction, f.amount, f.description, f.nft_id, f.loan_id, f.hedge_id,
                   f.yield_position_id, f.wallet
            FROM (\(Self.cashFlowSQL)) f
            WHERE f.flow_at_unix BETWEEN ?2 AND ?3
            ORDER BY f.flow_at_unix, f.entry_table, f.entry_id, f.description
            """, k, from.unixSeconds, to.unixSeconds) { s in
            entries.append(try JournalEntry(row: s))
        }
        return entries
    }

    /// The book's cash in `currency` at `at`: the exact sum of journal entries at or before it.
    public func cashBalance(_ currency: Currency, at: Instant) throws -> ExactDecimal {
        if let memo {
            if memo.journal == nil { _ = try loadJournal(into: memo) }
            guard let running = memo.cash[currency] else { return .zero }
            let count = running.at.partitionPoint { $0 > at.unixSeconds }
            return count == 0 ? .zero : running.balance[count - 1]
        }
        return try journal(from: Instant(unixSeconds: 0), to: at).reduce(ExactDecimal.zero) { sum, entry in
            entry.amount.currency == currency ? sum + entry.amount.amount : sum
        }
    }

    /// Every visible balance assertion whose amount differs from the journal's cash balance.
    public func balanceAssertionFailures() throws -> [BalanceAssertionFailure] {
        var assertions: [BalanceAssertion] = []
        try db.query("""
            SELECT b.balance_assertion_id, b.asserted_at, b.currency, b.amount, b.recorded_at FROM balance_assertion b
            WHERE \(Self.visible("b", "balance_assertion", "balance_assertion_id")) ORDER BY b.asserted_at, b.balance_assertion_id
            """, k) { s in
            assertions.append(try BalanceAssertion(row: s))
        }
        var failures: [BalanceAssertionFailure] = []
        for assertion in assertions {
            let actual = try cashBalance(assertion.amount.currency, at: assertion.assertedAt)
            if actual != assertion.amount.amount {
                failures.append(BalanceAssertionFailure(assertion: assertion, actual: actual, difference: actual - assertion.amount.amount))
            }
        }
        return failures
    }

    /// The rows of `v_cash_flow`, built from the base tables with visibility as known at `?1`.
    static let cashFlowSQL: String = {
        let trade = visible("t", "nft_trade", "nft_trade_id")
        let loan = visible("l", "loan", "loan_id")
        let event = visible("e", "loan_event", "loan_event_id")
        let option = visible("t", "option_trade", "option_trade_id")
        let settlement = visible("s", "option_settlement", "option_settlement_id")
        let external = visible("f", "external_flow", "external_flow_id")
        let yieldFlow = visible("f", "yield_flow", "yield_flow_id")
        return """
            SELECT 'nft_trade' AS entry_table, t.nft_trade_id AS entry_id, t.traded_at AS flow_at_unix, t.currency,
                   CASE t.side WHEN 'acquire' THEN -1 ELSE 1 END AS direction, t.price AS amount,
                   CASE t.side WHEN 'acquire' THEN 'nft purchase' ELSE 'nft sale' END AS description,
                   t.nft_id, NULL AS loan_id, NULL AS hedge_id, NULL AS yield_position_id, t.wallet AS wallet
            FROM nft_trade t WHERE \(trade)
            UNION ALL
            SELECT 'nft_trade', t.nft_trade_id, t.traded_at, t.currency, -1, t.fees, 'nft trade fees', t.nft_id, NULL, NULL, NULL, t.wallet
            FROM nft_trade t WHERE t.fees <> '0' AND \(trade)
            UNION ALL
            SELECT 'nft_trade', t.nft_trade_id, t.traded_at, t.currency, 1, t.price, 'opening position contributed', NULL, NULL, NULL, NULL, t.wallet
            FROM nft_trade t WHERE t.opening = 1 AND t.price <> '0' AND \(trade)
            UNION ALL
            SELECT 'nft_trade', t.nft_trade_id, t.traded_at, t.currency, 1, t.fees, 'opening position fees contributed', NULL, NULL, NULL, NULL, t.wallet
            FROM nft_trade t WHERE t.opening = 1 AND t.fees <> '0' AND \(trade)
            UNION ALL
            SELECT 'loan', l.loan_id, l.started_at, l.currency, 1, l.amount_received, 'loan proceeds received', NULL, l.loan_id, NULL, NULL, l.wallet
            FROM loan l WHERE l.opened_at IS NULL AND \(loan)
            UNION ALL
            SELECT 'loan', l.loan_id, l.opened_at, l.currency, 1, l.opening_principal, 'running loan opened', NULL, l.loan_id, NULL, NULL, l.wallet
            FROM loan l WHERE l.opened_at IS NOT NULL AND \(loan)
            UNION ALL
            SELECT 'loan', l.loan_id, l.opened_at, l.currency, -1, l.opening_principal, 'running loan assumed', NULL, NULL, NULL, NULL, l.wallet
            FROM loan l WHERE l.opened_at IS NOT NULL AND \(loan)
            UNION ALL
            SELECT 'loan_event', e.loan_event_id, e.occurred_at, l.currency, x.direction, x.amount, x.description, NULL, e.loan_id, NULL, NULL, l.wallet
            FROM loan_event e JOIN loan l ON l.loan_id = e.loan_id
            JOIN (SELECT loan_event_id AS id, 1 AS direction, amount, 'loan borrowed more' AS description FROM loan_event WHERE event_kind = 'borrow_more'
                  UNION ALL SELECT loan_event_id, -1, interest_part, 'loan interest paid' FROM loan_event WHERE event_kind = 'repay' AND interest_part <> '0'
                  UNION ALL SELECT loan_event_id, -1, principal_part, 'loan principal repaid' FROM loan_event WHERE event_kind = 'repay' AND principal_part <> '0'
                  UNION ALL SELECT loan_event_id, -1, fee, 'loan fee paid' FROM loan_event WHERE fee IS NOT NULL AND fee <> '0'
                  UNION ALL SELECT loan_event_id, -1, amount, 'loan redeemed' FROM loan_event WHERE event_kind = 'redeem'
                  UNION ALL SELECT loan_event_id, 1, amount, 'liquidation surplus returned' FROM loan_event
                            WHERE event_kind IN ('liquidation', 'foreclosure') AND amount IS NOT NULL AND amount <> '0') x ON x.id = e.loan_event_id
            WHERE \(event) AND \(loan)
            UNION ALL
            SELECT 'option_trade', t.option_trade_id, t.traded_at, 'USD', CASE WHEN t.quantity < 0 THEN 1 ELSE -1 END, t.premium,
                   CASE WHEN t.quantity < 0 THEN 'option premium received' ELSE 'option premium paid' END, NULL, NULL, t.hedge_id, NULL, NULL
            FROM option_trade t WHERE t.premium <> '0' AND \(option)
            UNION ALL
            SELECT 'option_trade', t.option_trade_id, t.traded_at, 'USD', -1, t.fees, 'option fees', NULL, NULL, t.hedge_id, NULL, NULL
            FROM option_trade t WHERE t.fees <> '0' AND \(option)
            UNION ALL
            SELECT 'option_settlement', s.option_settlement_id, s.settled_at, 'USD', CASE WHEN s.cash_amount GLOB '-*' THEN -1 ELSE 1 END,
                   ltrim(s.cash_amount, '-'), 'option cash settlement', NULL, NULL, s.hedge_id, NULL, NULL
            FROM option_settlement s WHERE s.cash_amount <> '0' AND \(settlement)
            UNION ALL
            SELECT 'external_flow', f.external_flow_id, f.flowed_at, f.currency, CASE f.flow_kind WHEN 'deposit' THEN 1 ELSE -1 END,
                   f.amount, CASE WHEN f.is_opening = 1 THEN 'opening cash balance' ELSE f.flow_kind END, NULL, NULL, NULL, NULL, f.wallet
            FROM external_flow f WHERE \(external)
            UNION ALL
            SELECT 'yield_flow', f.yield_flow_id, f.flowed_at, p.currency, CASE f.flow_kind WHEN 'deposit' THEN -1 ELSE 1 END, f.amount,
                   CASE f.flow_kind WHEN 'deposit' THEN 'yield deposit' ELSE 'yield withdrawal' END, NULL, NULL, NULL, f.yield_position_id, NULL
            FROM yield_flow f JOIN yield_position p ON p.yield_position_id = f.yield_position_id WHERE \(yieldFlow) AND p.recorded_at <= ?1
            """
    }()
}

extension RandomAccessCollection {
    /// The index of the first element for which `isAbove` is true, in a collection where it is
    /// false for a prefix and true for the rest (binary search).
    func partitionPoint(_ isAbove: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if isAbove(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}

extension JournalEntry {
    /// Reads an entry from a row of the journal SELECT over ``LedgerSnapshot/cashFlowSQL``, by column name.
    init(row s: Statement) throws {
        let magnitude = try StoredValue.decimal(s, "amount")
        let direction = try s.column("direction", as: Int.self)
        self.init(entryTable: try s.column("entry_table"), entryID: try s.column("entry_id"), at: try StoredValue.instant(s, "flow_at_unix"),
                  amount: Money(direction < 0 ? -magnitude : magnitude, try StoredValue.currency(s, "currency")),
                  kind: try JournalEntryKind.decode(try s.column("description"), field: "journal description"),
                  nftID: try s.column("nft_id", as: Int64?.self).map(NFTID.init),
                  loanID: try s.column("loan_id", as: Int64?.self).map(LoanID.init),
                  hedgeID: try s.column("hedge_id", as: Int64?.self).map(HedgeID.init),
                  yieldPositionID: try s.column("yield_position_id", as: Int64?.self).map(YieldPositionID.init))
        wallet = try s.column("wallet", as: String?.self)
    }
}

extension BalanceAssertion {
    /// Reads an assertion from a row of the `balance_assertion` SELECT in ``LedgerSnapshot/balanceAssertionFailures()``, by column name.
    init(row s: Statement) throws {
        self.init(id: BalanceAssertionID(try s.column("balance_assertion_id")), assertedAt: try StoredValue.instant(s, "asserted_at"),
                  amount: Money(try StoredValue.decimal(s, "amount"), try StoredValue.currency(s, "currency")),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}
