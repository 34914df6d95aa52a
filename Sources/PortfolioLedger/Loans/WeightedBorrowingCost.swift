import LedgerMath

/// How a loan's effective APR is measured in a weighted-cost report.
public enum APRBasis: String, Sendable, Hashable {
    /// Settled by the report instant: cost and time to settlement.
    case realized
    /// Open with a maturity still ahead: paid so far + the model's debt at maturity (events as
    /// known at the instant, rates held), over start → maturity. (A fixed-repayment loan owes its
    /// whole interest from day 0, so a to-date APR would overstate it early in the term.)
    case projectedToMaturity
    /// Open without a maturity ahead: cost to date (debt owed now as if repaid now).
    case toDate
}

/// One loan's all-in effective APR (interest and fees) and its weight.
public struct LoanRateWeight: Sendable, Hashable {
    public var loan: LoanID
    public var lendingProtocol: LendingProtocol
    public var currency: Currency
    public var basis: APRBasis
    /// End of the APR's interval (settlement, maturity or the instant).
    public var horizon: Instant
    /// `received − paid − owed at horizon`, negated: the all-in cost in the loan currency.
    public var cost: ExactDecimal
    public var received: ExactDecimal
    /// `cost / received × 31,536,000 / (horizon − start)`.
    public var effectiveAPR: Double?
    public var costInNumeraire: Double
    public var receivedInNumeraire: Double
    public var effectiveAPRInNumeraire: Double?
    /// Weight in the loan currency: outstanding principal (instant) or principal × seconds (period).
    public var weight: Double
    /// ``weight`` converted into the numeraire at the report's end instant.
    public var weightInNumeraire: Double
    /// What the yield positions this loan funded earned up to the report instant, numeraire
    /// (``LoanNetCarry/yieldEarned``); 0 when it funded none.
    public var yieldEarnedInNumeraire: Double = 0
    /// `(costInNumeraire − yieldEarnedInNumeraire) / receivedInNumeraire`, annualized over the same
    /// interval as ``effectiveAPRInNumeraire`` (equal to it when the loan funded no yield position).
    public var netEffectiveAPRInNumeraire: Double?
}

/// A weighted average APR: `Σ w_i · APR_i / Σ w_i` over the loans with an APR.
public struct WeightedAPR: Sendable, Hashable {
    public var weight: Double
    public var apr: Double?
    public var loanCount: Int

    static func of(_ pairs: [(weight: Double, apr: Double?)]) -> WeightedAPR {
        let usable = pairs.compactMap { p in p.apr.map { (p.weight, $0) } }
        let w = usable.reduce(0) { $0 + $1.0 }
        return WeightedAPR(weight: w, apr: w > 0 ? usable.reduce(0) { $0 + $1.0 * $1.1 } / w : nil, loanCount: usable.count)
    }
}

/// Weighted average cost of borrowed capital (issue #9): the principal-weighted (instant) or
/// principal-and-time-weighted (period) all-in effective APR of the loans, per loan currency, in
/// the numeraire, and per protocol (numeraire).
public struct WeightedBorrowingCostReport: Sendable, Hashable {
    /// Start of the period; `nil` for an instant report.
    public var from: Instant?
    /// The instant (or the period's end).
    public var to: Instant
    public var numeraire: Numeraire
    public var loans: [LoanRateWeight]
    /// Per loan currency: loan-currency weights and APRs.
    public var byCurrency: [Currency: WeightedAPR]
    /// All loans: numeraire weights and numeraire APRs.
    public var inNumeraire: WeightedAPR
    /// Per protocol: numeraire weights and numeraire APRs.
    public var byProtocol: [LendingProtocol: WeightedAPR]
    /// All loans, numeraire, each net of the yield its funded positions earned (``LoanRateWeight/netEffectiveAPRInNumeraire``).
    public var inNumeraireNetOfYield: WeightedAPR
    /// True when some loan funded a yield position (otherwise the net figures equal the gross ones).
    public var fundsYield: Bool
    /// FX used for the weights, once.
    public var prices: [PriceUsed]
}

extension LedgerSnapshot {
    /// Weighted cost of the loans open at `at`, each weighted by its outstanding principal then.
    public func weightedBorrowingCost(at: Instant, numeraire: Numeraire = .usd,
                                      policy: PricingPolicy = .default) throws -> WeightedBorrowingCostReport {
        try weightedBorrowingCost(at: at, numeraire: numeraire, policy: policy, wallet: nil)
    }

    /// ``weightedBorrowingCost(at:numeraire:policy:)`` of the loans one part of the book borrowed
    /// (``WalletScope``); `wallet == nil`: every loan.
    public func weightedBorrowingCost(at: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                                      wallet scope: WalletScope?) throws -> WeightedBorrowingCostReport {
        var rows: [(LoanRecord, Double)] = []
        for loan in try loans(openAt: at) where scope?.contains(loan.wallet) ?? true {
            rows.append((loan, try outstandingPrincipal(of: loan.id, at: at).doubleValue))
        }
        return try weightedBorrowingCost(rows, from: nil, to: at, numeraire: numeraire, policy: policy)
    }

    /// Weighted cost over `[from, to]` of every loan open at some time in it, each weighted by
    /// `∫ outstanding principal dt` over the part of its life inside the period (principal × seconds).
    public func weightedBorrowingCost(from: Instant, to: Instant, numeraire: Numeraire = .usd,
                                      policy: PricingPolicy = .default) throws -> WeightedBorrowingCostReport {
        try weightedBorrowingCost(from: from, to: to, numeraire: numeraire, policy: policy, wallet: nil)
    }

    /// ``weightedBorrowingCost(from:to:numeraire:policy:)`` of the loans one part of the book
    /// borrowed (``WalletScope``); `wallet == nil`: every loan.
    public func weightedBorrowingCost(from: Instant, to: Instant, numeraire: Numeraire = .usd, policy: PricingPolicy = .default,
                                      wallet scope: WalletScope?) throws -> WeightedBorrowingCostReport {
        guard from < to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is not before \(to)") }
        var rows: [(LoanRecord, Double)] = []
        for loan in try loans() where loan.startedAt < to && (scope?.contains(loan.wallet) ?? true) {
            let w = try principalSeconds(loan, from: from, to: to)
            if w > 0 { rows.append((loan, w)) }
        }
        return try weightedBorrowingCost(rows, from: from, to: to, numeraire: numeraire, policy: policy)
    }

    private func weightedBorrowingCost(_ rows: [(LoanRecord, Double)], from: Instant?, to: Instant, numeraire: Numeraire,
                                       policy: PricingPolicy) throws -> WeightedBorrowingCostReport {
        var prices: [PriceUsed] = []
        var loans: [LoanRateWeight] = []
        var fundsYield = false
        for (record, weight) in rows {
            var rate = try loanRate(record, at: to, numeraire: numeraire, policy: policy)
            let fx = try fxRate(from: record.currency, to: numeraire.currency, at: to, policy: policy)
            for p in fx.prices where !prices.contains(p) { prices.append(p) }
            rate.weight = weight
            rate.weightInNumeraire = weight * fx.rate
            let positions = try yieldPositions(fundedBy: record.id).map(\.id)
            if !positions.isEmpty {
                fundsYield = true
                let earned = try yieldEarned(positions, at: to, numeraire: numeraire, policy: policy)
                for p in earned.prices where !prices.contains(p) { prices.append(p) }
                rate.yieldEarnedInNumeraire = earned.value
                let seconds = record.startedAt.seconds(to: rate.horizon)
                rate.netEffectiveAPRInNumeraire = (rate.receivedInNumeraire > 0 && seconds > 0)
                    ? (rate.costInNumeraire - earned.value) / rate.receivedInNumeraire * Double(Instant.secondsPerYear) / Double(seconds) : nil
            }
            loans.append(rate)
        }
        var byCurrency: [Currency: WeightedAPR] = [:]
        for c in Set(loans.map(\.currency)) {
            byCurrency[c] = .of(loans.filter { $0.currency == c }.map { ($0.weight, $0.effectiveAPR) })
        }
        var byProtocol: [LendingProtocol: WeightedAPR] = [:]
        for p in Set(loans.map(\.lendingProtocol)) {
            byProtocol[p] = .of(loans.filter { $0.lendingProtocol == p }.map { ($0.weightInNumeraire, $0.effectiveAPRInNumeraire) })
        }
        return WeightedBorrowingCostReport(from: from, to: to, numeraire: numeraire, loans: loans, byCurrency: byCurrency,
                                           inNumeraire: .of(loans.map { ($0.weightInNumeraire, $0.effectiveAPRInNumeraire) }),
                                           byProtocol: byProtocol,
                                           inNumeraireNetOfYield: .of(loans.map { ($0.weightInNumeraire, $0.netEffectiveAPRInNumeraire) }),
                                           fundsYield: fundsYield,
                                           prices: prices)
    }

    /// A loan's all-in APR as known at `at` (see ``APRBasis``); weights left 0.
    func loanRate(_ record: LoanRecord, at: Instant, numeraire: Numeraire, policy: PricingPolicy) throws -> LoanRateWeight {
        let cost = try borrowingCost(record.id, at: at, numeraire: numeraire, policy: policy)
        let status = try loanStatus(record.id, at: at)
        var basis = APRBasis.realized
        var horizon = cost.end
        var loanCost = cost.cost, numCost = cost.costInNumeraire
        let replay = try debtReplay(of: record, at: at)
        if status == .open, replay.settledAt == nil {
            basis = .toDate
            if let maturity = replay.maturity, maturity > at {
                basis = .projectedToMaturity
                horizon = maturity
                let atMaturity = try replay.debt(at: maturity, loan: record.id)
                let owedNow = cost.flows.first { $0.kind == .owedAtEnd }
                let rate = try owedNow?.amount.rate ?? fxRate(from: record.currency, to: numeraire.currency, at: at, policy: policy).rate
                loanCost = loanCost - cost.debtAtEnd + atMaturity
                numCost = numCost - cost.debtAtEnd.doubleValue * rate + atMaturity.doubleValue * rate
            }
        }
        let seconds = record.startedAt.seconds(to: horizon)
        return LoanRateWeight(loan: record.id, lendingProtocol: record.lendingProtocol, currency: record.currency, basis: basis,
                              horizon: horizon, cost: loanCost, received: cost.received,
                              effectiveAPR: BorrowingCost.effectiveAPR(cost: loanCost, received: cost.received, seconds: seconds),
                              costInNumeraire: numCost, receivedInNumeraire: cost.receivedInNumeraire,
                              effectiveAPRInNumeraire: (cost.receivedInNumeraire > 0 && seconds > 0)
                                ? numCost / cost.receivedInNumeraire * Double(Instant.secondsPerYear) / Double(seconds) : nil,
                              weight: 0, weightInNumeraire: 0,
                              netEffectiveAPRInNumeraire: (cost.receivedInNumeraire > 0 && seconds > 0)
                                ? numCost / cost.receivedInNumeraire * Double(Instant.secondsPerYear) / Double(seconds) : nil)
    }

    /// `∫ outstanding principal dt` (loan currency × seconds) over `[from, to]` ∩ the loan's open life.
    func principalSeconds(_ record: LoanRecord, from: Instant, to: Instant) throws -> Double {
        let events = try loanEvents(of: record.id)
        let replay = try debtReplay(of: record, events: events, at: to)
        let terminal = events.first { $0.occurredAt <= to && $0.detail.isTerminal }?.occurredAt
        let end = [replay.settledAt, terminal, to].compactMap { $0 }.min() ?? to
        var principal = record.principal.doubleValue
        var t = record.startedAt
        var total = 0.0
        func accumulate(until u: Instant) {
            let a = max(t, from), b = min(u, end)
            if a < b { total += principal * Double(a.seconds(to: b)) }
        }
        for event in events where event.occurredAt <= end {
            switch event.detail {
            case .borrowMore(let amount):
                accumulate(until: event.occurredAt); t = event.occurredAt; principal += amount.doubleValue
            case .repay(_, let p):
                accumulate(until: event.occurredAt); t = event.occurredAt; principal -= p.doubleValue
            default: break
            }
        }
        accumulate(until: end)
        return total
    }
}
