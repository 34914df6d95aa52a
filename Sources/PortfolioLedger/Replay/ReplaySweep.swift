import Foundation
import LedgerMath

/// A grid of policy variants: every LTV × buffer trigger × hedge on/off.
public struct ReplayGrid: Sendable, Hashable {
    public var ltvs: [Double]
    /// Buffer triggers (health factor); nil = no buffer rule.
    public var bufferHealthFactors: [Double?]
    public var hedge: [Bool]

    public init(ltvs: [Double], bufferHealthFactors: [Double?], hedge: [Bool]) {
        self.ltvs = ltvs
        self.bufferHealthFactors = bufferHealthFactors
        self.hedge = hedge
    }

    /// Every point, LTV outermost, then buffer, then hedge.
    public var count: Int { ltvs.count * bufferHealthFactors.count * hedge.count }

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
    public var hedge: Bool
    public var policy: ReplayPolicy
    public var outcome: ReplayOutcome
}

/// Replays every point of a grid, spread over all cores. Points are simulations only (no ledger
/// file); any point can be written as a ledger with ``Ledger/createReplay(of:market:at:)``.
public enum ReplaySweep {
    /// The variant of `base` at one grid point.
    ///
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` when `base` has no loan, or a buffer
    ///   point is asked for and `base` has no buffer (its cash reserve is the buffer's cash).
    public static func policy(_ base: ReplayPolicy, ltv: Double, bufferHealthFactor: Double?, hedge: Bool) throws(LedgerError) -> ReplayPolicy {
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
            policy.buffer = buffer
        } else {
            policy.buffer = nil
        }
        policy.hedge = hedge ? (base.hedge ?? ReplayPolicy.Hedge()) : nil
        policy.name = "\(base.name) @ LTV \(ltv), buffer \(bufferHealthFactor.map { "\($0)" } ?? "off"), hedge \(hedge ? "on" : "off")"
        try policy.validate()
        return policy
    }

    /// Replays every grid point over `[from, to]`; `progress(done, total)` is called after each point
    /// (from any thread). Results are in grid order whatever order the points finish in.
    public static func run(_ base: ReplayPolicy, grid: ReplayGrid, market: ReplayMarket, from: Instant, to: Instant,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [ReplaySweepPoint] {
        var points: [(Double, Double?, Bool, ReplayPolicy)] = []
        for ltv in grid.ltvs {
            for trigger in grid.bufferHealthFactors {
                for hedge in grid.hedge { points.append((ltv, trigger, hedge, try policy(base, ltv: ltv, bufferHealthFactor: trigger, hedge: hedge))) }
            }
        }
        let plan = points
        let results = SweepResults(count: plan.count)
        DispatchQueue.concurrentPerform(iterations: plan.count) { i in
            let (ltv, trigger, hedge, variant) = plan[i]
            let outcome = Result { try ReplayRun.simulate(variant, market: market, from: from, to: to, recordPath: false).outcome }
            let done = results.store(i, outcome.map { ReplaySweepPoint(ltv: ltv, bufferHealthFactor: trigger, hedge: hedge, policy: variant, outcome: $0) })
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
