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
        try db.query(sql, k, value) { s in
            result.append(HedgeRecord(id: HedgeID(try s.column(0)), name: try s.column(1),
                                      strategy: try StoredValue.enumeration(s, 2, as: HedgeRecord.Strategy.self),
                                      openedAt: try StoredValue.instant(s, 3), protectedLoans: [], recordedAt: try StoredValue.instant(s, 4)))
        }
        for index in result.indices {
            try db.query("SELECT loan_id FROM hedge_loan WHERE hedge_id = ?1 AND recorded_at <= ?2 ORDER BY loan_id", result[index].id.rawValue, k) {
                result[index].protectedLoans.append(LoanID(try $0.column(0)))
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
            return OptionContract(id: OptionContractID(try s.column(0)), root: try StoredValue.enumeration(s, 1, as: OptionRoot.self),
                                  optionType: try StoredValue.enumeration(s, 2, as: OptionType.self),
                                  strike: try StoredValue.decimal(s, 3, "strike"), expiresAt: try StoredValue.instant(s, 4),
                                  multiplier: try s.column(5))
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
            result.append(OptionTrade(id: OptionTradeID(try s.column(0)), hedgeID: HedgeID(try s.column(1)),
                                      contractID: OptionContractID(try s.column(2)), tradedAt: try StoredValue.instant(s, 3),
                                      quantity: try s.column(4), price: try StoredValue.decimal(s, 5, "price"),
                                      premium: try StoredValue.decimal(s, 6, "premium"), fees: try StoredValue.decimal(s, 7, "fees"),
                                      recordedAt: try StoredValue.instant(s, 8)))
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
            result.append(OptionSettlement(id: OptionSettlementID(try s.column(0)), hedgeID: HedgeID(try s.column(1)),
                                           contractID: OptionContractID(try s.column(2)), settledAt: try StoredValue.instant(s, 3),
                                           settlementValue: try StoredValue.decimal(s, 4, "settlement_value"), quantity: try s.column(5),
                                           cashAmount: try StoredValue.decimal(s, 6, "cash_amount"), recordedAt: try StoredValue.instant(s, 7)))
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
            SELECT t.hedge_id, sum(t.quantity) FROM option_trade t
            WHERE t.contract_id = ?2 AND \(Self.visible("t", "option_trade", "option_trade_id"))
            GROUP BY t.hedge_id ORDER BY t.hedge_id
            """, k, contract.rawValue) { result.append((HedgeID(try $0.column(0)), try $0.column(1))) }
        return result
    }

    func isSettled(hedge: HedgeID, contract: OptionContractID) throws -> Bool {
        try optionSettlements(of: hedge).contains { $0.contractID == contract }
    }
}
