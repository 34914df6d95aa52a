import LedgerMath

/// One cash movement of a loan, in the loan currency and in the numeraire at its own instant.
public struct LoanCashFlow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case received, borrowedMore, interestPaid, principalRepaid, feePaid, redeemed, liquidationSurplus
        /// Debt still owed at the report instant (not a cash flow: counted as if paid then).
        case owedAtEnd
    }
    public var kind: Kind
    /// Signed from the borrower's side: + received, − paid.
    public var amount: ConvertedAmount
}

/// What a loan cost (DESIGN §4 "Borrowing cost", fact sheet F10).
///
/// `cost = Σ paid (interest, principal, fees, redemptions) + debt owed at the end − Σ received`, in
/// the loan currency exactly and in the numeraire with each flow converted at its own instant.
/// `effective APR = cost / received × 31,536,000 / Δt`, `Δt` seconds from the start to the end
/// (the settlement, or the report instant while open).
public struct LoanBorrowingCost: Sendable, Hashable {
    public var loan: LoanID
    public var currency: Currency
    public var numeraire: Numeraire
    public var start: Instant
    public var end: Instant
    public var flows: [LoanCashFlow]
    /// Principal + borrowed more (owed), loan currency.
    public var borrowed: ExactDecimal
    /// Amount actually received (after origination fees) + borrowed more, loan currency.
    public var received: ExactDecimal
    public var interestPaid: ExactDecimal
    /// Fee events + origination fees (principal − amount received).
    public var feesPaid: ExactDecimal
    /// Interest accrued and unpaid at `end` (0 when settled).
    public var interestAccrued: ExactDecimal
    public var debtAtEnd: ExactDecimal
    /// Exact cost in the loan currency.
    public var cost: ExactDecimal
    public var effectiveAPR: Double?
    public var receivedInNumeraire: Double
    public var costInNumeraire: Double
    public var effectiveAPRInNumeraire: Double?
    /// `costInNumeraire` split into interest, fees and the currency effect on the principal.
    public var costSplit: BorrowingCostSplit
    /// Seconds from `start` to `end`.
    public var seconds: Int64 { start.seconds(to: end) }
    /// Rates the flows' conversions took by rule (a stablecoin at 1 USD with no series stored), once each.
    public var assumptions: [RateAssumption] { RateAssumption.unique(flows.flatMap { $0.amount.prices.compactMap(\.assumption) }) }
}

/// A loan's cost in the numeraire, split so that a USD figure for an ETH loan explains itself:
///
/// ```
/// interest        = Σ interest paid × rate then + interest accrued at the end × rate at the end
/// fees            = origination fee (principal − received) × rate at the start + Σ fee events × rate then
/// currency effect = cost − interest − fees
///                 = Σ principal repaid × rate then + principal still owed × rate at the end − Σ principal borrowed × rate then
/// ```
///
/// The currency effect is what the loan currency's move against the numeraire added to (or, when
/// it fell, took from) the cost of the principal; it is 0 for a loan in the numeraire's currency.
/// Each part's APR is `part / received × 31,536,000 / Δt` (numeraire), so the three add up to the
/// effective APR in the numeraire.
///
/// Its own document under `cost_split_in_numeraire` (docs/decisions.md, DOCUMENTS-4).
public struct BorrowingCostSplit: Codable, Sendable, Hashable {
    /// Interest in the numeraire.
    public var interest: Double
    /// Fees in the numeraire.
    public var fees: Double
    /// The currency effect in the numeraire.
    public var currencyEffect: Double
    /// Interest as an APR; `nil` when nothing was received (in the numeraire) or no time passed.
    public var interestAPR: Double?
    /// Fees as an APR.
    public var feesAPR: Double?
    /// The currency effect as an APR.
    public var currencyEffectAPR: Double?

    enum CodingKeys: String, CodingKey {
        case interest, fees, currencyEffect = "currency_effect", interestAPR = "interest_apr", feesAPR = "fees_apr"
        case currencyEffectAPR = "currency_effect_apr"
    }
}

/// The borrowing cost of every loan that started by the instant, and the totals in the numeraire.
public struct PortfolioBorrowingCost: Sendable, Hashable {
    public var at: Instant
    public var numeraire: Numeraire
    public var loans: [LoanBorrowingCost]
    /// Loans left out for a missing price under `.flag`: the totals are incomplete when not empty.
    public var problems: [String] = []
    public var isComplete: Bool { problems.isEmpty }
    /// Rates any loan's conversions took by rule (see ``LoanBorrowingCost/assumptions``), once each.
    public var assumptions: [RateAssumption] { RateAssumption.unique(loans.flatMap(\.assumptions)) }
    public var costInNumeraire: Double { loans.reduce(0) { $0 + $1.costInNumeraire } }
    public var receivedInNumeraire: Double { loans.reduce(0) { $0 + $1.receivedInNumeraire } }
    public var interestInNumeraire: Double { loans.reduce(0) { $0 + $1.costSplit.interest } }
    public var feesInNumeraire: Double { loans.reduce(0) { $0 + $1.costSplit.fees } }
    public var currencyEffectInNumeraire: Double { loans.reduce(0) { $0 + $1.costSplit.currencyEffect } }
    /// Time-weighted: `Σ cost / Σ (received × Δt) × 31,536,000`, in the numeraire.
    public var effectiveAPRInNumeraire: Double? {
        let weighted = loans.reduce(0.0) { $0 + $1.receivedInNumeraire * Double($1.seconds) }
        guard weighted > 0 else { return nil }
        return costInNumeraire / weighted * Double(Instant.secondsPerYear)
    }
}

extension LedgerSnapshot {
    /// The borrowing cost of `loan` from its start to `at` (or its settlement, if earlier).
    public func borrowingCost(_ loan: LoanID, at: Instant, numeraire: Numeraire = .usd,
                              policy: PricingPolicy = .default) throws -> LoanBorrowingCost {
        guard let record = try self.loan(loan) else { throw AnalyticsError.unknownEntity(kind: "loan", id: loan.description) }
        guard at >= record.startedAt else { throw AnalyticsError.invalidArgument(name: "at", reason: "\(at) is before loan \(loan) started") }
        let events = try loanEvents(of: loan)
        let state = try loanState(record, events: events, at: at, riskSource: .floor,
                                  policy: PricingPolicy(maxAgeSeconds: policy.maxAgeSeconds, onMissingPrice: .flag, fxSeriesName: policy.fxSeriesName),
                                  shock: .none)
        let replay = try debtReplay(of: record, events: events, at: at)
        let end = replay.settledAt ?? events.last(where: { $0.occurredAt <= at && $0.detail.isTerminal })?.occurredAt ?? at
        var flows: [LoanCashFlow] = []
        func add(_ kind: LoanCashFlow.Kind, _ amount: ExactDecimal, _ t: Instant) throws {
            guard !amount.isZero else { return }
            flows.append(LoanCashFlow(kind: kind, amount: try convert(Money(amount, record.currency), to: numeraire, at: t, policy: policy)))
        }
        var borrowed = record.principal, received = record.amountReceived
        var interest = ExactDecimal.zero, fees = record.principal - record.amountReceived
        try add(.received, record.amountReceived, record.startedAt)
        for event in events where event.occurredAt <= at {
            let t = event.occurredAt
            switch event.detail {
            case .borrowMore(let a): borrowed += a; received += a; try add(.borrowedMore, a, t)
            case let .repay(i, p): interest += i; try add(.interestPaid, -i, t); try add(.principalRepaid, -p, t)
            case .fee(let f): fees += f; try add(.feePaid, -f, t)
            case .redeem(let a): try add(.redeemed, -a, t)
            case .liquidation(let surplus?): try add(.liquidationSurplus, surplus, t)
            default: break
            }
        }
        let debt = state.status == .open ? state.debt : .zero
        try add(.owedAtEnd, -debt, at)
        let cost = -flows.reduce(ExactDecimal.zero) { $0 + $1.amount.amount.amount }
        let costNum = -flows.reduce(0.0) { $0 + $1.amount.converted }
        let receivedNum = flows.filter { $0.kind == .received || $0.kind == .borrowedMore }.reduce(0.0) { $0 + $1.amount.converted }
        let seconds = record.startedAt.seconds(to: end)
        let accrued = state.status == .open ? state.accruedInterest : .zero
        func numeraireSum(_ kinds: Set<LoanCashFlow.Kind>) -> Double {
            -flows.filter { kinds.contains($0.kind) }.reduce(0.0) { $0 + $1.amount.converted }
        }
        // Zero needs no rate: a settled loan's report must not need a price at the report instant.
        func inNumeraire(_ amount: ExactDecimal, at instant: Instant) throws -> Double {
            amount.isZero ? 0 : try convert(Money(amount, record.currency), to: numeraire, at: instant, policy: policy).converted
        }
        let interestNum = numeraireSum([.interestPaid]) + (try inNumeraire(accrued, at: at))
        let origination = try inNumeraire(record.principal - record.amountReceived, at: record.startedAt)
        let feesNum = numeraireSum([.feePaid]) + origination
        func apr(_ part: Double) -> Double? {
            (receivedNum > 0 && seconds > 0) ? part / receivedNum * Double(Instant.secondsPerYear) / Double(seconds) : nil
        }
        let split = BorrowingCostSplit(interest: interestNum, fees: feesNum, currencyEffect: costNum - interestNum - feesNum,
                                       interestAPR: apr(interestNum), feesAPR: apr(feesNum), currencyEffectAPR: apr(costNum - interestNum - feesNum))
        return LoanBorrowingCost(loan: loan, currency: record.currency, numeraire: numeraire, start: record.startedAt, end: end,
                                 flows: flows, borrowed: borrowed, received: received, interestPaid: interest, feesPaid: fees,
                                 interestAccrued: accrued, debtAtEnd: debt, cost: cost,
                                 effectiveAPR: BorrowingCost.effectiveAPR(cost: cost, received: received, seconds: seconds),
                                 receivedInNumeraire: receivedNum, costInNumeraire: costNum,
                                 effectiveAPRInNumeraire: apr(costNum), costSplit: split)
    }

    /// The borrowing cost of every loan started by `at` (optionally only `loans`).
    public func portfolioBorrowingCost(at: Instant, numeraire: Numeraire = .usd, loans ids: [LoanID]? = nil,
                                       policy: PricingPolicy = .default) throws -> PortfolioBorrowingCost {
        let chosen = try ids ?? loans().map(\.id)
        var reports: [LoanBorrowingCost] = []
        let missing = MissingPrices(policy)
        for id in chosen {
            guard let record = try loan(id), record.startedAt <= at else { continue }
            if let cost = try missing.attempt("loan \(id)", { try borrowingCost(id, at: at, numeraire: numeraire, policy: policy) }) {
                reports.append(cost)
            }
        }
        return PortfolioBorrowingCost(at: at, numeraire: numeraire, loans: reports, problems: missing.problems)
    }
}
