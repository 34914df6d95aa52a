import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Adds a hedge, optionally linked to the loans it protects.
    public func addHedge(name: String, strategy: HedgeRecord.Strategy, openedAt: Instant, protecting loans: [LoanID] = [],
                         source: ImportSourceID? = nil) throws -> HedgeID {
        try Validate.text(name, "hedge name", maxLength: 200)
        try Validate.instant(openedAt, "opened_at")
        for loan in loans where try current.loan(loan) == nil { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        let id = try insert("INSERT INTO hedge (hedge_name, strategy, opened_at, recorded_at, source_id) VALUES (?, ?, ?, ?, ?)",
                            name, strategy.rawValue, openedAt.unixSeconds, recordedAt.unixSeconds, source?.rawValue)
        for loan in Set(loans) {
            try db.execute("INSERT INTO hedge_loan (hedge_id, loan_id, recorded_at) VALUES (?, ?, ?)", id, loan.rawValue, recordedAt.unixSeconds)
        }
        return HedgeID(id)
    }

    /// Links a hedge to a loan it protects, for a journal line that names a loan booked later in
    /// the file (the loan may be voided by then: the link is history too).
    func addProtection(hedge: HedgeID, loan: LoanID) throws {
        guard try db.scalarIfAny("SELECT 1 FROM loan WHERE loan_id = ?", loan.rawValue, as: Int64.self) != nil else {
            throw LedgerError.unknownEntity(kind: "loan", id: loan.description)
        }
        try db.execute("INSERT INTO hedge_loan (hedge_id, loan_id, recorded_at) VALUES (?, ?, ?)", hedge.rawValue, loan.rawValue, recordedAt.unixSeconds)
    }

    /// Adds an option contract, or returns the identical one already recorded.
    public func addOptionContract(root: OptionRoot, type: OptionType, strike: ExactDecimal, expiresAt: Instant,
                                  multiplier: Int = 100) throws -> OptionContractID {
        try Validate.positive(strike, "strike")
        // The column holds at most 40 characters (a strike is index points, not a token amount).
        guard strike.description.utf8.count <= 40 else { throw LedgerError.invalidValue(field: "strike", reason: "\(strike) is longer than 40 characters") }
        try Validate.instant(expiresAt, "expires_at")
        guard multiplier > 0 else { throw LedgerError.invalidValue(field: "multiplier", reason: "\(multiplier) must be positive") }
        if let existing = try db.scalarIfAny("""
            SELECT contract_id FROM option_contract WHERE root = ? AND option_type = ? AND strike = ? AND expires_at = ?
            """, root.rawValue, type.rawValue, strike.description, expiresAt.unixSeconds, as: Int64.self) {
            guard let contract = try current.optionContract(OptionContractID(existing)), contract.multiplier == multiplier else {
                throw LedgerError.conflict("contract \(root.rawValue) \(type.rawValue) \(strike) \(expiresAt) exists with another multiplier")
            }
            return OptionContractID(existing)
        }
        return OptionContractID(try insert("""
            INSERT INTO option_contract (root, option_type, strike, expires_at, settlement_style, multiplier, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, root.rawValue, type.rawValue, strike.description, expiresAt.unixSeconds, root.settlementStyle.rawValue,
            multiplier, recordedAt.unixSeconds))
    }

    /// Books a trade of `quantity` contracts (+ buy, − sell) at `price` index points per unit.
    /// The premium, |quantity| × price × multiplier USD, is computed exactly and stored with it.
    public func recordOptionTrade(hedge: HedgeID, contract: OptionContractID, tradedAt: Instant, quantity: Int,
                                  price: ExactDecimal, fees: ExactDecimal = .zero, source: ImportSourceID? = nil) throws -> OptionTradeID {
        try Validate.instant(tradedAt, "traded_at")
        guard quantity != 0, (-1_000_000...1_000_000).contains(quantity) else {
            throw LedgerError.invalidValue(field: "quantity", reason: "\(quantity) must be a non-zero number of contracts within ±1,000,000")
        }
        try Validate.nonNegative(price, "price")
        try Validate.nonNegative(fees, "fees")
        guard try current.hedge(hedge) != nil else { throw LedgerError.unknownEntity(kind: "hedge", id: hedge.description) }
        guard let option = try current.optionContract(contract) else {
            throw LedgerError.unknownEntity(kind: "option contract", id: contract.description)
        }
        guard tradedAt < option.expiresAt else {
            throw LedgerError.invalidValue(field: "traded_at", reason: "\(tradedAt) is not before the contract's expiry \(option.expiresAt)")
        }
        let premium = ExactDecimal(abs(quantity)) * price * ExactDecimal(option.multiplier)
        return OptionTradeID(try insert("""
            INSERT INTO option_trade (hedge_id, contract_id, traded_at, quantity, price, premium, fees, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, hedge.rawValue, contract.rawValue, tradedAt.unixSeconds, quantity, price.description, premium.description,
            fees.description, recordedAt.unixSeconds, source?.rawValue))
    }

    /// Settles every hedge's open position in an expired contract at `settlementValue` index
    /// points, booking signed cash = quantity × intrinsic × multiplier (exact) for each hedge.
    /// Returns the settlements booked (none when no hedge had an open position).
    public func settleContract(_ contract: OptionContractID, settlementValue: ExactDecimal, settledAt: Instant? = nil,
                               source: ImportSourceID? = nil) throws -> [OptionSettlementID] {
        try Validate.positive(settlementValue, "settlement_value")
        guard let option = try current.optionContract(contract) else {
            throw LedgerError.unknownEntity(kind: "option contract", id: contract.description)
        }
        let at = settledAt ?? option.expiresAt
        guard at >= option.expiresAt else {
            throw LedgerError.invalidValue(field: "settled_at", reason: "\(at) is before the contract's expiry \(option.expiresAt)")
        }
        let intrinsic: ExactDecimal = switch option.optionType {
        case .call: max(settlementValue - option.strike, .zero)
        case .put: max(option.strike - settlementValue, .zero)
        }
        var booked: [OptionSettlementID] = []
        for (hedge, quantity) in try current.openQuantities(of: contract) where quantity != 0 {
            if try current.isSettled(hedge: hedge, contract: contract) {
                let name = try current.hedge(hedge)?.name ?? "a hedge"
                throw LedgerError.conflict("the position of hedge '\(name)' in \(option.root.rawValue) \(option.optionType.rawValue) \(option.strike) expiring \(option.expiresAt) is already settled")
            }
            let cash = ExactDecimal(quantity) * intrinsic * ExactDecimal(option.multiplier)
            booked.append(OptionSettlementID(try insert("""
                INSERT INTO option_settlement (hedge_id, contract_id, settled_at, settlement_value, quantity, cash_amount, recorded_at, source_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, hedge.rawValue, contract.rawValue, at.unixSeconds, settlementValue.description, quantity, cash.description,
                recordedAt.unixSeconds, source?.rawValue)))
        }
        return booked
    }
}

extension LedgerTransaction {
    /// Opens an iron condor as one hedge: validates the four legs with LedgerMath's
    /// `IronCondor` (long put K1 < short put K2 < short call K3 < long call K4, one expiry, the
    /// credit or debit sign pattern), then books the hedge, its contracts and its four trades.
    ///
    /// Each leg's `premium` is its price per unit in index points; `expiry` is required.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming the leg when the legs do not
    ///   form an iron condor; nothing is written then.
    public func openIronCondor(name: String, root: OptionRoot, legs: [OptionLeg], tradedAt: Instant, feesPerLeg: ExactDecimal = .zero,
                               protecting loans: [LoanID] = [], multiplier: Int = 100, source: ImportSourceID? = nil) throws -> HedgeID {
        let condor: IronCondor
        do { condor = try IronCondor(legs: legs, multiplier: multiplier) } catch {
            throw LedgerError.invalidValue(field: "iron condor", reason: error.description)
        }
        guard let expiry = condor.expiry else { throw LedgerError.invalidValue(field: "iron condor expiry", reason: "every leg needs an expiry") }
        guard tradedAt < expiry else {
            throw LedgerError.invalidValue(field: "traded_at", reason: "\(tradedAt) is not before the expiry \(expiry)")
        }
        let hedge = try addHedge(name: name, strategy: .ironCondor, openedAt: tradedAt, protecting: loans, source: source)
        for leg in condor.legs {
            let contract = try addOptionContract(root: root, type: leg.optionType, strike: leg.strike, expiresAt: expiry, multiplier: multiplier)
            _ = try recordOptionTrade(hedge: hedge, contract: contract, tradedAt: tradedAt, quantity: leg.quantity, price: leg.premium,
                                      fees: feesPerLeg, source: source)
        }
        return hedge
    }
}
