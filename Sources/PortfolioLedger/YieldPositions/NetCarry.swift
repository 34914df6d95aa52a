import LedgerMath

/// What a loan's borrowed money earned in the yield positions it funded, against what the loan
/// cost: the carry of the trade "borrow against the NFT, put the proceeds to work".
public struct LoanNetCarry: Sendable, Hashable {
    public var loan: LoanID
    public var at: Instant
    public var numeraire: Numeraire
    /// The yield positions the loan funded.
    public var positions: [YieldPositionID]
    /// `Σ withdrawals − Σ deposits` (each converted at its own instant) `+ value at at` (converted
    /// at `at`), numeraire: the yield the positions earned up to `at`, realized or not.
    public var yieldEarned: Double
    /// The loan's all-in borrowing cost up to `at` (``LedgerSnapshot/borrowingCost(_:at:numeraire:policy:)``), numeraire.
    public var borrowingCost: Double
    /// `yieldEarned − borrowingCost`: positive when the money earned more than it cost.
    public var netCarry: Double { yieldEarned - borrowingCost }
    /// Every price used (share prices, FX), once.
    public var prices: [PriceUsed]
}

extension LedgerSnapshot {
    /// The net carry of `loan` at `at`: the yield its funded positions earned minus its borrowing cost.
    /// - Throws: ``AnalyticsError/unknownEntity(kind:id:)`` for an unknown loan; price errors per `policy`.
    public func netCarry(of loan: LoanID, at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default) throws -> LoanNetCarry {
        guard try self.loan(loan) != nil else { throw AnalyticsError.unknownEntity(kind: "loan", id: loan.description) }
        let positions = try yieldPositions(fundedBy: loan).map(\.id)
        let earned = try yieldEarned(positions, at: at, numeraire: numeraire, policy: policy)
        let cost = try borrowingCost(loan, at: at, numeraire: numeraire, policy: policy)
        return LoanNetCarry(loan: loan, at: at, numeraire: numeraire, positions: positions, yieldEarned: earned.value,
                            borrowingCost: cost.costInNumeraire, prices: earned.prices)
    }

    /// The net carry of every loan started by `at` that funded a yield position, by loan id.
    public func netCarry(at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default) throws -> [LoanNetCarry] {
        let funding = Set(try yieldPositions().compactMap(\.fundingLoan))
        return try loans().filter { funding.contains($0.id) && $0.startedAt <= at }.map(\.id).sorted()
            .map { try netCarry(of: $0, at: at, numeraire: numeraire, policy: policy) }
    }

    /// What `positions` earned up to `at` in the numeraire: withdrawals − deposits at their own
    /// instants' rates, plus the value still held at `at`.
    func yieldEarned(_ positions: [YieldPositionID], at: Instant, numeraire: Numeraire,
                     policy: PricingPolicy) throws -> (value: Double, prices: [PriceUsed]) {
        var total = 0.0, prices: [PriceUsed] = []
        func note(_ ps: [PriceUsed]) { for p in ps where !prices.contains(p) { prices.append(p) } }
        for id in positions {
            let value = try yieldValue(id, at: at, policy: policy)
            let currency = value.holding.position.currency
            for flow in value.holding.flows {
                let c = try convert(Money(flow.amount, currency), to: numeraire, at: flow.flowedAt, policy: policy)
                note(c.prices)
                total += flow.kind == .withdrawal ? c.converted : -c.converted
            }
            if let p = value.sharePrice { note([p]) }
            if value.value != 0 {
                let c = try convert(Money(exact(value.value), currency), to: numeraire, at: at, policy: policy)
                note(c.prices)
                total += c.converted
            }
        }
        return (total, prices)
    }
}
