import LedgerMath

/// What a risk-parameter change did to a loan at the instant it took effect: the health factor
/// under the old and the new threshold at the same debt and the same prices, so a move caused by
/// governance (not by the market) is told apart.
public struct RiskParameterChangeEffect: Sendable, Hashable {
    public var at: Instant
    /// Parameters in force one second before the change; `nil` when none applied.
    public var before: RiskParametersInForce?
    public var after: RiskParametersInForce?
    /// `value × LT_before / debt` at the change instant; `nil` without a threshold or prices.
    public var healthFactorBefore: HealthFactor?
    /// `value × LT_after / debt` at the change instant (the history point's HF).
    public var healthFactorAfter: HealthFactor?
    /// Liquidatable under the protocol's rule with the old / new threshold; `nil` when not decidable
    /// (no price liquidation, no threshold, or no price).
    public var liquidatableBefore: Bool?
    public var liquidatableAfter: Bool?

    /// True when the change alone made the loan liquidatable: safe with the old threshold, liquidatable
    /// with the new one, at the same debt and prices.
    public var pushedIntoLiquidation: Bool { liquidatableBefore == false && liquidatableAfter == true }

    /// The effect at `state`'s instant (whose figures already use `after`).
    init(_ state: LoanStateReport, before: RiskParametersInForce?, after: RiskParametersInForce?) {
        self.at = state.at
        self.before = before
        self.after = after
        healthFactorAfter = state.risk?.healthFactor
        liquidatableAfter = state.risk?.isLiquidatable
        guard let risk = state.risk, let old = before?.parameters.liquidationThreshold else { return }
        let threshold = exact(old)
        healthFactorBefore = LoanRisk.healthFactor(debt: state.debt, collateralValue: risk.collateral.value, liquidationThreshold: threshold)
        if case .byRule(let rule) = PriceLiquidation.of(state.loan.lendingProtocol, hasThreshold: true) {
            liquidatableBefore = rule.isLiquidatable(debt: state.debt, collateralValue: risk.collateral.value, threshold: threshold)
        }
    }
}
