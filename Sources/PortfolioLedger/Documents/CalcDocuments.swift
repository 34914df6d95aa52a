import LedgerMath

/// `calc xirr`: the money-weighted annual return of dated cash flows.
public struct XIRRCalcDocument: Codable, Sendable, Equatable {
    /// The annual rate, when solved.
    public var rate: Double?
    /// `ok`, `no_solution` or `invalid`.
    public var status: String
    /// Whether other rates may also solve the equation.
    public var multipleRootsPossible: Bool
    /// Rows read.
    public var flows: Int

    enum CodingKeys: String, CodingKey {
        case rate, status, multipleRootsPossible = "multiple_roots_possible", flows
    }

    /// The document of `result` over `flows` cash flows.
    public init(_ result: XIRR.Result, flows: Int) {
        let solved = XIRRDocument(result)
        rate = solved.rate
        status = solved.status
        multipleRootsPossible = solved.multipleRootsPossible
        self.flows = flows
    }
}

/// `calc loan`: debt, interest and effective APR of a loan at an instant.
public struct LoanCalcDocument: Codable, Sendable, Equatable {
    /// The interest model's name.
    public var model: String
    /// The instant.
    public var at: Instant
    /// The principal.
    public var principal: ExactDecimal
    /// Principal plus interest owed at `at`.
    public var debt: ExactDecimal
    /// Debt less principal.
    public var interest: ExactDecimal
    /// Interest / principal, annualized over the seconds since the start (`nil` at the start).
    public var effectiveAPR: Double?

    enum CodingKeys: String, CodingKey {
        case model, at, principal, debt, interest, effectiveAPR = "effective_apr"
    }

    /// The document of a loan under `model` started at `start` owing `debt` at `at`.
    public init(model: String, start: Instant, at: Instant, principal: ExactDecimal, debt: ExactDecimal) {
        self.model = model
        self.at = at
        self.principal = principal
        self.debt = debt
        interest = debt - principal
        effectiveAPR = BorrowingCost.effectiveAPR(cost: debt - principal, received: principal, seconds: start.seconds(to: at)).finiteOrNil
    }
}

/// `calc option`: one option's Black–Scholes value and greeks.
public struct OptionCalcDocument: Codable, Sendable, Equatable {
    /// Model price.
    public var price: Double?
    /// Delta.
    public var delta: Double?
    /// Gamma.
    public var gamma: Double?
    /// Vega (per 1.00 of volatility).
    public var vega: Double?
    /// Theta per year.
    public var thetaPerYear: Double?
    /// Theta per calendar day.
    public var thetaPerDay: Double?
    /// Rho.
    public var rho: Double?
    /// Intrinsic value.
    public var intrinsic: Double?
    /// Extrinsic (time) value.
    public var extrinsic: Double?
    /// Time to expiry in years (Act/365F).
    public var timeToExpiryYears: Double?
    /// The volatility implied by a given price; `nil` (the key absent) when a volatility was given.
    @OmittedWhenAbsent public var impliedVol: Double?

    enum CodingKeys: String, CodingKey {
        case price, delta, gamma, vega, thetaPerYear = "theta_per_year", thetaPerDay = "theta_per_day", rho, intrinsic, extrinsic
        case timeToExpiryYears = "time_to_expiry_years", impliedVol = "implied_vol"
    }

    /// The document of `greeks` with the option's intrinsic and extrinsic value.
    public init(greeks: OptionGreeks, intrinsic: Double, extrinsic: Double, timeToExpiry: Double, impliedVol: Double?) {
        price = greeks.price.finiteOrNil
        delta = greeks.delta.finiteOrNil
        gamma = greeks.gamma.finiteOrNil
        vega = greeks.vega.finiteOrNil
        thetaPerYear = greeks.thetaPerYear.finiteOrNil
        thetaPerDay = greeks.thetaPerDay.finiteOrNil
        rho = greeks.rho.finiteOrNil
        self.intrinsic = intrinsic.finiteOrNil
        self.extrinsic = extrinsic.finiteOrNil
        timeToExpiryYears = timeToExpiry.finiteOrNil
        self.impliedVol = impliedVol.finiteOrNil
    }
}

/// A condor's P&L at one expiry settlement.
public struct CondorPnLDocument: Codable, Sendable, Equatable {
    /// The settlement level.
    public var settlement: ExactDecimal
    /// The P&L there.
    public var pnl: ExactDecimal

    /// The P&L `pnl` at `settlement`.
    public init(settlement: ExactDecimal, pnl: ExactDecimal) {
        self.settlement = settlement
        self.pnl = pnl
    }
}

/// `calc condor`: an iron condor's credit, maximum profit and loss, break-evens and P&L at expiry.
public struct CondorCalcDocument: Codable, Sendable, Equatable {
    /// `credit` or `debit`.
    public var kind: String
    /// Net credit.
    public var netCredit: ExactDecimal
    /// Maximum profit.
    public var maxProfit: ExactDecimal
    /// Maximum loss.
    public var maxLoss: ExactDecimal
    /// Break-even settlements.
    public var breakEvens: [ExactDecimal]
    /// P&L at each settlement asked for.
    public var pnlAtExpiry: [CondorPnLDocument]

    enum CodingKeys: String, CodingKey {
        case kind, netCredit = "net_credit", maxProfit = "max_profit", maxLoss = "max_loss", breakEvens = "break_evens"
        case pnlAtExpiry = "pnl_at_expiry"
    }

    /// The document of `condor`, with its P&L at each of `settlements`.
    public init(_ condor: IronCondor, settlements: [ExactDecimal]) {
        kind = condor.kind.rawValue
        netCredit = condor.netCredit
        maxProfit = condor.maxProfit
        maxLoss = condor.maxLoss
        breakEvens = condor.breakEvens
        pnlAtExpiry = settlements.map { CondorPnLDocument(settlement: $0, pnl: condor.pnl(at: $0)) }
    }
}
