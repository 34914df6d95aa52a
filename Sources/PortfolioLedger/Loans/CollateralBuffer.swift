import LedgerMath

/// What gets a loan back to its buffer target, each alone: repay part of the debt, or add
/// collateral. Its own document in `report buffer` (`cure`; docs/decisions.md, DOCUMENTS-4).
public struct BufferCure: Codable, Sendable, Hashable {
    /// Debt to repay, loan currency (rounded up to 18 places): `max(D − V·LT/h, D − m·V, 0)`.
    public var repayment: ExactDecimal
    /// The repayment in USD, when the loan currency has a rate.
    public var repaymentUSD: Double?
    /// Collateral value to add, loan currency (rounded up): `max(D·h/LT − V, D/m − V, 0)`.
    public var extraCollateralValue: ExactDecimal
    /// The extra collateral value in USD, when the loan currency has a rate.
    public var extraCollateralValueUSD: Double?
    /// Whole NFTs of the collateral's collection at the current price that cover it.
    public var extraNFTsAtCurrentPrice: Int?

    enum CodingKeys: String, CodingKey {
        case repayment, repaymentUSD = "repayment_usd", extraCollateralValue = "extra_collateral_value"
        case extraCollateralValueUSD = "extra_collateral_value_usd", extraNFTsAtCurrentPrice = "extra_nfts_at_current_price"
    }
}

/// A contiguous run of history samples in breach of the target in force at each sample; its own
/// document in `report buffer`'s `breaches` (docs/decisions.md, DOCUMENTS-4).
public struct BufferBreach: Codable, Sendable, Hashable {
    /// The first sample in breach.
    public var start: Instant
    /// The last sample in breach.
    public var end: Instant
    /// The first sample back within the target, if the history reaches it.
    public var recoveredAt: Instant?
    /// Samples in breach.
    public var samples: Int
    /// The lowest health factor among them (a breach has debt, so a finite one).
    public var worstHealthFactor: Double?
    /// The highest loan-to-value among them.
    public var worstLoanToValue: Double?

    enum CodingKeys: String, CodingKey {
        case start, end, recoveredAt = "recovered_at", samples, worstHealthFactor = "worst_health_factor"
        case worstLoanToValue = "worst_loan_to_value"
    }
}

/// One loan against its collateral buffer target at an instant.
public struct LoanBufferStatus: Sendable, Hashable {
    public var loan: LoanRecord
    /// The governing policy row (the loan's own, else the portfolio's); `nil`: no target.
    public var policy: BufferPolicyRecord?
    public var debt: ExactDecimal
    public var collateralValue: ExactDecimal?
    public var healthFactor: Double?
    public var loanToValue: Double?
    /// `HF − target HF` (negative: in breach); `nil` without an HF target or HF.
    public var healthFactorBuffer: Double?
    /// `target LTV − LTV` (negative: in breach).
    public var loanToValueBuffer: Double?
    public var inBreach: Bool
    /// `nil` when not in breach.
    public var cure: BufferCure?
    /// Breach episodes over the history period (the target in force at each sample).
    public var breaches: [BufferBreach]
    public var historySamples: Int
    public var notes: [String]
    public var priceProblem: AnalyticsError?
}

/// Collateral buffer report (issue #9): every open loan against the user's target in force.
public struct CollateralBufferReport: Sendable, Hashable {
    public var at: Instant
    public var historyFrom: Instant?
    public var riskSource: RiskPriceSource
    public var loans: [LoanBufferStatus]
    public var loansInBreach: [LoanID] { loans.filter(\.inBreach).map(\.loan.id) }
}

extension LedgerSnapshot {
    /// Buffers of the loans open at `at` (or only `loans`): HF and LTV against the governing
    /// target, the cure when in breach, and breach episodes from `historyFrom` (default: each
    /// loan's start) to `at` sampled at the risk series' observations.
    public func collateralBuffer(at: Instant, loans ids: [LoanID]? = nil, historyFrom: Instant? = nil,
                                 riskSource: RiskPriceSource = .floor, policy: PricingPolicy = .default) throws -> CollateralBufferReport {
        let policies = try bufferPolicies()
        var statuses: [LoanBufferStatus] = []
        let chosen = try ids.map { try $0.map { id in
            guard let l = try loan(id) else { throw AnalyticsError.unknownEntity(kind: "loan", id: id.description) }
            return l
        } } ?? loans(openAt: at)
        for record in chosen {
            statuses.append(try bufferStatus(record, at: at, historyFrom: historyFrom, riskSource: riskSource, policy: policy, policies: policies))
        }
        return CollateralBufferReport(at: at, historyFrom: historyFrom, riskSource: riskSource, loans: statuses)
    }

    private func bufferStatus(_ record: LoanRecord, at: Instant, historyFrom: Instant?, riskSource: RiskPriceSource,
                              policy: PricingPolicy, policies: [BufferPolicyRecord]) throws -> LoanBufferStatus {
        let state = try loanState(record, events: loanEvents(of: record.id), at: at, riskSource: riskSource, policy: policy, shock: .none)
        let governing = Self.governing(record.id, at: at, in: policies)
        let hf = state.risk?.healthFactor?.doubleValue, ltv = state.risk?.loanToValue
        var status = LoanBufferStatus(loan: record, policy: governing, debt: state.debt, collateralValue: state.risk?.collateral.value,
                                      healthFactor: hf, loanToValue: ltv, healthFactorBuffer: nil, loanToValueBuffer: nil, inBreach: false,
                                      cure: nil, breaches: [], historySamples: 0, notes: [], priceProblem: state.priceProblem)
        if let target = governing?.target {
            if let h = target.minHealthFactor, let hf { status.healthFactorBuffer = hf - h }
            if let m = target.maxLTV, let ltv { status.loanToValueBuffer = m - ltv }
            if target.minHealthFactor != nil, try riskParameterTimeline(of: record).inForce(at: at)?.parameters.liquidationThreshold == nil {
                status.notes.append("no liquidation threshold booked: the health-factor target does not apply")
            }
            status.inBreach = Self.breaches(target, hf: hf, ltv: ltv)
            if status.inBreach, let risk = state.risk {
                status.cure = try cure(record, target: target, debt: state.debt, risk: risk, at: at, policy: policy)
            }
        }
        if state.status == .open {
            let from = max(historyFrom ?? record.startedAt, record.startedAt)
            if from <= at {
                let history = try loanHistory(record.id, from: from, to: at, riskSource: riskSource,
                                              policy: PricingPolicy(maxAgeSeconds: policy.maxAgeSeconds, onMissingPrice: .flag,
                                                                    fxSeriesName: policy.fxSeriesName))
                status.historySamples = history.points.count
                status.breaches = Self.episodes(history.points, loan: record.id, policies: policies)
            }
        }
        return status
    }

    /// The policy row governing `loan` at `at` among `policies` (sorted as ``bufferPolicies(_:)`` returns
    /// them): the loan's own target in force, else (none, or cleared) the portfolio's.
    static func governing(_ loan: LoanID, at: Instant, in policies: [BufferPolicyRecord]) -> BufferPolicyRecord? {
        if let own = policies.last(where: { $0.scope == .loan(loan) && $0.effectiveAt <= at }), !own.target.isEmpty { return own }
        if let all = policies.last(where: { $0.scope == .portfolio && $0.effectiveAt <= at }), !all.target.isEmpty { return all }
        return nil
    }

    static func breaches(_ target: BufferTarget, hf: Double?, ltv: Double?) -> Bool {
        if let h = target.minHealthFactor, let hf, hf < h { return true }
        if let m = target.maxLTV, let ltv, ltv > m { return true }
        return false
    }

    private static func episodes(_ points: [LoanHistoryPoint], loan: LoanID, policies: [BufferPolicyRecord]) -> [BufferBreach] {
        var result: [BufferBreach] = []
        var open: BufferBreach?
        for p in points {
            let target = governing(loan, at: p.at, in: policies)?.target
            let hf = p.healthFactor?.doubleValue
            let breached = target.map { breaches($0, hf: hf, ltv: p.loanToValue) } ?? false
            if breached {
                if var e = open {
                    e.end = p.at
                    e.samples += 1
                    e.worstHealthFactor = [e.worstHealthFactor, hf].compactMap { $0 }.min()
                    e.worstLoanToValue = [e.worstLoanToValue, p.loanToValue].compactMap { $0 }.max()
                    open = e
                } else {
                    open = BufferBreach(start: p.at, end: p.at, recoveredAt: nil, samples: 1, worstHealthFactor: hf, worstLoanToValue: p.loanToValue)
                }
            } else if var e = open, p.priceProblem == nil {
                e.recoveredAt = p.at
                result.append(e)
                open = nil
            }
        }
        if let e = open { result.append(e) }
        return result
    }

    /// Repayment and extra collateral that each restore the target (loan currency, rounded up).
    private func cure(_ record: LoanRecord, target: BufferTarget, debt: ExactDecimal, risk: LoanRiskFigures, at: Instant,
                      policy: PricingPolicy) throws -> BufferCure {
        let value = risk.collateral.value
        var repay = ExactDecimal.zero, extra = ExactDecimal.zero
        if let h = target.minHealthFactor, let lt = risk.liquidationThreshold {
            let (hx, ltx) = (exact(h), exact(lt))
            repay = max(repay, debt - (try (value * ltx).divided(by: hx, scale: 18, mode: .down)))
            extra = max(extra, (try (debt * hx).divided(by: ltx, scale: 18, mode: .up)) - value)
        }
        if let m = target.maxLTV {
            let mx = exact(m)
            repay = max(repay, debt - value * mx)
            extra = max(extra, (try debt.divided(by: mx, scale: 18, mode: .up)) - value)
        }
        let usd = try? fxRate(from: record.currency, to: .usd, at: at, policy: policy).rate
        var nfts: Int?
        if let item = risk.collateral.items.first, item.price.price > 0,
           let fx = try? fxRate(from: item.priceCurrency, to: record.currency, at: at, policy: policy).rate, fx > 0 {
            nfts = Int((extra.doubleValue / (item.price.price * fx)).rounded(.up))
        }
        return BufferCure(repayment: repay, repaymentUSD: usd.map { repay.doubleValue * $0 }, extraCollateralValue: extra,
                          extraCollateralValueUSD: usd.map { extra.doubleValue * $0 }, extraNFTsAtCurrentPrice: nfts)
    }
}
