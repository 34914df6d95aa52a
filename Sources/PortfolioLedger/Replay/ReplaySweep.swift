import Foundation
import LedgerMath

/// A grid of policy variants: every LTV × buffer trigger × buffer actions × hedge on/off.
public struct ReplayGrid: Sendable, Hashable {
    public var ltvs: [Double]
    /// Buffer triggers (health factor); nil = no buffer rule.
    public var bufferHealthFactors: [Double?]
    /// Ordered buffer action lists to try at each buffer point; nil = the policy's own.
    public var bufferActions: [[ReplayPolicy.BufferAction]]?
    public var hedge: [Bool]

    public init(ltvs: [Double], bufferHealthFactors: [Double?], bufferActions: [[ReplayPolicy.BufferAction]]? = nil, hedge: [Bool]) {
        self.ltvs = ltvs
        self.bufferHealthFactors = bufferHealthFactors
        self.bufferActions = bufferActions
        self.hedge = hedge
    }

    /// Every point, LTV outermost, then buffer trigger, then actions (one no-buffer point per
    /// LTV and hedge), then hedge.
    public var count: Int {
        ltvs.count * hedge.count * bufferHealthFactors.reduce(0) { $0 + ($1 == nil ? 1 : (bufferActions?.count ?? 1)) }
    }

    /// Evenly spaced values from `low` to `high` inclusive (rounded to 1e-9, so 0.1 steps stay exact in print).
    public static func steps(_ low: Double, _ high: Double, by step: Double) -> [Double] {
        guard step > 0, low <= high else { return [low] }
        let n = Int(((high - low) / step + 1e-9).rounded(.down))
        return (0...n).map { ((low + Double($0) * step) * 1e9).rounded() / 1e9 }
    }
}

/// One point of a sweep.
public struct ReplaySweepPoint: Sendable {
    public var ltv: Double
    public var bufferHealthFactor: Double?
    /// The buffer's actions at this point (nil without a buffer).
    public var bufferActions: [ReplayPolicy.BufferAction]?
    public var hedge: Bool
    public var policy: ReplayPolicy
    public var outcome: ReplayOutcome
}

/// Replays every point of a grid, spread over all cores. Points are simulations only (no ledger
/// file); any point can be written as a ledger with ``Ledger/createReplay(of:market:at:)``.
public enum ReplaySweep {
    /// The variant of `base` at one grid point; `bufferActions` (nil = the policy's own) replace
    /// the buffer's actions — reserve tokens are dropped when the actions do not pledge them
    /// (an unpledged reserve token is outside the stack's flows either way).
    ///
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` when `base` has no loan, or a buffer
    ///   point is asked for and `base` has no buffer (its cash reserve is the buffer's cash), or
    ///   the actions need what `base` lacks (reserve tokens, a hedge).
    public static func policy(_ base: ReplayPolicy, ltv: Double, bufferHealthFactor: Double?, bufferActions: [ReplayPolicy.BufferAction]? = nil,
                              hedge: Bool) throws(LedgerError) -> ReplayPolicy {
        guard var loan = base.loan else { throw .invalidValue(field: "loan", reason: "a sweep varies the loan; the policy has none") }
        var policy = base
        loan.targetLTV = ltv
        policy.loan = loan
        if let trigger = bufferHealthFactor {
            guard var buffer = base.buffer else {
                throw .invalidValue(field: "buffer", reason: "a sweep over buffer triggers needs the policy's buffer (its cashETH)")
            }
            buffer.belowHealthFactor = trigger
            if let restore = buffer.restoreHealthFactor, restore < trigger { buffer.restoreHealthFactor = nil }
            if let actions = bufferActions {
                buffer.actions = actions
                if !actions.contains(.addCollateral) { buffer.reserveTokens = [] }
            }
            policy.buffer = buffer
        } else {
            policy.buffer = nil
        }
        if hedge { policy.hedge = base.hedge ?? ReplayPolicy.Hedge() } else { policy = policy.withoutHedge() }
        let actions = bufferActions.map { " (\($0.map(\.rawValue).joined(separator: "+")))" } ?? ""
        policy.name = "\(base.name) @ LTV \(ltv), buffer \(bufferHealthFactor.map { "\($0)\(actions)" } ?? "off"), hedge \(hedge ? "on" : "off")"
        try policy.validate()
        return policy
    }

    /// Replays every grid point over `[from, to]`; `progress(done, total)` is called after each point
    /// (from any thread). Results are in grid order whatever order the points finish in.
    public static func run(_ base: ReplayPolicy, grid: ReplayGrid, market: ReplayMarket, from: Instant, to: Instant,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [ReplaySweepPoint] {
        var points: [(Double, Double?, [ReplayPolicy.BufferAction]?, Bool, ReplayPolicy)] = []
        for ltv in grid.ltvs {
            for trigger in grid.bufferHealthFactors {
                // A no-buffer point has no actions to vary.
                let actionLists: [[ReplayPolicy.BufferAction]?] = trigger == nil ? [nil] : grid.bufferActions.map { $0.map(Optional.some) } ?? [nil]
                for actions in actionLists {
                    for hedge in grid.hedge {
                        let variant = try policy(base, ltv: ltv, bufferHealthFactor: trigger, bufferActions: actions, hedge: hedge)
                        points.append((ltv, trigger, variant.buffer?.actions, hedge, variant))
                    }
                }
            }
        }
        let plan = points
        let results = SweepResults(count: plan.count)
        DispatchQueue.concurrentPerform(iterations: plan.count) { i in
            let (ltv, trigger, actions, hedge, variant) = plan[i]
            let outcome = Result { try ReplayRun.simulate(variant, market: market, from: from, to: to, recordPath: false).outcome }
            let done = results.store(i, outcome.map {
                ReplaySweepPoint(ltv: ltv, bufferHealthFactor: trigger, bufferActions: actions, hedge: hedge, policy: variant, outcome: $0)
            })
            progress?(done, plan.count)
        }
        return try results.collected()
    }
}

/// Sweep results filled from several threads.
private final class SweepResults: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var slots: [Result<ReplaySweepPoint, any Error>?]
    private var done = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<ReplaySweepPoint, any Error>) -> Int {
        lock.withLock {
            slots[index] = result
            done += 1
            return done
        }
    }

    /// The points in grid order, or the first point's error (in grid order).
    func collected() throws -> [ReplaySweepPoint] {
        try lock.withLock { try slots.map { try $0!.get() } }
    }
}
