import LedgerMath

/// A JSON object whose keys are data (currency codes, protocol names), in the order given;
/// decoding sorts the members by key, the order the documents write them in.
public struct KeyedMembers<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    /// The members, in order.
    public var members: [Member]

    /// One member of the object.
    public struct Member: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: Value
    }

    /// The object of `members`, in the order given.
    public init(_ members: [(key: String, value: Value)]) {
        self.members = members.map { Member(key: $0.key, value: $0.value) }
    }

    /// Reads every member, sorted by key.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        members = try c.allKeys.sorted { $0.stringValue < $1.stringValue }.map { Member(key: $0.stringValue, value: try c.decode(Value.self, forKey: $0)) }
    }

    /// Writes the members in order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for member in members { try c.encode(member.value, forKey: JSONKey(stringValue: member.key)) }
    }
}

extension FloorThreshold {
    /// `break-even` or `loan ID liquidation`.
    public var name: String {
        switch kind {
        case .breakEven: "break-even"
        case .liquidation(let loan): "loan \(loan) liquidation"
        }
    }
}

/// A floor at which something happens, and how far the floor is from it.
public struct FloorThresholdDocument: Codable, Sendable, Equatable {
    /// `break-even` or `loan ID liquidation`.
    public var threshold: String
    /// The floor price.
    public var floor: Double?
    /// The fall from the current floor, as a fraction.
    public var distance: Double?

    /// The document of `threshold`.
    public init(_ t: FloorThreshold) {
        threshold = t.name
        floor = t.price.finiteOrNil
        distance = t.distance.finiteOrNil
    }
}

/// One loan's liquidation floor.
public struct LoanLiquidationFloorDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The lending protocol.
    public var lendingProtocol: String
    /// The liquidation floor in the floor currency.
    public var liquidationFloor: ExactDecimal?
    /// The same in USD.
    public var liquidationFloorUSD: Double?
    /// `by price`, or `no price liquidation: REASON`.
    public var priceLiquidation: String

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", lendingProtocol = "protocol", liquidationFloor = "liquidation_floor"
        case liquidationFloorUSD = "liquidation_floor_usd", priceLiquidation = "price_liquidation"
    }

    /// The document of `floor`.
    public init(_ l: LoanLiquidationFloor) {
        loanID = l.loan.rawValue
        lendingProtocol = l.lendingProtocol.rawValue
        liquidationFloor = l.price
        liquidationFloorUSD = l.priceUSD.finiteOrNil
        priceLiquidation = l.priceLiquidation.noneText ?? "by price"
    }
}

/// One flow of a stack since inception, in the numeraire.
public struct StackFlowDocument: Codable, Sendable, Equatable {
    /// The layer.
    public var layer: String
    /// What it is.
    public var description: String
    /// When.
    public var at: Instant
    /// The amount.
    public var amount: ExactDecimal
    /// The currency code.
    public var currency: String
    /// The amount in the numeraire.
    public var converted: Double?

    /// The document of `flow`.
    public init(_ f: ReturnFlow) {
        layer = f.layer.rawValue
        description = f.description
        at = f.amount.at
        amount = f.amount.amount.amount
        currency = f.amount.amount.currency.code
        converted = f.amount.converted.finiteOrNil
    }
}

/// `report break-even`: the floor at which a stack's P&L since inception is zero.
public struct BreakEvenDocument: ReportDocument {
    /// Always `break-even`.
    public var report = "break-even"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// `portfolio` or `NFT ID`.
    public var scope: String
    /// The numeraire.
    public var numeraire: String
    /// The collection whose floor varies.
    public var collectionID: Int64
    /// The floor series.
    public var floorSeries: String
    /// The floor currency code.
    public var floorCurrency: String
    /// The current floor observation.
    public var currentFloor: PriceUsedDocument
    /// NFTs that move with the floor.
    public var floorNFTCount: Int
    /// Rate from the floor currency into the numeraire.
    public var floorToNumeraire: Double?
    /// Flows since inception, in the numeraire.
    public var flowsTotal: Double?
    /// Value of the other NFTs.
    public var fixedNFTValue: Double?
    /// Debt.
    public var debt: Double?
    /// Hedge MTM.
    public var hedgeValue: Double?
    /// P&L per 1 of floor.
    public var slope: Double?
    /// P&L at a zero floor.
    public var pnlAtZeroFloor: Double?
    /// P&L at the current floor.
    public var pnlAtCurrentFloor: Double?
    /// The break-even floor, if there is one.
    public var breakEvenFloor: Double?
    /// The same in USD.
    public var breakEvenFloorUSD: Double?
    /// Why there is none.
    public var breakEvenNote: String?
    /// Thresholds as the floor falls, highest first.
    public var thresholds: [FloorThresholdDocument]
    /// Each loan's liquidation floor.
    public var loans: [LoanLiquidationFloorDocument]
    /// The flows since inception.
    public var flows: [StackFlowDocument]
    /// Every price used.
    public var prices: [PriceUsedDocument]

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, scope, numeraire, collectionID = "collection_id", floorSeries = "floor_series"
        case floorCurrency = "floor_currency", currentFloor = "current_floor", floorNFTCount = "floor_nft_count"
        case floorToNumeraire = "floor_to_numeraire", flowsTotal = "flows_total", fixedNFTValue = "fixed_nft_value", debt
        case hedgeValue = "hedge_value", slope, pnlAtZeroFloor = "pnl_at_zero_floor", pnlAtCurrentFloor = "pnl_at_current_floor"
        case breakEvenFloor = "break_even_floor", breakEvenFloorUSD = "break_even_floor_usd", breakEvenNote = "break_even_note"
        case thresholds, loans, flows, prices
    }

    /// The document of `report`, as known at `knownAt` when given.
    public init(_ r: StackBreakEvenReport, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        at = r.at
        scope = switch r.scope {
        case .portfolio: "portfolio"
        case .nft(let id): "NFT \(id)"
        }
        numeraire = r.numeraire.rawValue
        collectionID = r.collection.rawValue
        floorSeries = r.floorSeries
        floorCurrency = r.floorCurrency.code
        currentFloor = PriceUsedDocument(r.currentFloor)
        floorNFTCount = r.floorNFTCount
        floorToNumeraire = r.floorToNumeraire.finiteOrNil
        flowsTotal = r.flowsTotal.finiteOrNil
        fixedNFTValue = r.fixedNFTValue.finiteOrNil
        debt = r.debt.finiteOrNil
        hedgeValue = r.hedgeValue.finiteOrNil
        slope = r.slope.finiteOrNil
        pnlAtZeroFloor = r.pnlAtZeroFloor.finiteOrNil
        pnlAtCurrentFloor = r.pnlAtCurrentFloor.finiteOrNil
        breakEvenFloor = r.breakEven.price.finiteOrNil
        switch r.breakEven {
        case .at(_, let usd): breakEvenFloorUSD = usd.finiteOrNil
        case .none(let reason): breakEvenNote = reason
        }
        thresholds = r.thresholds.map(FloorThresholdDocument.init)
        loans = r.loans.map(LoanLiquidationFloorDocument.init)
        flows = r.flows.map(StackFlowDocument.init)
        prices = r.prices.map(PriceUsedDocument.init)
    }
}

/// A weighted APR: the APR, the total weight and how many loans.
public struct WeightedAPRDocument: Codable, Sendable, Equatable {
    /// The weighted APR.
    public var apr: Double?
    /// The total weight.
    public var weight: Double?
    /// How many loans.
    public var loans: Int

    /// The document of `weighted` (zero loans when absent).
    public init(_ w: WeightedAPR?) {
        apr = w?.apr.finiteOrNil
        weight = w?.weight.finiteOrNil
        loans = w?.loanCount ?? 0
    }
}

/// One loan's rate and weight in the borrowing WACC.
public struct LoanRateWeightDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The lending protocol.
    public var lendingProtocol: String
    /// The loan currency code.
    public var currency: String
    /// How the APR was taken.
    public var basis: String
    /// The horizon the APR runs to.
    public var horizon: Instant
    /// The cost in the loan currency.
    public var cost: ExactDecimal
    /// Amount received.
    public var received: ExactDecimal
    /// Effective APR in the loan currency.
    public var effectiveAPR: Double?
    /// The cost in the numeraire.
    public var costInNumeraire: Double?
    /// Effective APR in the numeraire.
    public var effectiveAPRInNumeraire: Double?
    /// The weight.
    public var weight: Double?
    /// The weight in the numeraire.
    public var weightInNumeraire: Double?
    /// Yield earned by the positions it funded; `nil` (the key absent) when no loan funded yield.
    @OmittedWhenAbsent public var yieldEarnedInNumeraire: Double??
    /// APR net of that yield; `nil` (the key absent) when no loan funded yield.
    @OmittedWhenAbsent public var netEffectiveAPRInNumeraire: Double??

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", lendingProtocol = "protocol", currency, basis, horizon, cost, received
        case effectiveAPR = "effective_apr", costInNumeraire = "cost_in_numeraire", effectiveAPRInNumeraire = "effective_apr_in_numeraire"
        case weight, weightInNumeraire = "weight_in_numeraire", yieldEarnedInNumeraire = "yield_earned_in_numeraire"
        case netEffectiveAPRInNumeraire = "net_effective_apr_in_numeraire"
    }

    /// The document of `loan`, with the yield figures when `withYield`.
    public init(_ l: LoanRateWeight, withYield: Bool) {
        loanID = l.loan.rawValue
        lendingProtocol = l.lendingProtocol.rawValue
        currency = l.currency.code
        basis = l.basis.rawValue
        horizon = l.horizon
        cost = l.cost
        received = l.received
        effectiveAPR = l.effectiveAPR.finiteOrNil
        costInNumeraire = l.costInNumeraire.finiteOrNil
        effectiveAPRInNumeraire = l.effectiveAPRInNumeraire.finiteOrNil
        weight = l.weight.finiteOrNil
        weightInNumeraire = l.weightInNumeraire.finiteOrNil
        if withYield {
            yieldEarnedInNumeraire = .some(l.yieldEarnedInNumeraire.finiteOrNil)
            netEffectiveAPRInNumeraire = .some(l.netEffectiveAPRInNumeraire.finiteOrNil)
        }
    }
}

/// `report borrowing-wacc`: the weighted average all-in APR of borrowed capital.
public struct BorrowingWACCDocument: ReportDocument {
    /// Always `borrowing-wacc`.
    public var report = "borrowing-wacc"
    /// The instant of the report (the end of the period).
    public var at: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// Start of the period, when weights are principal × time.
    public var from: Instant?
    /// End of the period.
    public var to: Instant
    /// The numeraire.
    public var numeraire: String
    /// All loans, in the numeraire.
    public var inNumeraire: WeightedAPRDocument
    /// All loans net of yield; `nil` (the key absent) when no loan funded yield.
    @OmittedWhenAbsent public var inNumeraireNetOfYield: WeightedAPRDocument?
    /// Per currency code, sorted.
    public var byCurrency: KeyedMembers<WeightedAPRDocument>
    /// Per protocol, sorted.
    public var byProtocol: KeyedMembers<WeightedAPRDocument>
    /// Each loan.
    public var loans: [LoanRateWeightDocument]
    /// Every price used.
    public var prices: [PriceUsedDocument]

    enum CodingKeys: String, CodingKey {
        case report, at, asKnownAt = "as_known_at", from, to, numeraire, inNumeraire = "in_numeraire"
        case inNumeraireNetOfYield = "in_numeraire_net_of_yield", byCurrency = "by_currency", byProtocol = "by_protocol", loans, prices
    }

    /// The document of `report`, as known at `knownAt` when given.
    public init(_ r: WeightedBorrowingCostReport, knownAt: Instant? = nil) {
        at = r.to
        asKnownAt = knownAt
        from = r.from
        to = r.to
        numeraire = r.numeraire.rawValue
        inNumeraire = WeightedAPRDocument(r.inNumeraire)
        inNumeraireNetOfYield = r.fundsYield ? WeightedAPRDocument(r.inNumeraireNetOfYield) : nil
        byCurrency = KeyedMembers(r.byCurrency.keys.sorted().map { (key: $0.code, value: WeightedAPRDocument(r.byCurrency[$0])) })
        byProtocol = KeyedMembers(r.byProtocol.keys.sorted { $0.rawValue < $1.rawValue }
            .map { (key: $0.rawValue, value: WeightedAPRDocument(r.byProtocol[$0])) })
        loans = r.loans.map { LoanRateWeightDocument($0, withYield: r.fundsYield) }
        prices = r.prices.map(PriceUsedDocument.init)
    }
}

/// A buffer policy in force.
public struct BufferPolicyDocument: Codable, Sendable, Equatable {
    /// What it applies to.
    public var scope: String
    /// When it took effect.
    public var effectiveAt: Instant
    /// Minimum health factor.
    public var minHealthFactor: Double?
    /// Maximum LTV.
    public var maxLTV: Double?

    enum CodingKeys: String, CodingKey {
        case scope, effectiveAt = "effective_at", minHealthFactor = "min_health_factor", maxLTV = "max_ltv"
    }

    /// The document of `policy`.
    public init(_ p: BufferPolicyRecord) {
        scope = p.scope.description
        effectiveAt = p.effectiveAt
        minHealthFactor = p.target.minHealthFactor.finiteOrNil
        maxLTV = p.target.maxLTV.finiteOrNil
    }
}

/// One open loan against its buffer target.
public struct LoanBufferDocument: Codable, Sendable, Equatable {
    /// The loan id.
    public var loanID: Int64
    /// The loan currency code.
    public var currency: String
    /// The policy in force.
    public var policy: BufferPolicyDocument?
    /// Debt.
    public var debt: ExactDecimal
    /// Collateral value.
    public var collateralValue: ExactDecimal?
    /// Health factor.
    public var healthFactor: Double?
    /// Health factor above the target.
    public var healthFactorBuffer: Double?
    /// LTV.
    public var loanToValue: Double?
    /// LTV below the target.
    public var loanToValueBuffer: Double?
    /// Whether the loan is in breach.
    public var inBreach: Bool
    /// What restores the target.
    public var cure: BufferCure?
    /// Samples of the history.
    public var historySamples: Int
    /// Breaches over the history.
    public var breaches: [BufferBreach]
    /// Notes.
    public var notes: [String]
    /// The price problem, when flagged.
    public var priceProblem: String?

    enum CodingKeys: String, CodingKey {
        case loanID = "loan_id", currency, policy, debt, collateralValue = "collateral_value", healthFactor = "health_factor"
        case healthFactorBuffer = "health_factor_buffer", loanToValue = "loan_to_value", loanToValueBuffer = "loan_to_value_buffer"
        case inBreach = "in_breach", cure, historySamples = "history_samples", breaches, notes, priceProblem = "price_problem"
    }

    /// The document of `status`.
    public init(_ s: LoanBufferStatus) {
        loanID = s.loan.id.rawValue
        currency = s.loan.currency.code
        policy = s.policy.map(BufferPolicyDocument.init)
        debt = s.debt
        collateralValue = s.collateralValue
        healthFactor = s.healthFactor.finiteOrNil
        healthFactorBuffer = s.healthFactorBuffer.finiteOrNil
        loanToValue = s.loanToValue.finiteOrNil
        loanToValueBuffer = s.loanToValueBuffer.finiteOrNil
        inBreach = s.inBreach
        cure = s.cure
        historySamples = s.historySamples
        breaches = s.breaches
        notes = s.notes
        priceProblem = s.priceProblem?.description
    }
}

/// `report buffer`: every open loan against its collateral buffer target.
public struct BufferDocument: ReportDocument {
    /// Always `buffer`.
    public var report = "buffer"
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The instant of the report.
    public var at: Instant
    /// Which prices value the collateral.
    public var riskSource: String
    /// The loans in breach.
    public var loansInBreach: [Int64]
    /// Each open loan.
    public var loans: [LoanBufferDocument]

    enum CodingKeys: String, CodingKey {
        case report, asKnownAt = "as_known_at", at, riskSource = "risk_source", loansInBreach = "loans_in_breach", loans
    }

    /// The document of `report`, as known at `knownAt` when given.
    public init(_ r: CollateralBufferReport, knownAt: Instant? = nil) {
        asKnownAt = knownAt
        at = r.at
        riskSource = r.riskSource.description
        loansInBreach = r.loansInBreach.map(\.rawValue)
        loans = r.loans.map(LoanBufferDocument.init)
    }
}

/// `report momentum COLLECTION`: RSI of the daily floor and volume, and the advance/decline line.
public struct MomentumDocument: ReportDocument {
    /// Always `momentum`.
    public var report = "momentum"
    /// The instant of the report (the end of the period).
    public var at: Instant
    /// The knowledge cut-off of an as-known-at view.
    public var asKnownAt: Instant?
    /// The collection id.
    public var collectionID: Int64
    /// Start of the period.
    public var from: Instant
    /// End of the period.
    public var to: Instant
    /// Where the RSI warm-up history starts.
    public var historyFrom: Instant?
    /// The RSI period.
    public var period: Int
    /// The floor series, or `nil` for the daily median sale.
    public var floorSeries: String?
    /// The quote currency code.
    public var quote: String?
    /// The latest floor RSI.
    public var latestFloorRSI: Double?
    /// The latest volume RSI.
    public var latestVolumeRSI: Double?
    /// The latest advance/decline line.
    public var advanceDeclineLine: Int?
    /// Each day.
    public var days: [MomentumDay]

    enum CodingKeys: String, CodingKey {
        case report, at, asKnownAt = "as_known_at", collectionID = "collection_id", from, to, historyFrom = "history_from", period
        case floorSeries = "floor_series", quote, latestFloorRSI = "latest_floor_rsi", latestVolumeRSI = "latest_volume_rsi"
        case advanceDeclineLine = "advance_decline_line", days
    }

    /// The document of `report` at `at`, as known at `knownAt` when given.
    public init(_ r: CollectionMomentumReport, at: Instant, knownAt: Instant? = nil) {
        self.at = at
        asKnownAt = knownAt
        collectionID = r.collection.rawValue
        from = r.from
        to = r.to
        historyFrom = r.historyFrom
        period = r.period
        floorSeries = r.floorSeries
        quote = r.quote?.code
        latestFloorRSI = r.latestFloorRSI.finiteOrNil
        latestVolumeRSI = r.latestVolumeRSI.finiteOrNil
        advanceDeclineLine = r.advanceDeclineLine
        days = r.days
    }
}
