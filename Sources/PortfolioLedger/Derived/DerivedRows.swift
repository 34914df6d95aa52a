import LedgerMath

/// One row of `derived_loan_day`: a loan's state at a day's last second (``LedgerSnapshot/loanState(_:at:riskSource:policy:)``).
struct LoanDayRow: Equatable {
    var loan: LoanID
    var dayAt: Int64
    var outstandingPrincipal: ExactDecimal
    var debt: ExactDecimal
    var accruedInterest: ExactDecimal
    var collateralValue: ExactDecimal?
    var collateralCount: Int
    var loanToValue: Double?
    var liquidationThreshold: Double?
    var healthFactor: Double?
    var noDebt: Bool
    var liquidationFloorPrice: ExactDecimal?
    var isLiquidatable: Bool?
    /// The first collateral NFT's price (the one the floor price is quoted against).
    var price: PriceUsed?
    var priceProblem: String?
}

/// One row of `derived_hedge_leg_day`: a held contract valued at a day's last second
/// (``LedgerSnapshot/optionValuation(_:quantity:at:market:)``), or why it could not be.
struct HedgeLegDayRow: Equatable {
    var hedge: HedgeID
    var contract: OptionContractID
    var dayAt: Int64
    var quantity: Int
    var valuation: OptionLegValuation?
    var problem: String?
}

/// One row of `derived_portfolio_day` (USD).
struct PortfolioDayRow: Equatable {
    var dayAt: Int64
    var nftUSD = 0.0
    var debtUSD = 0.0
    var hedgeUSD = 0.0
    var yieldUSD = 0.0
    var cashUSD = 0.0
    var externalFlowUSD = 0.0
    var investedCapitalUSD = 0.0
    var problems: [String] = []
    var netEquityUSD: Double { nftUSD - debtUSD + hedgeUSD + yieldUSD + cashUSD }
    /// Held NFTs and their value by the wallet they are kept in ("" = none named): `derived_wallet_day`.
    var nftCountByWallet: [String: Int] = [:]
    var nftUSDByWallet: [String: Double] = [:]
}

/// One row of `derived_return_layer`.
struct ReturnLayerRow: Equatable {
    var layer: String
    var loan: LoanID?
    var from: Instant
    var to: Instant
    var result: LayerReturn
}

/// Everything one refresh computed.
struct DerivedRows {
    var loanDays: [LoanDayRow] = []
    var hedgeLegDays: [HedgeLegDayRow] = []
    var portfolioDays: [PortfolioDayRow] = []
    var returnLayers: [ReturnLayerRow] = []
    var returnsProblem: String?
}

/// UTC days as the derived tables key them: the day's first second; values are taken at its last.
enum DerivedDay {
    static let seconds = Instant.secondsPerDay
    /// The start of the UTC day holding `instant`.
    static func start(of instant: Instant) -> Int64 {
        let s = instant.unixSeconds
        return s - ((s % seconds) + seconds) % seconds
    }
    /// The day's last second, the instant its figures are as of.
    static func valuationInstant(_ dayAt: Int64) -> Instant { Instant(unixSeconds: dayAt + seconds - 1) }
}
