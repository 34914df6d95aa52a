/// A typed row id: an `EntityID<LoanRecord>` cannot be passed where an NFT id is expected.
public struct EntityID<Entity>: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The row's INTEGER PRIMARY KEY.
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: EntityID, rhs: EntityID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public typealias CollectionID = EntityID<CollectionRecord>
public typealias NFTID = EntityID<NFTRecord>
public typealias NFTTradeID = EntityID<NFTTrade>
public typealias LoanID = EntityID<LoanRecord>
public typealias LoanEventID = EntityID<LoanEvent>
public typealias HedgeID = EntityID<HedgeRecord>
public typealias OptionContractID = EntityID<OptionContract>
public typealias OptionTradeID = EntityID<OptionTrade>
public typealias OptionSettlementID = EntityID<OptionSettlement>
public typealias PriceSeriesID = EntityID<PriceSeries>
public typealias ExternalFlowID = EntityID<ExternalFlow>
public typealias BalanceAssertionID = EntityID<BalanceAssertion>
public typealias ImportSourceID = EntityID<ImportSource>
public typealias BufferPolicyID = EntityID<BufferPolicyRecord>
public typealias RiskParameterID = EntityID<RiskParameterRecord>
public typealias YieldPositionID = EntityID<YieldPositionRecord>
public typealias YieldFlowID = EntityID<YieldFlow>
