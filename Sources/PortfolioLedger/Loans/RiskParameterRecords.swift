import LedgerMath

/// What a booked risk-parameter row governs.
public enum RiskParameterScope: Sendable, Hashable, CustomStringConvertible {
    /// A lending protocol's setting for one collection (changed by governance vote): it governs
    /// every loan of that protocol whose collateral is all of that collection and that has no
    /// parameters of its own.
    case collection(LendingProtocol, CollectionID)
    /// An override for one loan: from its effective instant it wins over everything else.
    case loan(LoanID)

    public var description: String {
        switch self {
        case .collection(let p, let c): "\(p.rawValue) collection \(c)"
        case .loan(let id): "loan \(id)"
        }
    }
}

/// A loan's maximum loan-to-value at origination and its liquidation threshold (fractions).
public struct RiskParameters: Sendable, Hashable {
    /// Largest LTV at which the protocol lends, in (0, 1]; `nil` when it has none.
    public var maxLTV: Double?
    /// `HF = value × liquidationThreshold / debt`, in (0, 1]; `nil`: no price liquidation threshold.
    public var liquidationThreshold: Double?

    public init(maxLTV: Double? = nil, liquidationThreshold: Double?) {
        self.maxLTV = maxLTV
        self.liquidationThreshold = liquidationThreshold
    }
}

/// One stored risk-parameter row: parameters for a scope, in force from ``effectiveAt``.
public struct RiskParameterRecord: Sendable, Hashable {
    public var id: RiskParameterID
    public var scope: RiskParameterScope
    public var effectiveAt: Instant
    public var maxLTV: Double?
    public var liquidationThreshold: Double
    public var note: String?
    public var recordedAt: Instant

    public var parameters: RiskParameters { RiskParameters(maxLTV: maxLTV, liquidationThreshold: liquidationThreshold) }
}

/// Where the parameters in force for a loan come from.
public enum RiskParameterOrigin: Sendable, Hashable {
    /// A dated override booked for the loan (``RiskParameterScope/loan(_:)``).
    case loanOverride(RiskParameterID, effectiveAt: Instant)
    /// The parameters booked on the loan itself; they hold for the loan's whole life (loans booked
    /// before risk-parameter history existed read as they always did).
    case bookedOnLoan
    /// The protocol's setting for the loan's collection (``RiskParameterScope/collection(_:_:)``).
    case collectionSetting(RiskParameterID, effectiveAt: Instant)
}

/// The risk parameters that govern a loan at an instant, and where they come from.
public struct RiskParametersInForce: Sendable, Hashable {
    public var parameters: RiskParameters
    public var origin: RiskParameterOrigin
}
