import LedgerMath

/// Where a loan history samples its figures.
public enum HistorySampling: Sendable, Hashable {
    /// Every observation instant of the risk series of the loan's first collateral NFT.
    case riskSeriesObservations
    /// Every `seconds` from the start of the period (and the period's end).
    case every(seconds: Int64)
}

/// One sample of a loan's history.
public struct LoanHistoryPoint: Sendable, Hashable {
    public var at: Instant
    public var debt: ExactDecimal
    public var collateralValue: ExactDecimal?
    public var loanToValue: Double?
    public var healthFactor: HealthFactor?
    public var liquidationFloorPrice: ExactDecimal?
    public var isLiquidatable: Bool?
    /// The liquidation threshold in force at this instant (governance changes and overrides
    /// applied), `nil` without one.
    public var liquidationThreshold: Double?
    /// The price problem at this instant when the policy flags instead of failing.
    public var priceProblem: AnalyticsError?
}

/// A loan's figures over a period, with the minimum health factor and the liquidatable instants.
public struct LoanHistoryReport: Sendable, Hashable {
    public var loan: LoanRecord
    public var from: Instant
    public var to: Instant
    public var riskSource: RiskPriceSource
    public var priceLiquidation: PriceLiquidation
    public var points: [LoanHistoryPoint]
    /// Every risk-parameter change that took effect for this loan in the period while it was
    /// open, with its effect on the health factor at unchanged debt and prices.
    public var parameterChanges: [RiskParameterChangeEffect]
    /// Lowest health factor over the points, and when (first occurrence).
    public var minimumHealthFactor: (value: Double, at: Instant)? {
        var best: (value: Double, at: Instant)?
        for p in points {
            guard let hf = p.healthFactor?.doubleValue else { continue }
            if let current = best, current.value <= hf { continue }
            best = (hf, p.at)
        }
        return best
    }
    /// Instants at which the loan would have been liquidatable under the protocol's rule.
    public var liquidatableInstants: [Instant] { points.filter { $0.isLiquidatable == true }.map(\.at) }

}

extension LedgerSnapshot {
    /// The loan's debt, LTV, HF, liquidation floor and liquidatability at each sample in
    /// `[from, to]` while it is open. Samples before the start or after the loan ended are skipped.
    public func loanHistory(_ loan: LoanID, from: Instant, to: Instant, sampling: HistorySampling = .riskSeriesObservations,
                            riskSource: RiskPriceSource = .floor, policy: PricingPolicy = .default) throws -> LoanHistoryReport {
        guard let record = try self.loan(loan) else { throw AnalyticsError.unknownEntity(kind: "loan", id: loan.description) }
        guard from <= to else { throw AnalyticsError.invalidArgument(name: "period", reason: "\(from) is after \(to)") }
        let events = try loanEvents(of: loan)
        let timeline = try riskParameterTimeline(of: record)
        // A change's instant is always sampled, so the step it causes shows in the points.
        var instants: [Instant] = timeline.changeInstants(from: from, to: to)
        switch sampling {
        case .riskSeriesObservations:
            guard let first = record.collateral.first else { throw AnalyticsError.invalidArgument(name: "loan", reason: "loan \(loan) has no collateral") }
            do {
                let series = try riskSeries(for: first, source: riskSource, lendingProtocol: record.lendingProtocol)
                try observations(of: series.id, from: from, to: to) { instants.append($0.observedAt) }
            } catch let error as AnalyticsError {
                // Collateral with no floor series at all (vault or wrapped tokens) is unvalued, not an
                // error: the debt is still known, so the period's two ends are sampled and each point
                // carries the problem (as `loanState` does for it).
                guard case .noSeries(.floor, _) = error else { throw error }
                instants += [max(from, record.startedAt), to]
            }
        case .every(let step):
            guard step > 0 else { throw AnalyticsError.invalidArgument(name: "step", reason: "must be positive") }
            var t = from
            while t <= to { instants.append(t); t = t.adding(seconds: step) }
            if instants.last != to { instants.append(to) }
        }
        var points: [LoanHistoryPoint] = []
        var changes: [RiskParameterChangeEffect] = []
        let changeInstants = Set(timeline.changeInstants(from: from, to: to))
        for t in Set(instants).sorted() where t >= record.startedAt {
            let state = try loanState(record, events: events, at: t, riskSource: riskSource, policy: policy, shock: .none)
            guard state.status == .open else { continue }
            points.append(LoanHistoryPoint(at: t, debt: state.debt, collateralValue: state.risk?.collateral.value,
                                           loanToValue: state.risk?.loanToValue, healthFactor: state.risk?.healthFactor,
                                           liquidationFloorPrice: state.risk?.liquidationFloorPrice,
                                           isLiquidatable: state.risk?.isLiquidatable,
                                           liquidationThreshold: timeline.inForce(at: t)?.parameters.liquidationThreshold,
                                           priceProblem: state.priceProblem))
            if changeInstants.contains(t), t > record.startedAt {
                let effect = RiskParameterChangeEffect(state, before: timeline.inForce(at: t.adding(seconds: -1)), after: timeline.inForce(at: t))
                if effect.before != effect.after { changes.append(effect) }
            }
        }
        return LoanHistoryReport(loan: record, from: from, to: to, riskSource: riskSource,
                                 priceLiquidation: .of(record.lendingProtocol, hasThreshold: timeline.everHasThreshold),
                                 points: points, parameterChanges: changes)
    }
}
