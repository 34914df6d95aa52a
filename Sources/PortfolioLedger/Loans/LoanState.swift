import LedgerMath

/// Whether a loan can be liquidated on price, and by which comparison (fact sheet F7).
public enum PriceLiquidation: Sendable, Hashable {
    /// Liquidated on price: BendDAO/ParaSpace strict `debt > value × LT`; JPEG'd `debt ≥ value × LT`.
    case byRule(LiquidationRule)
    /// No price liquidation; `reason` says what the risk is instead.
    case none(reason: String)

    /// The rule for `protocol` (and whether a threshold is booked, for `other`).
    public static func of(_ lendingProtocol: LendingProtocol, hasThreshold: Bool) -> PriceLiquidation {
        switch lendingProtocol {
        case .benddao, .paraspace: .byRule(.debtAboveLimit)
        case .jpegd: .byRule(.debtAtOrAboveLimit)
        case .nftfi, .arcade, .gondi:
            .none(reason: "fixed-term peer-to-peer loan; the risk is time to maturity (foreclosure if unpaid)")
        case .blend:
            .none(reason: "Blend: the lender can call the loan (refinancing auction), then default")
        case .other:
            hasThreshold ? .byRule(.debtAboveLimit) : .none(reason: "no liquidation threshold booked")
        }
    }
}

/// Risk ratios of a loan on one price source (DESIGN §4 "Risk", fact sheet F6–F8).
public struct LoanRiskFigures: Sendable, Hashable {
    /// Collateral value in the loan currency, with every price and FX used.
    public var collateral: CollateralValuation
    /// `debt / value`; `nil` when the value is 0.
    public var loanToValue: Double?
    /// Liquidation threshold in force at the instant (fraction): see ``parameters``.
    public var liquidationThreshold: Double?
    /// The risk parameters in force at the instant and where they come from (a governance change
    /// for the collection, a loan override, or the loan's own booking); `nil` when none applies.
    public var parameters: RiskParametersInForce?
    /// `value × LT / debt`; `HealthFactor.noDebt` with no debt; `nil` without a threshold.
    public var healthFactor: HealthFactor?
    /// Per-NFT price at which `HF = 1`: `debt / (LT × fx × n)` in ``CollateralValuation/priceCurrency``
    /// (n NFTs valued alike); `nil` without a threshold or debt.
    public var liquidationFloorPrice: ExactDecimal?
    /// The same price in USD, converted at the instant (`nil` when not convertible).
    public var liquidationFloorPriceUSD: Double?
    /// FX used for the USD figure.
    public var usdConversion: [PriceUsed]
    /// Liquidatable now under the protocol's rule; `nil` when the loan has no price liquidation.
    public var isLiquidatable: Bool?
}

/// A loan at an instant: debt from its rebuilt interest model, and risk on the chosen prices.
public struct LoanStateReport: Sendable, Hashable {
    public var loan: LoanRecord
    public var at: Instant
    public var status: LoanStatus
    /// Principal + borrowed more − principal repaid (booked), loan currency.
    public var outstandingPrincipal: ExactDecimal
    /// Total owed per the interest model (0 once closed), loan currency.
    public var debt: ExactDecimal
    /// `debt − outstanding principal` (for fixed-repayment loans the whole fixed interest from day 0);
    /// not clamped at 0 (it can be −1 wei after an index loan's exact-interest repayment).
    public var accruedInterest: ExactDecimal
    /// Maturity in force (after renegotiation), if any.
    public var maturity: Instant?
    /// Seconds from `at` to maturity (negative once past).
    public var secondsToMaturity: Int64?
    /// The loans this one refinanced, oldest first, ending with this loan.
    public var refinanceChain: [LoanID]
    public var priceLiquidation: PriceLiquidation
    /// Which prices the risk figures use.
    public var riskSource: RiskPriceSource
    /// `nil` when the loan is not open or when a price was missing and the policy said `.flag`.
    public var risk: LoanRiskFigures?
    /// The price problem that left ``risk`` empty, when flagged rather than thrown.
    public var priceProblem: AnalyticsError?
    /// Differences between booked amounts and the model.
    public var notes: [String]
}

extension LedgerSnapshot {
    /// The state of `loan` at `at`: debt per its interest model rebuilt from stored terms and
    /// events (see ``LoanDebtReplay``), LTV, HF, liquidation floor price and time to maturity,
    /// with risk on `riskSource`.
    /// - Throws: ``AnalyticsError`` for an unknown loan, a model that cannot replay the events, or
    ///   (with `policy.onMissingPrice == .fail`) a missing or stale price.
    public func loanState(_ loan: LoanID, at: Instant, riskSource: RiskPriceSource = .floor,
                          policy: PricingPolicy = .default) throws -> LoanStateReport {
        guard let record = try self.loan(loan) else { throw AnalyticsError.unknownEntity(kind: "loan", id: loan.description) }
        return try loanState(record, events: loanEvents(of: loan), at: at, riskSource: riskSource, policy: policy, shock: .none)
    }

    func loanState(_ record: LoanRecord, events: [LoanEvent], at: Instant, riskSource: RiskPriceSource,
                   policy: PricingPolicy, shock: MarketShock) throws -> LoanStateReport {
        let status = try loanStatus(record.id, at: at)
        let parameters = try riskParameterTimeline(of: record).inForce(at: at)
        let liquidation = PriceLiquidation.of(record.lendingProtocol, hasThreshold: parameters?.parameters.liquidationThreshold != nil)
        var principal = record.principal
        for event in events where event.occurredAt <= at {
            switch event.detail {
            case .borrowMore(let a): principal += a
            case .repay(_, let p): principal -= p
            default: break
            }
        }
        var report = LoanStateReport(loan: record, at: at, status: status, outstandingPrincipal: principal, debt: .zero,
                                     accruedInterest: .zero, maturity: record.maturityAt, secondsToMaturity: nil,
                                     refinanceChain: try refinanceChain(of: record), priceLiquidation: liquidation,
                                     riskSource: riskSource, risk: nil, priceProblem: nil, notes: [])
        guard status != .notStarted else { return report }
        let replay = try debtReplay(of: record, events: events, at: at)
        report.notes = replay.notes
        report.maturity = replay.maturity
        guard status == .open else { report.outstandingPrincipal = .zero; return report }
        report.debt = try replay.debt(at: at, loan: record.id)
        // Never clamped: where the contract's rounding leaves the debt a wei below the principal,
        // that is what the book shows (an index loan after repaying exactly the reported interest).
        report.accruedInterest = report.debt - principal
        report.secondsToMaturity = replay.maturity.map { at.seconds(to: $0) }
        do {
            report.risk = try riskFigures(record, debt: report.debt, at: at, source: riskSource, policy: policy,
                                          liquidation: liquidation, parameters: parameters, shock: shock)
        } catch let error as AnalyticsError {
            switch (error, policy.onMissingPrice) {
            case (.missingPrice, .flag), (.stalePrice, .flag), (.noSeries, .flag), (.noFXSeries, .flag): report.priceProblem = error
            // A collection nobody prices (a vault or wrapped token) is unvalued, not a failure: the
            // loan is listed with its debt and maturity, LTV unavailable (issue 19).
            case (.noSeries(.floor, _), .fail): report.priceProblem = error
            default: throw error
            }
        }
        return report
    }

    func riskFigures(_ record: LoanRecord, debt: ExactDecimal, at: Instant, source: RiskPriceSource, policy: PricingPolicy,
                     liquidation: PriceLiquidation, parameters: RiskParametersInForce?, shock: MarketShock) throws -> LoanRiskFigures {
        // The collateral in force at `at`: additions and releases while the loan ran count.
        let pledged = try self.collateral(of: record, at: at)
        let collateral = try collateralValue(of: pledged, in: record.currency, at: at, source: source,
                                             lendingProtocol: record.lendingProtocol, policy: policy, shock: shock)
        let threshold = parameters?.parameters.liquidationThreshold
        let lt = threshold.map(exact)
        var figures = LoanRiskFigures(collateral: collateral,
                                      loanToValue: LoanRisk.loanToValue(debt: debt, collateralValue: collateral.value),
                                      liquidationThreshold: threshold, parameters: parameters, healthFactor: nil, liquidationFloorPrice: nil,
                                      liquidationFloorPriceUSD: nil, usdConversion: [], isLiquidatable: nil)
        if let lt {
            figures.healthFactor = LoanRisk.healthFactor(debt: debt, collateralValue: collateral.value, liquidationThreshold: lt)
            if let priceCurrency = collateral.priceCurrency, debt > .zero, !pledged.isEmpty {
                let toLoan = try shock.convert(self, from: priceCurrency, to: record.currency, at: at, policy: policy)
                figures.liquidationFloorPrice = LoanRisk.liquidationPrice(debt: debt, liquidationThreshold: lt * ExactDecimal(pledged.count),
                                                                          fx: exact(toLoan.rate))
                if let floor = figures.liquidationFloorPrice, let usd = try? shock.convert(self, from: priceCurrency, to: .usd, at: at, policy: policy) {
                    figures.liquidationFloorPriceUSD = floor.doubleValue * usd.rate
                    figures.usdConversion = usd.prices
                }
            }
        }
        if case .byRule(let rule) = liquidation, let lt {
            figures.isLiquidatable = rule.isLiquidatable(debt: debt, collateralValue: collateral.value, threshold: lt)
        }
        return figures
    }

    /// The loans `record` refinanced, oldest first, ending with `record`.
    func refinanceChain(of record: LoanRecord) throws -> [LoanID] {
        var chain = [record.id]
        var next = record.refinancesLoanID
        while let id = next, !chain.contains(id), let older = try loan(id) {
            chain.insert(id, at: 0)
            next = older.refinancesLoanID
        }
        return chain
    }
}
