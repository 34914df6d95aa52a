import BigInt

/// One price push to BendDAO's `NFTOracle` (`setAssetData`): price in the token (ETH) and its time.
public struct OraclePush: Sendable, Hashable {
    public var at: Instant
    public var price: ExactDecimal
    public init(at: Instant, price: ExactDecimal) {
        self.at = at
        self.price = price
    }
}

/// BendDAO's NFT oracle TWAP (`NFTOracle.calculateTwapPrice`, `_setAssetData`, `getAssetPrice`).
/// Fact sheet §3 "Collateral valuation", F11.
///
/// The TWAP is computed only when a price is pushed, at that push's time `t_k`, and stored;
/// `getAssetPrice` returns it until the next push. Walking back from the newest round:
/// `TWAP_k = Σ price_j · (time price_j was in force within [t_k − W, t_k]) / W`, where the newest
/// price has weight `t_k − t_k = 0`. If the previous push is older than `t_k − W`, that gives the
/// previous price; if there is only one round, it is that price; if the history is shorter than
/// `W`, the sum is divided by the covered time instead of `W`. Integer division in smallest units.
/// So the price the protocol uses lags: a new floor counts only from the next push on.
public enum BendOracleTWAP {
    /// The TWAP stored by the push `pushes[index]` (pushes sorted by strictly increasing time).
    public static func twap(pushes: [OraclePush], index: Int, windowSeconds: Int64 = 21_600, decimals: Int = 18) throws(InterestModelError) -> ExactDecimal {
        guard windowSeconds > 0 else { throw .invalidTerm(field: "windowSeconds", reason: "must be positive") }
        guard pushes.indices.contains(index) else { throw .invalidTerm(field: "index", reason: "\(index) is not a push") }
        var previousAt = pushes[0].at
        for p in pushes.dropFirst() {
            guard p.at > previousAt else { throw .invalidTerm(field: "pushes", reason: "times must increase strictly (\(p.at))") }
            previousAt = p.at
        }
        let now = pushes[index].at
        let base = now.adding(seconds: -windowSeconds)
        var round = index
        let latest = pushes[round]
        let latestUnits = try tokenUnits(latest.price, decimals: decimals, field: "price")
        if latest.at < base || round == 0 { return latest.price }
        var cumulative = BigInt(latest.at.seconds(to: now))
        var previous = latest.at
        var weighted = latestUnits * cumulative
        while true {
            if round == 0 {
                // Only reachable with cumulative > 0: times increase strictly and at least one older round was added.
                return ExactDecimal(units: cumulative.isZero ? latestUnits : weighted / cumulative, decimals: decimals)
            }
            round -= 1
            let record = pushes[round]
            let units = try tokenUnits(record.price, decimals: decimals, field: "price")
            if record.at <= base {
                weighted += units * BigInt(base.seconds(to: previous))
                break
            }
            let fraction = BigInt(record.at.seconds(to: previous))
            weighted += units * fraction
            cumulative += fraction
            previous = record.at
        }
        return ExactDecimal(units: weighted / BigInt(windowSeconds), decimals: decimals)
    }

    /// The price `getAssetPrice` returns at `instant`: the TWAP stored by the latest push at or before
    /// it (the last raw price if that TWAP is 0); `nil` before the first push.
    public static func oraclePrice(at instant: Instant, pushes: [OraclePush], windowSeconds: Int64 = 21_600,
                                   decimals: Int = 18) throws(InterestModelError) -> ExactDecimal? {
        guard let index = pushes.lastIndex(where: { $0.at <= instant }) else { return nil }
        let stored = try twap(pushes: pushes, index: index, windowSeconds: windowSeconds, decimals: decimals)
        return stored.isZero ? pushes[index].price : stored
    }
}
