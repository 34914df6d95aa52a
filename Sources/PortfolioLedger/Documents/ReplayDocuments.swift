import LedgerMath

/// How a simulated loan was liquidated.
public struct ReplayLiquidationDocument: Codable, Sendable, Equatable {
    /// When.
    public var at: Instant
    /// The floor then, ETH.
    public var floorETH: Double?
    /// The debt then, ETH.
    public var debtETH: ExactDecimal
    /// What was left to the borrower, ETH.
    public var surplusETH: ExactDecimal

    /// The document of `liquidation`.
    public init(_ l: ReplayLiquidation) {
        at = l.at
        floorETH = l.floor.finiteOrNil
        debtETH = l.debt
        surplusETH = l.surplus
    }
}

/// A simulated policy's outcome; its members are written inline in a layer or a sweep point.
public struct ReplayOutcomeDocument: Codable, Sendable, Equatable {
    /// Whether the loan survived.
    public var survived: Bool
    /// The liquidation, if any.
    public var liquidation: ReplayLiquidationDocument?
    /// The lowest health factor.
    public var minimumHealthFactor: Double?
    /// When it was reached.
    public var minimumHealthFactorAt: Instant?
    /// Borrowing cost, ETH.
    public var borrowingCostETH: ExactDecimal
    /// Borrowing cost, USD.
    public var borrowingCostUSD: Double?
    /// Hedge P&L, USD.
    public var hedgePnLUSD: ExactDecimal
    /// Condor cycles sold.
    public var condorCycles: Int
    /// Buffer repayments made.
    public var bufferRepayments: Int
    /// Cash the buffer used, ETH.
    public var bufferCashUsedETH: ExactDecimal
    /// Tokens pledged by the buffer; `nil` (the key absent) when the buffer only repays.
    @OmittedWhenAbsent public var collateralPledges: Int?
    /// Condors sold by the buffer; `nil` (the key absent) when the buffer only repays.
    @OmittedWhenAbsent public var hedgeSales: Int?
    /// Debt those sales repaid, ETH; `nil` (the key absent) when the buffer only repays.
    @OmittedWhenAbsent public var hedgeRepaidETH: ExactDecimal?
    /// Terminal value, USD.
    public var terminalValueUSD: Double?
    /// The XIRR, when solved.
    public var xirr: Double?
    /// The money multiple.
    public var moneyMultiple: Double?
    /// Notes.
    public var notes: [String]

    /// The document of `outcome`, with the buffer's other actions when `actions`.
    public init(_ o: ReplayOutcome, actions: Bool) {
        survived = o.survived
        liquidation = o.liquidation.map(ReplayLiquidationDocument.init)
        minimumHealthFactor = o.minimumHealthFactor.finiteOrNil
        minimumHealthFactorAt = o.minimumHealthFactorAt
        borrowingCostETH = o.borrowingCostETH
        borrowingCostUSD = o.borrowingCostUSD.finiteOrNil
        hedgePnLUSD = o.hedgePnLUSD
        condorCycles = o.condorCycles
        bufferRepayments = o.bufferRepayments
        bufferCashUsedETH = o.bufferCashUsedETH
        if actions {
            collateralPledges = o.collateralPledges
            hedgeSales = o.hedgeSales
            hedgeRepaidETH = o.hedgeRepaidETH
        }
        terminalValueUSD = o.terminalValueUSD.finiteOrNil
        xirr = o.xirr.rate.finiteOrNil
        moneyMultiple = o.moneyMultiple.finiteOrNil
        notes = o.notes
    }

    enum CodingKeys: String, CodingKey {
        case survived, liquidation, minimumHealthFactor, minimumHealthFactorAt, borrowingCostETH, borrowingCostUSD, hedgePnLUSD
        case condorCycles, bufferRepayments, bufferCashUsedETH, collateralPledges, hedgeSales, hedgeRepaidETH, terminalValueUSD
        case xirr, moneyMultiple, notes
    }
}

/// One layer of a replay comparison: its name, then its outcome's members inline.
public struct ReplayLayerDocument: Codable, Sendable, Equatable {
    /// The layer name.
    public var layer: String
    /// Its outcome.
    public var outcome: ReplayOutcomeDocument

    enum CodingKeys: String, CodingKey { case layer }

    /// The document of `layer`, with the buffer's other actions when `actions`.
    public init(_ layer: ReplayComparison.Layer, actions: Bool) {
        self.layer = layer.name
        outcome = ReplayOutcomeDocument(layer.outcome, actions: actions)
    }

    /// Reads `layer` and the outcome's members from one object.
    public init(from decoder: any Decoder) throws {
        layer = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .layer)
        outcome = try ReplayOutcomeDocument(from: decoder)
    }

    /// Writes `layer`, then the outcome's members.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layer, forKey: .layer)
        try outcome.encode(to: encoder)
    }
}

/// `replay POLICY`: the policy beside its layers, simulated over a period.
public struct ReplayComparisonDocument: Codable, Sendable, Equatable {
    /// The policy name.
    public var policy: String
    /// First day (`YYYY-MM-DD`).
    public var from: String
    /// Last day (`YYYY-MM-DD`).
    public var to: String
    /// Always true: the figures are simulated.
    public var simulated: Bool
    /// Each layer.
    public var layers: [ReplayLayerDocument]

    /// The document of `comparison` from `from` to `to`.
    public init(_ comparison: ReplayComparison, from: Instant, to: Instant) {
        let policy = comparison.layers.first?.policy
        self.policy = policy?.name ?? ""
        self.from = ISO8601.formatDate(from)
        self.to = ISO8601.formatDate(to)
        simulated = true
        let actions = policy?.buffer.map { $0.actions != [.repay] } ?? false
        layers = comparison.layers.map { ReplayLayerDocument($0, actions: actions) }
    }
}

/// One point of a replay sweep: its parameters, then its outcome's members inline.
public struct ReplaySweepPointDocument: Codable, Sendable, Equatable {
    /// The loan-to-value at origination.
    public var ltv: Double?
    /// The buffer trigger, or `nil` for no buffer.
    public var bufferHealthFactor: Double?
    /// The buffer's actions, when the sweep varies them (`.some(nil)` for no buffer); `nil` (the key absent) otherwise.
    public var bufferActions: [String]??
    /// Whether the hedge is on.
    public var hedge: Bool
    /// The outcome.
    public var outcome: ReplayOutcomeDocument

    enum CodingKeys: String, CodingKey { case ltv, bufferHealthFactor, bufferActions, hedge }

    /// The document of `point`; `showActions` (a sweep over buffer actions) adds them and what they did.
    public init(_ p: ReplaySweepPoint, showActions: Bool) {
        ltv = p.ltv.finiteOrNil
        bufferHealthFactor = p.bufferHealthFactor.finiteOrNil
        if showActions { bufferActions = .some(p.bufferActions.map { $0.map(\.rawValue) }) }
        hedge = p.hedge
        outcome = ReplayOutcomeDocument(p.outcome, actions: showActions)
    }

    /// Reads the parameters and the outcome's members from one object.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ltv = try c.decodeIfPresent(Double.self, forKey: .ltv)
        bufferHealthFactor = try c.decodeIfPresent(Double.self, forKey: .bufferHealthFactor)
        if c.contains(.bufferActions) { bufferActions = .some(try c.decodeIfPresent([String].self, forKey: .bufferActions)) }
        hedge = try c.decode(Bool.self, forKey: .hedge)
        outcome = try ReplayOutcomeDocument(from: decoder)
    }

    /// Writes the parameters, then the outcome's members.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(ltv, forKey: .ltv)
        try c.encodeIfPresent(bufferHealthFactor, forKey: .bufferHealthFactor)
        if let bufferActions { try c.encodeIfPresent(bufferActions, forKey: .bufferActions) }
        try c.encode(hedge, forKey: .hedge)
        try outcome.encode(to: encoder)
    }
}
