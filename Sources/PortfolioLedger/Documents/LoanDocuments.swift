import LedgerMath

extension PriceLiquidation {
    /// `no price liquidation: REASON` for a loan no price can liquidate, else `nil`.
    public var noneText: String? {
        if case .none(let reason) = self { return "no price liquidation: \(reason)" }
        return nil
    }
}

/// One loan's state at an instant (`report loans`, and `state` of `report loan`).
public struct LoanStateDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The lending protocol.
    public var lendingProtocol: String
    /// The loan currency code.
    public var currency: String
    /// The loan status (`open`, `repaid`, …).
    public var status: String
    /// The instant of the state.
    public var at: Instant
    /// The principal at origination.
    public var principal: ExactDecimal
    /// The principal still outstanding.
    public var outstandingPrincipal: ExactDecimal
    /// Debt: outstanding principal plus accrued interest.
    public var debt: ExactDecimal
    /// Interest accrued and unpaid.
    public var accruedInterest: ExactDecimal
    /// Maturity in force, if any.
    public var maturity: Instant?
    /// Seconds to maturity (negative once past).
    public var secondsToMaturity: Int64?
    /// `by price`, or `no price liquidation: REASON`.
    public var priceLiquidation: String
    /// Which prices value the collateral.
    public var riskSource: String
    /// The collateral value in the loan currency.
    public var collateralValue: ExactDecimal?
    /// Loan to value.
    public var loanToValue: Double?
    /// The liquidation threshold in force.
    public var liquidationThreshold: Double?
    /// The health factor: a number or `no_debt`.
    public var healthFactor: HealthFactorValue?
    /// The floor price at which the loan becomes liquidatable.
    public var liquidationFloorPrice: ExactDecimal?
    /// The same in USD.
    public var liquidationFloorPriceUSD: Double?
    /// Whether the loan is liquidatable at `at`.
    public var liquidatable: Bool?
    /// The prices the risk figures used.
    public var prices: [PriceUsedDocument]
    /// The price problem that left the risk figures empty, when flagged.
    public var priceProblem: String?
    /// Differences between booked amounts and the model.
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", lendingProtocol = "protocol", currency, status, at, principal
        case outstandingPrincipal = "outstanding_principal", debt, accruedInterest = "accrued_interest", maturity
        case secondsToMaturity = "seconds_to_maturity", priceLiquidation = "price_liquidation", riskSource = "risk_source"
        case collateralValue = "collateral_value", loanToValue = "loan_to_value", liquidationThreshold = "liquidation_threshold"
        case healthFactor = "health_factor", liquidationFloorPrice = "liquidation_floor_price"
        case liquidationFloorPriceUSD = "liquidation_floor_price_usd", liquidatable, prices, priceProblem = "price_problem", notes
    }

    /// The document of `state`.
    public init(_ s: LoanStateReport) {
        loanID = s.loan.id.rawValue
        lendingProtocol = s.loan.lendingProtocol.rawValue
        currency = s.loan.currency.code
        status = s.status.rawValue
        at = s.at
        principal = s.loan.principal
        outstandingPrincipal = s.outstandingPrincipal
        debt = s.debt
        accruedInterest = s.accruedInterest
        maturity = s.maturity
        secondsToMaturity = s.secondsToMaturity
        priceLiquidation = s.priceLiquidation.noneText ?? "by price"
        riskSource = s.riskSource.description
        collateralValue = s.risk?.collateral.value
        loanToValue = s.risk?.loanToValue.finiteOrNil
        liquidationThreshold = s.risk?.liquidationThreshold.finiteOrNil
        healthFactor = HealthFactorValue(s.risk?.healthFactor)
        liquidationFloorPrice = s.risk?.liquidationFloorPrice
        liquidationFloorPriceUSD = s.risk?.liquidationFloorPriceUSD.finiteOrNil
        liquidatable = s.risk?.isLiquidatable
        prices = (s.risk?.collateral.pricesUsed ?? []).map(PriceUsedDocument.init)
        priceProblem = s.priceProblem.map(\.description)
        notes = s.notes
    }
}

/// `report loans`: every loan's state at an instant.
public struct LoansDocument: ReportDocument {
    /// Always `loans`.
    public var report = "loans"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// Each loan's state.
    public var loans: [LoanStateDocument]

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, loans
    }

    /// The document of `states` at `at`, as known at `knownAt` when given.
    public init(_ states: [LoanStateReport], at: Instant, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        self.at = at
        loans = states.map(LoanStateDocument.init)
    }
}

/// One loan cash flow converted into the numeraire.
public struct LoanCashFlowDocument: Codable, Sendable, Equatable {
    /// The flow kind.
    public var kind: String
    /// When it happened.
    public var at: Instant
    /// The amount in the loan currency.
    public var amount: ExactDecimal
    /// The amount in the numeraire.
    public var converted: Double?
    /// The rate used.
    public var rate: Double?

    /// The document of `flow`.
    public init(_ f: LoanCashFlow) {
        kind = f.kind.rawValue
        at = f.amount.at
        amount = f.amount.amount.amount
        converted = f.amount.converted.finiteOrNil
        rate = f.amount.rate.finiteOrNil
    }
}

/// One loan's borrowing cost over a period.
public struct LoanBorrowingCostDocument: Codable, Sendable, Equatable {
    /// The loan currency code.
    public var currency: String
    /// Start of the period.
    public var start: Instant
    /// End of the period.
    public var end: Instant
    /// Principal borrowed.
    public var borrowed: ExactDecimal
    /// Amount received.
    public var received: ExactDecimal
    /// Interest paid.
    public var interestPaid: ExactDecimal
    /// Fees paid.
    public var feesPaid: ExactDecimal
    /// Interest accrued and unpaid at the end.
    public var interestAccrued: ExactDecimal
    /// Debt at the end.
    public var debtAtEnd: ExactDecimal
    /// The cost in the loan currency.
    public var cost: ExactDecimal
    /// Effective APR in the loan currency.
    public var effectiveAPR: Double?
    /// The numeraire (`usd`, `eth`).
    public var numeraire: String
    /// The cost in the numeraire.
    public var costInNumeraire: Double?
    /// The amount received in the numeraire.
    public var receivedInNumeraire: Double?
    /// Effective APR in the numeraire.
    public var effectiveAPRInNumeraire: Double?
    /// The cost split in the numeraire.
    public var costSplitInNumeraire: BorrowingCostSplit
    /// The cash flows.
    public var flows: [LoanCashFlowDocument]
    /// Rates assumed by rule, once each; `nil` (the key absent) when none.
    @OmittedWhenAbsent public var assumptions: [String]?

    enum CodingKeys: String, CodingKey {
        case currency, start, end, borrowed, received, interestPaid = "interest_paid", feesPaid = "fees_paid"
        case interestAccrued = "interest_accrued", debtAtEnd = "debt_at_end", cost, effectiveAPR = "effective_apr", numeraire
        case costInNumeraire = "cost_in_numeraire", receivedInNumeraire = "received_in_numeraire"
        case effectiveAPRInNumeraire = "effective_apr_in_numeraire", costSplitInNumeraire = "cost_split_in_numeraire", flows, assumptions
    }

    /// The document of `cost`.
    public init(_ c: LoanBorrowingCost) {
        currency = c.currency.code
        start = c.start
        end = c.end
        borrowed = c.borrowed
        received = c.received
        interestPaid = c.interestPaid
        feesPaid = c.feesPaid
        interestAccrued = c.interestAccrued
        debtAtEnd = c.debtAtEnd
        cost = c.cost
        effectiveAPR = c.effectiveAPR.finiteOrNil
        numeraire = c.numeraire.rawValue
        costInNumeraire = c.costInNumeraire.finiteOrNil
        receivedInNumeraire = c.receivedInNumeraire.finiteOrNil
        effectiveAPRInNumeraire = c.effectiveAPRInNumeraire.finiteOrNil
        costSplitInNumeraire = c.costSplit
        flows = c.flows.map(LoanCashFlowDocument.init)
        assumptions = RateAssumption.documentTexts(c.assumptions)
    }
}

/// A value with the instant it was reached.
public struct ValueAtDocument: Codable, Sendable, Equatable {
    /// The value.
    public var value: Double?
    /// When.
    public var at: Instant

    /// `value` at `at`.
    public init(value: Double?, at: Instant) {
        self.value = value.finiteOrNil
        self.at = at
    }
}

/// One point of a loan's risk history.
public struct LoanHistoryPointDocument: Codable, Sendable, Equatable {
    /// The instant.
    public var at: Instant
    /// Debt at the instant.
    public var debt: ExactDecimal
    /// Loan to value.
    public var loanToValue: Double?
    /// The health factor: a number or `no_debt`.
    public var healthFactor: HealthFactorValue?
    /// The liquidation floor price.
    public var liquidationFloorPrice: ExactDecimal?
    /// Whether liquidatable at the instant.
    public var liquidatable: Bool?

    enum CodingKeys: String, CodingKey {
        case at, debt, loanToValue = "loan_to_value", healthFactor = "health_factor"
        case liquidationFloorPrice = "liquidation_floor_price", liquidatable
    }

    /// The document of `point`.
    public init(_ p: LoanHistoryPoint) {
        at = p.at
        debt = p.debt
        loanToValue = p.loanToValue.finiteOrNil
        healthFactor = HealthFactorValue(p.healthFactor)
        liquidationFloorPrice = p.liquidationFloorPrice
        liquidatable = p.isLiquidatable
    }
}

/// A loan's risk history over a period.
public struct LoanHistoryDocument: Codable, Sendable, Equatable {
    /// Start of the period.
    public var from: Instant
    /// End of the period.
    public var to: Instant
    /// The minimum health factor and when, if any.
    public var minimumHealthFactor: ValueAtDocument?
    /// The instants the loan was liquidatable.
    public var liquidatableAt: [Instant]
    /// The points.
    public var points: [LoanHistoryPointDocument]

    enum CodingKeys: String, CodingKey {
        case from, to, minimumHealthFactor = "minimum_health_factor", liquidatableAt = "liquidatable_at", points
    }

    /// The document of `history`.
    public init(_ h: LoanHistoryReport) {
        from = h.from
        to = h.to
        minimumHealthFactor = h.minimumHealthFactor.map { ValueAtDocument(value: $0.value, at: $0.at) }
        liquidatableAt = h.liquidatableInstants
        points = h.points.map(LoanHistoryPointDocument.init)
    }
}

/// `report loan ID`: one loan's state, borrowing cost and risk history.
public struct LoanDocument: ReportDocument {
    /// Always `loan`.
    public var report = "loan"
    /// The instant of the report.
    public var at: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The loan's state at `at`.
    public var state: LoanStateDocument
    /// The borrowing cost up to `at`.
    public var borrowingCost: LoanBorrowingCostDocument
    /// The risk history.
    public var history: LoanHistoryDocument

    enum CodingKeys: String, CodingKey {
        case report, at, asKnownAt = "as_known_at", state, borrowingCost = "borrowing_cost", history
    }

    /// The document of one loan's `state`, `cost` and `history`, as known at `knownAt` when given.
    public init(state: LoanStateReport, cost: LoanBorrowingCost, history: LoanHistoryReport, knownAt: Instant? = nil) {
        at = state.at
        asKnownAt = knownAt
        self.state = LoanStateDocument(state)
        borrowingCost = LoanBorrowingCostDocument(cost)
        self.history = LoanHistoryDocument(history)
    }
}
