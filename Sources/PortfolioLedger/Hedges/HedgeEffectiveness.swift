import Foundation
import LedgerMath

/// Beta and correlation of one daily log-return series (`y`) to another (`x`).
public struct ReturnRegression: Sendable, Hashable {
    /// `cov(x, y) / var(x)`: how much `y` moves per unit move of `x`.
    public var beta: Double
    /// Pearson's correlation of `x` and `y`, in [−1, 1].
    public var correlation: Double

    /// Both from the centred sums (the n − 1 of the sample estimators cancels in each ratio).
    /// `nil` when either series has no variance.
    static func of(_ y: [Double], on x: [Double]) -> ReturnRegression? {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return ReturnRegression(beta: sxy / sxx, correlation: sxy / (sxx * syy).squareRoot())
    }
}

/// One of the window's worst days for the collection floor (in USD), with what the hedges made.
public struct WorstFloorDay: Sendable, Hashable {
    /// The UTC day and the previous aligned day the return is measured from.
    public var day: Instant
    public var previousDay: Instant
    /// `ln(floor_USD(day) / floor_USD(previous day))`.
    public var floorUSDReturn: Double
    /// Σ over the hedges of the change in cumulative P&L (mark + premiums − fees + settlements)
    /// between the two days, USD; `nil` when a hedge could not be valued (see ``hedgeProblem``).
    public var hedgePnLUSD: Double?
    public var hedgeProblem: AnalyticsError?
}

/// The NFT layer's largest peak-to-trough fall in the window and the hedges' P&L over it.
public struct DrawdownOffset: Sendable, Hashable {
    public var peak: Instant
    public var trough: Instant
    /// NFT layer value at the peak minus at the trough (> 0), USD: held NFTs valued on the floor series.
    public var nftLossUSD: Double
    /// The hedges' P&L from peak to trough, USD; `nil` when a hedge could not be valued.
    public var hedgePnLUSD: Double?
    /// `hedgePnLUSD / nftLossUSD`: the share of the drawdown the hedges offset (negative: they lost too).
    public var offsetShare: Double? { hedgePnLUSD.map { $0 / nftLossUSD } }
    public var hedgeProblem: AnalyticsError?
}

/// Does the hedge hedge the NFTs? (issue 21) Floor, ETH and SPX co-movement over a window, the
/// hedges' P&L on the worst floor days and over the NFT layer's drawdown.
public struct HedgeEffectivenessReport: Sendable, Hashable {
    public var from: Instant
    public var to: Instant
    public var floorSeries: String
    public var ethUSDSeries: String
    public var spxSeries: String
    /// The UTC days on which all three series have an observation (each day's last one is used).
    public var days: [Instant]
    /// Returns used: `days.count − 1`.
    public var samples: Int { max(days.count - 1, 0) }
    /// Floor in USD (floor × ETH/USD of the same day) to SPX and to ETH/USD; floor in ETH to both.
    public var floorUSDToSPX: ReturnRegression
    public var floorUSDToETH: ReturnRegression
    public var floorETHToSPX: ReturnRegression
    public var floorETHToETH: ReturnRegression
    /// The worst floor-in-USD days, worst first.
    public var worstFloorDays: [WorstFloorDay]
    /// `nil` when no NFT valued on the floor series was held, or its value never fell.
    public var drawdown: DrawdownOffset?
}

extension LedgerSnapshot {
    /// Hedge effectiveness over `[from, to]` from stored daily history (docs/analytics.md, "Hedge
    /// effectiveness"). Days are aligned on the UTC days where the floor (quoted in ETH), ETH/USD
    /// and SPX series all have an observation; a day's return is the log return since the previous
    /// aligned day (weekends and days without floor sales are spanned, not filled). Hedges are
    /// `hedges`, or every hedge; each is valued with ``hedgeValuation(_:at:market:)`` at the end of
    /// each aligned day (a hedge not yet opened counts 0).
    /// - Throws: ``AnalyticsError/invalidArgument(name:reason:)`` for an empty period, fewer than
    ///   `minimumSamples` returns, a floor series not quoted in ETH, or a series without variance;
    ///   ``AnalyticsError/unknownEntity(kind:id:)`` for an unknown series name.
    public func hedgeEffectiveness(floorSeries: String, ethUSDSeries: String, spxSeries: String, from: Instant, to: Instant,
                                   hedges: [HedgeID]? = nil, worstDays: Int = 5, minimumSamples: Int = 20,
                                   market: OptionMarketInputs = .default) throws -> HedgeEffectivenessReport {
        guard from <= to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is after \(to)") }
        guard minimumSamples >= 3 else { throw AnalyticsError.invalidArgument(name: "minimum samples", reason: "\(minimumSamples) is below 3") }
        let floor = try namedSeries(floorSeries), eth = try namedSeries(ethUSDSeries), spx = try namedSeries(spxSeries)
        guard floor.quote == .eth else {
            throw AnalyticsError.invalidArgument(name: "floor series", reason: "'\(floorSeries)' is quoted in \(floor.quote?.code ?? "nothing"), not ETH")
        }
        let f = try dailyCloses(floor, from: from, to: to), e = try dailyCloses(eth, from: from, to: to), s = try dailyCloses(spx, from: from, to: to)
        let days = f.keys.filter { e[$0] != nil && s[$0] != nil }.sorted()
        guard days.count - 1 >= minimumSamples else {
            throw AnalyticsError.invalidArgument(name: "window",
                                                 reason: "\(max(days.count - 1, 0)) daily returns where all three series have a day; at least \(minimumSamples) needed")
        }
        func returns(_ price: (Int64) -> Double) -> [Double] { zip(days, days.dropFirst()).map { log(price($1) / price($0)) } }
        let floorETH = returns { f[$0]! }, floorUSD = returns { f[$0]! * e[$0]! }, ethR = returns { e[$0]! }, spxR = returns { s[$0]! }
        func regression(_ y: [Double], _ x: [Double], _ name: String) throws -> ReturnRegression {
            guard let r = ReturnRegression.of(y, on: x) else { throw AnalyticsError.invalidArgument(name: name, reason: "a return series has no variance") }
            return r
        }
        let instants = days.map { Instant(unixSeconds: $0) }
        let hedgeIDs = try hedges ?? self.hedges().map(\.id)
        var pnlCache: [Int64: Result<Double, AnalyticsError>] = [:]
        func pnl(_ day: Int64) -> Result<Double, AnalyticsError> {
            if let known = pnlCache[day] { return known }
            let value = Result { () throws(AnalyticsError) -> Double in try hedgePnL(hedgeIDs, at: Instant(unixSeconds: day + 86_399), market: market) }
            pnlCache[day] = value
            return value
        }
        func change(_ a: Int64, _ b: Int64) -> (Double?, AnalyticsError?) {
            switch (pnl(a), pnl(b)) {
            case let (.success(x), .success(y)): (y - x, nil)
            case let (.failure(error), _), let (_, .failure(error)): (nil, error)
            }
        }
        let worst = floorUSD.indices.sorted { (floorUSD[$0], $0) < (floorUSD[$1], $1) }.prefix(max(worstDays, 0)).map { i in
            let (p, problem) = change(days[i], days[i + 1])
            return WorstFloorDay(day: instants[i + 1], previousDay: instants[i], floorUSDReturn: floorUSD[i], hedgePnLUSD: p, hedgeProblem: problem)
        }
        var drawdown: DrawdownOffset?
        if let (peak, trough, loss) = try nftDrawdown(floor: floor, days: days, floorUSD: { f[$0]! * e[$0]! }) {
            let (p, problem) = change(peak, trough)
            drawdown = DrawdownOffset(peak: Instant(unixSeconds: peak), trough: Instant(unixSeconds: trough), nftLossUSD: loss, hedgePnLUSD: p,
                                      hedgeProblem: problem)
        }
        return HedgeEffectivenessReport(from: from, to: to, floorSeries: floorSeries, ethUSDSeries: ethUSDSeries, spxSeries: spxSeries, days: instants,
                                        floorUSDToSPX: try regression(floorUSD, spxR, "floor USD / SPX"),
                                        floorUSDToETH: try regression(floorUSD, ethR, "floor USD / ETH"),
                                        floorETHToSPX: try regression(floorETH, spxR, "floor ETH / SPX"),
                                        floorETHToETH: try regression(floorETH, ethR, "floor ETH / ETH"),
                                        worstFloorDays: Array(worst), drawdown: drawdown)
    }

    private func namedSeries(_ name: String) throws -> PriceSeries {
        guard let series = try series(named: name) else { throw AnalyticsError.unknownEntity(kind: "price series", id: name) }
        return series
    }

    /// The last observation of each UTC day in `[from, to]`, keyed by the day's midnight.
    private func dailyCloses(_ series: PriceSeries, from: Instant, to: Instant) throws -> [Int64: Double] {
        var closes: [Int64: Double] = [:]
        try observations(of: series.id, from: from, to: to) { o in
            let t = o.observedAt.unixSeconds
            closes[t - ((t % 86_400) + 86_400) % 86_400] = o.price
        }
        return closes
    }

    /// Σ cumulative P&L of `hedges` at `at`, USD; a hedge opened later counts 0.
    private func hedgePnL(_ hedges: [HedgeID], at: Instant, market: OptionMarketInputs) throws(AnalyticsError) -> Double {
        do {
            var total = 0.0
            for id in hedges {
                guard let hedge = try hedge(id) else { throw AnalyticsError.unknownEntity(kind: "hedge", id: id.description) }
                guard hedge.openedAt <= at else { continue }
                total += try hedgeValuation(id, at: at, market: market).pnlUSD
            }
            return total
        } catch let error as AnalyticsError {
            throw error
        } catch {
            throw AnalyticsError.invalidArgument(name: "hedge", reason: "\(error)")
        }
    }

    /// Largest fall of the NFT layer (held NFTs valued on `floor` × the day's floor in USD) from a
    /// peak to a later day: (peak day, trough day, loss USD), or `nil` when it never fell.
    private func nftDrawdown(floor: PriceSeries, days: [Int64], floorUSD: (Int64) -> Double) throws -> (Int64, Int64, Double)? {
        var best: (Int64, Int64, Double)?
        var peak: (day: Int64, value: Double)?
        for day in days {
            let held = try nfts(at: Instant(unixSeconds: day + 86_399)).filter { $0.status.isHeld }
            let count = try held.filter { try valuationSeries(for: $0.nft.id).id == floor.id }.count
            let value = Double(count) * floorUSD(day)
            if let p = peak, p.value - value > (best?.2 ?? 0) { best = (p.day, day, p.value - value) }
            if value > (peak?.value ?? -.infinity) { peak = (day, value) }
        }
        return best
    }
}
