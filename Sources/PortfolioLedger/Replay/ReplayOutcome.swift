import LedgerMath

/// The position at one daily mark (23:59:59 UTC), before that mark's buffer action.
public struct ReplayDay: Sendable, Hashable {
    public var at: Instant
    /// Floor proxy, ETH per token.
    public var floor: Double
    /// Floor × tokens held, ETH.
    public var collateralValue: Double
    /// Debt of the open loan, ETH (0 without one).
    public var debt: Double
    /// value × liquidation threshold ÷ debt; nil without debt.
    public var healthFactor: Double?
}

/// When and how a replayed loan was liquidated.
public struct ReplayLiquidation: Sendable, Hashable {
    public var at: Instant
    /// Floor proxy at the liquidation, ETH per token.
    public var floor: Double
    public var debt: ExactDecimal
    /// What the borrower got back, ETH.
    public var surplus: ExactDecimal
}

/// What a replayed policy came to (one layer of the comparison, or one sweep point).
public struct ReplayOutcome: Sendable, Hashable {
    public var liquidation: ReplayLiquidation?
    /// Lowest health factor seen at a daily mark (before that mark's buffer action).
    public var minimumHealthFactor: Double?
    public var minimumHealthFactorAt: Instant?
    /// Interest paid plus interest accrued and unpaid at the end (or taken at liquidation), ETH.
    public var borrowingCostETH: ExactDecimal
    /// The same, each part converted at its own instant, USD.
    public var borrowingCostUSD: Double
    /// Premiums received − fees + settlements of every condor, USD.
    public var hedgePnLUSD: ExactDecimal
    public var condorCycles: Int
    public var bufferRepayments: Int
    public var bufferCashUsedETH: ExactDecimal
    /// Reserve tokens pledged by the buffer's `add_collateral` action.
    public var collateralPledges: Int = 0
    /// Condors closed early by the buffer's `sell_hedge` action.
    public var hedgeSales: Int = 0
    /// Debt repaid from those condors' net proceeds, ETH.
    public var hedgeRepaidETH: ExactDecimal = .zero
    /// Every flow of the stack from the investor's side (− paid, + received), USD at its own
    /// instant, ending with the terminal value (tokens − debt) at the end of the replay.
    public var flowsUSD: [XIRR.Flow]
    public var terminalValueUSD: Double
    public var xirr: XIRR.Result
    /// Σ received (terminal value included) ÷ Σ paid; nil when nothing was paid.
    public var moneyMultiple: Double?
    /// Things the reader should know (a condor that sized to 0 contracts, …).
    public var notes: [String]

    /// True when the loan (if any) was never liquidated.
    public var survived: Bool { liquidation == nil }
}

/// A replay's result: the bookings to write, the daily path and the outcome.
public struct ReplayRun: Sendable {
    public var policy: ReplayPolicy
    public var from: Instant
    public var to: Instant
    public var bookings: [ReplayBooking]
    /// One point per daily mark (empty when the path was not asked for).
    public var path: [ReplayDay]
    public var outcome: ReplayOutcome
}
