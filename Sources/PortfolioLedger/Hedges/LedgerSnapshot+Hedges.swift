import LedgerMath
internal import SQLiteDB

/// A hedge's net position in one contract at an instant.
public struct OptionPosition: Sendable, Hashable {
    public var hedgeID: HedgeID
    public var contract: OptionContract
    /// Signed contracts held at the instant (trades at or before it).
    public var quantity: Int
    /// The settlement, when the contract has settled by the instant.
    public var settlement: OptionSettlement?
}

extension LedgerSnapshot {
    public func hedge(_ id: HedgeID) throws -> HedgeRecord? {
        if let memo {
            _ = try hedges()
            return memo.hedgesByID[id]
        }
        return try hedges(Self.hedgeByIDSQL, id.rawValue).first
    }

    /// Every hedge with the loans it protects.
    public func hedges() throws -> [HedgeRecord] {
        if let loaded = memo?.hedges { return loaded }
        let all = try hedges(Self.allHedgesSQL, Int64(0))
        if let memo {
            memo.hedges = all
            memo.hedgesByID = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        return all
    }

    static let hedgeByIDSQL = "SELECT hedge_id, hedge_name, strategy, opened_at, recorded_at FROM hedge WHERE hedge_id = ?2 AND recorded_at <= ?1"
    static let allHedgesSQL = "SELECT hedge_id, hedge_name, strategy, opened_at, recorded_at FROM hedge WHERE ?2 = 0 AND recorded_at <= ?1 ORDER BY hedge_id"

    /// Hedges from one of the constant statements above (`?1` = knowledge cut-off, `?2` = `value`).
    private func hedges(_ sql: String, _ value: Int64) throws -> [HedgeRecord] {
        var result: [HedgeRecord] = []
        try db.query(sql, k, value) { s in result.append(try HedgeRecord(row: s)) }
        for index in result.indices {
            try db.query("SELECT loan_id FROM hedge_loan WHERE hedge_id = ?1 AND recorded_at <= ?2 ORDER BY loan_id", result[index].id.rawValue, k) {
                result[index].protectedLoans.append(LoanID(try $0.column("loan_id")))
            }
        }
        return result
    }

    public func optionContract(_ id: OptionContractID) throws -> OptionContract? {
        if let known = memo?.optionContracts[id] { return known }
        let contract: OptionContract? = try db.withStatement("""
            SELECT contract_id, root, option_type, strike, expires_at, multiplier FROM option_contract WHERE contract_id = ?1 AND recorded_at <= ?2
            """) { s -> OptionContract? in
            try s.bind(id.rawValue, k)
            guard try s.step() else { return nil }
            return try OptionContract(row: s)
        }
        memo?.optionContracts[id] = .some(contract)
        return contract
    }

    /// The visible trades of a hedge in time order.
    public func optionTrades(of hedge: HedgeID) throws -> [OptionTrade] {
        if let known = memo?.optionTrades[hedge] { return known }
        var result: [OptionTrade] = []
        try db.query("""
            SELECT t.option_trade_id, t.hedge_id, t.contract_id, t.traded_at, t.quantity, t.price, t.premium, t.fees, t.recorded_at
            FROM option_trade t WHERE t.hedge_id = ?2 AND \(Self.visible("t", "option_trade", "option_trade_id"))
            ORDER BY t.traded_at, t.option_trade_id
            """, k, hedge.rawValue) { s in
            result.append(try OptionTrade(row: s))
        }
        memo?.optionTrades[hedge] = result
        return result
    }

    /// The visible settlements of a hedge.
    public func optionSettlements(of hedge: HedgeID) throws -> [OptionSettlement] {
        if let known = memo?.optionSettlements[hedge] { return known }
        var result: [OptionSettlement] = []
        try db.query("""
            SELECT s.option_settlement_id, s.hedge_id, s.contract_id, s.settled_at, s.settlement_value, s.quantity, s.cash_amount, s.recorded_at
            FROM option_settlement s WHERE s.hedge_id = ?2 AND \(Self.visible("s", "option_settlement", "option_settlement_id"))
            ORDER BY s.settled_at, s.option_settlement_id
            """, k, hedge.rawValue) { s in
            result.append(try OptionSettlement(row: s))
        }
        memo?.optionSettlements[hedge] = result
        return result
    }

    /// A hedge's positions at `at`: net quantity per contract from trades at or before it
    /// (contracts whose trades net to zero are left out), with their settlement if settled by then.
    public func positions(of hedge: HedgeID, at: Instant) throws -> [OptionPosition] {
        var quantities: [OptionContractID: Int] = [:]
        for trade in try optionTrades(of: hedge) where trade.tradedAt <= at { quantities[trade.contractID, default: 0] += trade.quantity }
        let settlements = try optionSettlements(of: hedge).filter { $0.settledAt <= at }
        var result: [OptionPosition] = []
        for (contractID, quantity) in quantities where quantity != 0 {
            guard let contract = try optionContract(contractID) else { continue }
            result.append(OptionPosition(hedgeID: hedge, contract: contract, quantity: quantity,
                                         settlement: settlements.first { $0.contractID == contractID }))
        }
        // Expiry, then strike, then puts before calls: an iron condor reads K1 < K2 < K3 < K4.
        return result.sorted {
            ($0.contract.expiresAt, $0.contract.strike, $0.contract.optionType == .put ? 0 : 1)
                < ($1.contract.expiresAt, $1.contract.strike, $1.contract.optionType == .put ? 0 : 1)
        }
    }

    /// Net open quantity of `contract` per hedge (all trades).
    func openQuantities(of contract: OptionContractID) throws -> [(HedgeID, Int)] {
        var result: [(HedgeID, Int)] = []
        try db.query("""
            SELECT t.hedge_id, sum(t.quantity) AS quantity FROM option_trade t
            WHERE t.contract_id = ?2 AND \(Self.visible("t", "option_trade", "option_trade_id"))
            GROUP BY t.hedge_id ORDER BY t.hedge_id
            """, k, contract.rawValue) { result.append((HedgeID(try $0.column("hedge_id")), try $0.column("quantity"))) }
        return result
    }

    func isSettled(hedge: HedgeID, contract: OptionContractID) throws -> Bool {
        try optionSettlements(of: hedge).contains { $0.contractID == contract }
    }
}

extension HedgeRecord {
    /// Reads a hedge from a row of ``LedgerSnapshot/hedgeByIDSQL`` or ``LedgerSnapshot/allHedgesSQL``,
    /// by column name; the loans it protects are read separately (empty here).
    init(row s: Statement) throws {
        self.init(id: HedgeID(try s.column("hedge_id")), name: try s.column("hedge_name"),
                  strategy: try StoredValue.enumeration(s, "strategy", as: HedgeRecord.Strategy.self),
                  openedAt: try StoredValue.instant(s, "opened_at"), protectedLoans: [], recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}

extension OptionContract {
    /// Reads a contract from a row of the `option_contract` SELECT in ``LedgerSnapshot/optionContract(_:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: OptionContractID(try s.column("contract_id")), root: try StoredValue.enumeration(s, "root", as: OptionRoot.self),
                  optionType: try StoredValue.enumeration(s, "option_type", as: OptionType.self),
                  strike: try StoredValue.decimal(s, "strike"), expiresAt: try StoredValue.instant(s, "expires_at"),
                  multiplier: try s.column("multiplier"))
    }
}

extension OptionTrade {
    /// Reads a trade from a row of the `option_trade` SELECT in ``LedgerSnapshot/optionTrades(of:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: OptionTradeID(try s.column("option_trade_id")), hedgeID: HedgeID(try s.column("hedge_id")),
                  contractID: OptionContractID(try s.column("contract_id")), tradedAt: try StoredValue.instant(s, "traded_at"),
                  quantity: try s.column("quantity"), price: try StoredValue.decimal(s, "price"),
                  premium: try StoredValue.decimal(s, "premium"), fees: try StoredValue.decimal(s, "fees"),
                  recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}

extension OptionSettlement {
    /// Reads a settlement from a row of the `option_settlement` SELECT in ``LedgerSnapshot/optionSettlements(of:)``, by column name.
    init(row s: Statement) throws {
        self.init(id: OptionSettlementID(try s.column("option_settlement_id")), hedgeID: HedgeID(try s.column("hedge_id")),
                  contractID: OptionContractID(try s.column("contract_id")), settledAt: try StoredValue.instant(s, "settled_at"),
                  settlementValue: try StoredValue.decimal(s, "settlement_value"), quantity: try s.column("quantity"),
                  cashAmount: try StoredValue.decimal(s, "cash_amount"), recordedAt: try StoredValue.instant(s, "recorded_at"))
    }
}
