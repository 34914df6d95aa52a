import LedgerMath

/// One booking a replay decided on, in time order. The simulation produces them; the ledger
/// writer books each through the ordinary write API (``LedgerTransaction``).
public enum ReplayBooking: Sendable, Hashable {
    /// The buffer's cash reserve paid in (ETH).
    case deposit(at: Instant, amount: ExactDecimal)
    /// A collateral token bought (or held from the start), at `price` ETH.
    case acquire(at: Instant, token: String, price: ExactDecimal)
    /// A loan against every held token; `refinancing` repays the previous loan first.
    case borrow(at: Instant, principal: ExactDecimal, refinancing: Repayment?)
    /// A buffer repayment of the open loan.
    case repay(at: Instant, Repayment)
    /// The open loan liquidated at `floor` ETH per token; the borrower gets `surplus` ETH. Its
    /// collateral is lost with it (the ledger's holding rules: no separate disposal is booked).
    case liquidation(at: Instant, floor: Double, debt: ExactDecimal, surplus: ExactDecimal)
    /// An iron condor sold to protect the open loan.
    case openCondor(at: Instant, legs: [OptionLeg], feesPerLeg: ExactDecimal)
    /// A reserve token pledged to the open loan by the buffer's `add_collateral` action.
    case pledge(at: Instant, token: String)
    /// The open condor closed early by the buffer's `sell_hedge` action: `legs` are the closing
    /// trades (each quantity the opposite of the open leg's, `premium` the closing price per unit).
    case closeCondor(at: Instant, legs: [OptionLeg], feesPerLeg: ExactDecimal)
    /// A repayment from a closed condor's net proceeds (`proceedsUSD`, converted at `usdPerETH`).
    case repayFromHedge(at: Instant, Repayment, proceedsUSD: ExactDecimal, usdPerETH: Double)
    /// The open condor settled at the expiry close.
    case settleCondor(at: Instant, settlementValue: ExactDecimal)

    /// A repayment's split, as the interest model computed it.
    public struct Repayment: Sendable, Hashable {
        public var interest: ExactDecimal
        public var principal: ExactDecimal
        public var total: ExactDecimal { interest + principal }
    }

    /// When it happens (also the `recorded_at` of its ledger rows: a replay is recorded as it goes).
    public var at: Instant {
        switch self {
        case .deposit(let at, _), .acquire(let at, _, _), .borrow(let at, _, _), .repay(let at, _), .liquidation(let at, _, _, _),
             .openCondor(let at, _, _), .settleCondor(let at, _), .pledge(let at, _), .closeCondor(let at, _, _),
             .repayFromHedge(let at, _, _, _):
            at
        }
    }
}
