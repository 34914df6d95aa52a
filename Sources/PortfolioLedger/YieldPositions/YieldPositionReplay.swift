import LedgerMath

/// One withdrawal with the cost it took off the position and the yield it realized.
public struct YieldRealization: Sendable, Hashable {
    public var flow: YieldFlow
    /// The part of the position's remaining cost the withdrawal relieved (in proportion; docs/analytics.md §3.1).
    public var costRelieved: ExactDecimal
    /// `amount − costRelieved`: booked yield income (negative: a realized loss).
    public var realized: ExactDecimal { flow.amount - costRelieved }
}

/// A yield position's booked state after its flows up to an instant (exact, position currency).
public struct YieldHolding: Sendable, Hashable {
    public var position: YieldPositionRecord
    public var at: Instant
    /// Shares held (share-price positions); `nil` for an accrual position.
    public var shares: ExactDecimal?
    /// What is still invested at cost: deposits − the cost relieved by withdrawals.
    public var costBasis: ExactDecimal
    public var deposited: ExactDecimal
    public var withdrawn: ExactDecimal
    /// Σ withdrawals − Σ cost relieved: yield realized so far.
    public var realized: ExactDecimal
    /// The flows at or before ``at`` (time order; deposits before withdrawals at one instant).
    public var flows: [YieldFlow]
    /// True once something was deposited and everything was withdrawn.
    public var isClosed: Bool { !flows.isEmpty && costBasis.isZero && (shares?.isZero ?? true) }
}

/// Replays a position's flows in time order, relieving cost at each withdrawal, and refuses a
/// withdrawal the position could not pay.
///
/// Cost relieved by a withdrawal (decisions YIELD-3): share-price positions, the average cost of
/// the shares redeemed, `cost × redeemed / held`, rounded half-even to 18 decimals (all of it when
/// every share is redeemed); accrual positions, the same share of the cost as the withdrawal is of
/// the accrued balance just before it, `cost × amount / balance` (all of it when that share
/// reaches 1). Both the balance sheet and the income statement use the relieved amount, so the
/// statements reconcile exactly whatever the rounding.
struct YieldPositionReplay {
    /// A withdrawal may exceed an accrual position's modelled balance by this relative margin
    /// (the protocol's own rounding or compounding convention), and is then a full withdrawal.
    static let accrualTolerance = 1e-6

    var position: YieldPositionRecord
    var shares: ExactDecimal = .zero
    var cost: ExactDecimal = .zero
    var deposited: ExactDecimal = .zero
    var withdrawn: ExactDecimal = .zero
    var realizations: [YieldRealization] = []
    var applied: [YieldFlow] = []
    /// The flows an accrual position's balance grows from: emptied by a full withdrawal, so a
    /// rounding residue of the protocol is not carried as value.
    var accruing: [YieldFlow] = []

    /// The flows in booking order for the replay: time, deposits first, then id.
    static func ordered(_ flows: [YieldFlow]) -> [YieldFlow] {
        flows.sorted { ($0.flowedAt, $0.kind == .deposit ? 0 : 1, $0.id) < ($1.flowedAt, $1.kind == .deposit ? 0 : 1, $1.id) }
    }

    /// Applies `flows` (any order) up to `at`.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` naming `shares` (more redeemed than
    ///   held) or `amount` (more withdrawn than an accrual position holds).
    static func run(_ position: YieldPositionRecord, _ flows: [YieldFlow], upTo at: Instant? = nil) throws(LedgerError) -> YieldPositionReplay {
        var replay = YieldPositionReplay(position: position)
        for flow in ordered(flows) where at.map({ flow.flowedAt <= $0 }) ?? true { try replay.apply(flow) }
        return replay
    }

    /// The accrued balance of an accrual position at `at` from the flows applied so far.
    func accruedBalance(at: Instant) -> Double {
        guard case .accrual(let apr, let rule) = position.valuation else { return 0 }
        return accruing.reduce(0.0) { sum, f in
            let growth = rule.growth(apr: apr, seconds: at.unixSeconds - f.flowedAt.unixSeconds)
            return sum + (f.kind == .deposit ? 1 : -1) * f.amount.doubleValue * growth
        }
    }

    private mutating func apply(_ flow: YieldFlow) throws(LedgerError) {
        switch flow.kind {
        case .deposit:
            cost += flow.amount
            deposited += flow.amount
            if let s = flow.shares { shares += s }
            accruing.append(flow)
        case .withdrawal:
            var relieved: ExactDecimal
            if position.valuation.usesShares {
                let redeemed = flow.shares ?? .zero
                guard redeemed <= shares else {
                    throw .invalidValue(field: "shares", reason: "the withdrawal at \(flow.flowedAt) redeems \(redeemed) shares of '\(position.name)', which holds \(shares)")
                }
                relieved = redeemed == shares ? cost
                    : ((try? (cost * redeemed).divided(by: shares, scale: 18, mode: .halfEven)) ?? cost)
                shares -= redeemed
            } else {
                let balance = accruedBalance(at: flow.flowedAt)
                let ratio = balance > 0 ? flow.amount.doubleValue / balance : .infinity
                guard ratio <= 1 + Self.accrualTolerance else {
                    throw .invalidValue(field: "amount", reason: "the withdrawal of \(flow.amount) at \(flow.flowedAt) exceeds the \(balance) that '\(position.name)' holds")
                }
                relieved = ratio >= 1 - 1e-12 ? cost : (cost * exact(ratio)).rounded(scale: 18, mode: .halfEven)
                accruing = relieved == cost ? [] : accruing + [flow]
            }
            if relieved > cost { relieved = cost }
            cost -= relieved
            withdrawn += flow.amount
            realizations.append(YieldRealization(flow: flow, costRelieved: relieved))
        }
        applied.append(flow)
    }

    func holding(at: Instant) -> YieldHolding {
        YieldHolding(position: position, at: at, shares: position.valuation.usesShares ? shares : nil, costBasis: cost,
                     deposited: deposited, withdrawn: withdrawn, realized: withdrawn - (deposited - cost), flows: applied)
    }
}
