/// Money multiple (MOIC, "TVPI") of a position: what came back for each unit put in.
///
/// ```
/// contributions C = max(V0, 0) + Σ |flows out of the pocket| + max(−V1, 0)
/// distributions D = Σ flows into the pocket + max(V1, 0) + max(−V0, 0)
/// multiple      M = D / C        holding-period return HPR = (D − C) / C = M − 1
/// ```
///
/// Flows are counted gross, from the investor's side (− paid in, + received), so a loan's proceeds
/// are a distribution and its repayments contributions, never netted against each other. A
/// negative terminal value (debt still owed) is a contribution still due; a negative starting
/// value (debt owed at the start) a distribution already taken. Neither figure is annualized.
public struct MoneyMultiple: Sendable, Hashable {
    public var contributions: Double
    public var distributions: Double

    public init(startValue: Double, flows: [Double], terminalValue: Double) {
        var paidIn = max(startValue, 0) + max(-terminalValue, 0)
        var paidOut = max(terminalValue, 0) + max(-startValue, 0)
        for flow in flows {
            if flow < 0 { paidIn -= flow } else { paidOut += flow }
        }
        contributions = paidIn
        distributions = paidOut
    }

    /// `D / C`; `nil` when nothing was contributed.
    public var multiple: Double? { contributions > 0 ? distributions / contributions : nil }

    /// `(D − C) / C`, not annualized; `nil` when nothing was contributed.
    public var holdingPeriodReturn: Double? { multiple.map { $0 - 1 } }
}
