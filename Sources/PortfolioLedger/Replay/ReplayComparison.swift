import LedgerMath

/// A policy beside the same collateral unlevered, levered without the hedge and levered without
/// the buffer rule: each a replay of its own over the same window and data.
public struct ReplayComparison: Sendable {
    /// One variant of the policy and what it came to.
    public struct Layer: Sendable {
        public var name: String
        public var policy: ReplayPolicy
        public var outcome: ReplayOutcome
    }

    /// In order: the policy, unlevered, levered without the hedge, levered without the buffer.
    public var layers: [Layer]

    /// Replays the four variants of `policy` over `[from, to]`.
    public static func run(_ policy: ReplayPolicy, market: ReplayMarket, from: Instant, to: Instant) throws -> ReplayComparison {
        var unlevered = policy, noBuffer = policy
        unlevered.loan = nil
        unlevered.buffer = nil
        unlevered.hedge = nil
        let noHedge = policy.withoutHedge()
        noBuffer.buffer = nil
        let variants = [("policy", policy), ("unlevered", unlevered), ("levered, no hedge", noHedge), ("levered, no buffer", noBuffer)]
        return ReplayComparison(layers: try variants.map { name, variant in
            Layer(name: name, policy: variant,
                  outcome: try ReplayRun.simulate(variant, market: market, from: from, to: to, recordPath: false).outcome)
        })
    }
}
