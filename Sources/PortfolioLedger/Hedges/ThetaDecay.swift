import LedgerMath

/// One snapshot of a theta-decay series.
public struct ThetaDecayPoint: Sendable, Hashable {
    public var at: Instant
    /// Σ position extrinsic value (time value left), USD.
    public var extrinsicUSD: Double
    /// Σ position model theta, USD per calendar day, at this snapshot.
    public var modelThetaPerDayUSD: Double
    /// Change in extrinsic value since the previous snapshot (realized decay; negative = decayed), USD.
    public var realizedDecayUSD: Double?
    /// Previous snapshot's theta/day × days elapsed: what theta alone predicted, USD.
    public var modelDecayUSD: Double?
    public var cumulativeRealizedUSD: Double
    public var cumulativeModelUSD: Double
    /// Legs valued from a model, settled, or expired (not quoted) at this snapshot.
    public var markSources: [MarkSource]
}

/// Model theta beside realized extrinsic decay between snapshots (options-xirr.md: they differ by
/// design — theta holds spot, vol and rates fixed; realized decay mixes every move).
public struct ThetaDecayReport: Sendable, Hashable {
    /// A snapshot left out of the series because a leg held then could not be valued.
    public struct SkippedSnapshot: Sendable, Hashable {
        public var at: Instant
        public var reason: String
    }
    public var from: Instant
    public var to: Instant
    public var points: [ThetaDecayPoint]
    /// Snapshots without a value for every leg (e.g. a leg never quoted before its expiry and no
    /// underlying series): listed rather than failing the whole series.
    public var skipped: [SkippedSnapshot] = []
}

extension LedgerSnapshot {
    /// Theta decay of `hedge` at every quote snapshot of its contracts in `[from, to]` (and each
    /// settlement): positions as held at each snapshot; expired legs settle at their settlement value.
    /// A snapshot at which a held leg has no value (no quote, no underlying) is listed in
    /// ``ThetaDecayReport/skipped`` instead of failing the series.
    public func thetaDecay(_ hedge: HedgeID, from: Instant, to: Instant, market: OptionMarketInputs = .default) throws -> ThetaDecayReport {
        var instants = Set<Instant>()
        for t in try optionTrades(of: hedge) {
            for q in try optionQuotes(of: t.contractID, from: from, to: to) { instants.insert(q.quotedAt) }
        }
        for s in try optionSettlements(of: hedge) where s.settledAt >= from && s.settledAt <= to { instants.insert(s.settledAt) }
        return try decayReport(from: from, to: to, at: instants) { t in try hedgeValuation(hedge, at: t, market: market).legs }
    }

    /// Theta decay of fixed positions (`quantity` signed contracts each) at every quote snapshot in
    /// `[from, to]`; snapshots without a value for every leg are listed in ``ThetaDecayReport/skipped``.
    public func thetaDecay(positions: [(contract: OptionContractID, quantity: Int)], from: Instant, to: Instant,
                           market: OptionMarketInputs = .default) throws -> ThetaDecayReport {
        var instants = Set<Instant>()
        for p in positions { for q in try optionQuotes(of: p.contract, from: from, to: to) { instants.insert(q.quotedAt) } }
        return try decayReport(from: from, to: to, at: instants) { t in
            let rate = try optionRate(market, at: t).rate
            return try positions.map { p in
                try optionValuation(p.contract, quantity: p.quantity, settlement: nil, at: t, market: market, rate: rate, shock: .none)
            }
        }
    }

    /// The series over `instants` in time order; an instant whose legs cannot be valued (no quote,
    /// underlying or price) is skipped with its reason, any other error fails the report.
    private func decayReport(from: Instant, to: Instant, at instants: Set<Instant>,
                             legs: (Instant) throws -> [OptionLegValuation]) throws -> ThetaDecayReport {
        var valuations: [(Instant, [OptionLegValuation])] = []
        var skipped: [ThetaDecayReport.SkippedSnapshot] = []
        for t in instants.sorted() {
            do {
                valuations.append((t, try legs(t)))
            } catch let error as AnalyticsError {
                switch error {
                case .noUnderlying, .noOptionValue, .missingPrice, .stalePrice: skipped.append(.init(at: t, reason: error.description))
                default: throw error
                }
            }
        }
        return ThetaDecayReport(from: from, to: to, points: decayPoints(valuations), skipped: skipped)
    }

    private func decayPoints(_ valuations: [(Instant, [OptionLegValuation])]) -> [ThetaDecayPoint] {
        var points: [ThetaDecayPoint] = []
        for (t, legs) in valuations {
            let extrinsic = legs.reduce(0) { $0 + $1.extrinsicUSD }
            let theta = legs.reduce(0) { $0 + $1.thetaPerDayUSD }
            var point = ThetaDecayPoint(at: t, extrinsicUSD: extrinsic, modelThetaPerDayUSD: theta, realizedDecayUSD: nil, modelDecayUSD: nil,
                                        cumulativeRealizedUSD: 0, cumulativeModelUSD: 0,
                                        markSources: legs.map(\.markSource).filter { $0 != .quoteMark && $0 != .mid })
            if let previous = points.last {
                let days = Double(previous.at.seconds(to: t)) / Double(Instant.secondsPerDay)
                point.realizedDecayUSD = extrinsic - previous.extrinsicUSD
                point.modelDecayUSD = previous.modelThetaPerDayUSD * days
                point.cumulativeRealizedUSD = previous.cumulativeRealizedUSD + extrinsic - previous.extrinsicUSD
                point.cumulativeModelUSD = previous.cumulativeModelUSD + previous.modelThetaPerDayUSD * days
            }
            points.append(point)
        }
        return points
    }
}
