import LedgerMath

/// An NFT collection on a chain.
public struct CollectionRecord: Sendable, Hashable {
    public var id: CollectionID
    public var chain: String
    public var contractAddress: String
    public var name: String
}

/// One token of a collection. `tokenID` is the uint256 token id as canonical decimal text.
public struct NFTRecord: Sendable, Hashable {
    public var id: NFTID
    public var collectionID: CollectionID
    public var tokenID: TokenID
}

/// Whether an NFT trade bought or sold the token.
public enum TradeSide: String, Sendable, Hashable, Codable, CaseIterable {
    case acquire, dispose
}

/// An acquisition or disposal of an NFT with exact price and fees.
public struct NFTTrade: Sendable, Hashable {
    public var id: NFTTradeID
    public var nftID: NFTID
    public var side: TradeSide
    public var tradedAt: Instant
    /// Price in `currency`.
    public var price: Money
    /// Fees paid on the trade, in the trade's currency.
    public var fees: ExactDecimal
    public var note: String?
    public var recordedAt: Instant
    /// An opening position (``LedgerTransaction/openNFTPosition(nft:openedAt:cost:fees:currency:note:wallet:source:)``):
    /// held since `tradedAt`, brought into the book rather than bought with its cash.
    public var isOpening: Bool = false
    /// `false` for an opening position of unknown cost: `price` and `fees` are then zero and mean
    /// "unknown", and cost basis and returns that need it are marked incomplete.
    public var isCostKnown: Bool = true
    /// The user's wallet that made the trade (or holds the opened NFT), when named.
    public var wallet: String?
}

/// A lending protocol (the `loan.protocol` value).
public enum LendingProtocol: String, Sendable, Hashable, CaseIterable, Codable {
    case nftfi, benddao, jpegd, blend, arcade, paraspace, gondi, other
}

/// A loan as booked.
public struct LoanRecord: Sendable, Hashable {
    public var id: LoanID
    public var lendingProtocol: LendingProtocol
    public var externalRef: String?
    public var currency: Currency
    public var principal: ExactDecimal
    /// What the borrower actually received after origination, insurance or referral fees.
    public var amountReceived: ExactDecimal
    public var startedAt: Instant
    public var maturityAt: Instant?
    public var terms: LoanTerms
    /// Maximum loan-to-value at origination (fraction), when the protocol has one.
    public var maxLTV: Double?
    /// Liquidation threshold (fraction): HF = value × threshold / debt.
    public var liquidationThreshold: Double?
    public var refinancesLoanID: LoanID?
    public var collateral: [NFTID]
    public var recordedAt: Instant
    /// The user's wallet that borrowed, when named.
    public var wallet: String? = nil
    /// A loan already running when the book started: what it brought into the book (nil for a
    /// loan booked from its start). See ``LedgerTransaction/openRunningLoan(_:openedAt:principalRepaid:interestPaid:source:)``.
    public var opening: RunningLoanOpening? = nil
    /// The instant the loan is part of the book from: its opening for a running loan, else its start.
    public var inBookFrom: Instant { opening?.openedAt ?? startedAt }
}

/// How a loan already running when the book started entered it (decisions WALLETS-4).
public struct RunningLoanOpening: Sendable, Hashable {
    /// The instant the loan entered the book (after its start).
    public var openedAt: Instant
    /// Principal still outstanding then (the principal − what was repaid before).
    public var principalOutstanding: ExactDecimal
    /// Interest paid before the opening.
    public var interestPaid: ExactDecimal
    public init(openedAt: Instant, principalOutstanding: ExactDecimal, interestPaid: ExactDecimal) {
        self.openedAt = openedAt
        self.principalOutstanding = principalOutstanding
        self.interestPaid = interestPaid
    }
}

/// What happened to a loan, with the amounts it moved (in the loan's currency).
public enum LoanEventDetail: Sendable, Hashable {
    case borrowMore(amount: ExactDecimal)
    case repay(interest: ExactDecimal, principal: ExactDecimal)
    case fee(amount: ExactDecimal)
    case rateChange(newRateBps: Int)
    /// An observed Aave-style borrow index, in ray.
    case indexObservation(indexRay: String)
    case renegotiate(newMaturity: Instant?, newRateBps: Int?, newTerms: LoanTerms?)
    case auctionStart
    case redeem(amount: ExactDecimal)
    /// The collateral was liquidated; `surplus` is what came back to the borrower, if anything.
    case liquidation(surplus: ExactDecimal?)
    case foreclosure
    case close
    /// An NFT pledged to the running loan (it must be held, and becomes pledged).
    case collateralAdded(nft: NFTID)
    /// An NFT the running loan gives back (it must back this loan, and becomes held).
    case collateralReleased(nft: NFTID)

    /// The `loan_event.event_kind` value.
    public var kind: LoanEventKind {
        switch self {
        case .borrowMore: .borrowMore
        case .repay: .repay
        case .fee: .fee
        case .rateChange: .rateChange
        case .indexObservation: .indexObservation
        case .renegotiate: .renegotiate
        case .auctionStart: .auctionStart
        case .redeem: .redeem
        case .liquidation: .liquidation
        case .foreclosure: .foreclosure
        case .close: .close
        case .collateralAdded: .collateralAdded
        case .collateralReleased: .collateralReleased
        }
    }

    /// The NFT a collateral change names, nil for every other event.
    public var collateralNFT: NFTID? {
        switch self {
        case .collateralAdded(let nft), .collateralReleased(let nft): nft
        default: nil
        }
    }

    /// True for events after which the loan is no longer open.
    public var isTerminal: Bool {
        switch self {
        case .close, .liquidation, .foreclosure: true
        default: false
        }
    }
}

/// One stored loan event.
public struct LoanEvent: Sendable, Hashable {
    public var id: LoanEventID
    public var loanID: LoanID
    public var occurredAt: Instant
    public var detail: LoanEventDetail
    public var note: String?
    public var recordedAt: Instant
}

/// A hedge: a named strategy of option legs, optionally protecting loans.
public struct HedgeRecord: Sendable, Hashable {
    public enum Strategy: String, Sendable, Hashable, Codable, CaseIterable { case ironCondor = "iron_condor", custom }
    public var id: HedgeID
    public var name: String
    public var strategy: Strategy
    public var openedAt: Instant
    public var protectedLoans: [LoanID]
    public var recordedAt: Instant
}

/// SPX (AM-settled, standard monthly) or SPXW (PM-settled weeklies/dailies).
public enum OptionRoot: String, Sendable, Hashable, Codable, CaseIterable {
    case spx = "SPX", spxw = "SPXW"
    /// AM for SPX, PM for SPXW.
    public var settlementStyle: SettlementStyle { self == .spx ? .am : .pm }
}

/// When a contract's settlement value is fixed: AM = the special opening quotation on expiry day,
/// PM = the closing value.
public enum SettlementStyle: String, Sendable, Hashable, Codable { case am, pm }

/// A listed index option contract.
public struct OptionContract: Sendable, Hashable {
    public var id: OptionContractID
    public var root: OptionRoot
    public var optionType: OptionType
    /// Strike in index points.
    public var strike: ExactDecimal
    public var expiresAt: Instant
    public var multiplier: Int
    public var settlementStyle: SettlementStyle { root.settlementStyle }
}

/// A trade of an option contract within a hedge.
public struct OptionTrade: Sendable, Hashable {
    public var id: OptionTradeID
    public var hedgeID: HedgeID
    public var contractID: OptionContractID
    public var tradedAt: Instant
    /// Signed contracts: positive bought, negative sold.
    public var quantity: Int
    /// Price per unit of underlying, in index points (= USD per point).
    public var price: ExactDecimal
    /// |quantity| × price × multiplier, in USD.
    public var premium: ExactDecimal
    /// Commissions and exchange fees in USD.
    public var fees: ExactDecimal
    public var recordedAt: Instant
}

/// Cash settlement of a hedge's open position in one contract at expiry.
public struct OptionSettlement: Sendable, Hashable {
    public var id: OptionSettlementID
    public var hedgeID: HedgeID
    public var contractID: OptionContractID
    public var settledAt: Instant
    /// Settlement value of the index, in points.
    public var settlementValue: ExactDecimal
    /// The open quantity that settled (signed contracts).
    public var quantity: Int
    /// Signed USD cash: + received, − paid.
    public var cashAmount: ExactDecimal
    public var recordedAt: Instant
}

/// What a price series measures.
public enum PriceSeriesKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A collection's floor in `quote` (the user's valuation).
    case floor
    /// The price a lending protocol itself used (e.g. BendDAO's TWAP oracle).
    case oracle
    /// One token's appraised value.
    case appraisal
    /// 1 `base` in `quote` (e.g. ETH/USD).
    case fx
    /// Index points (SPX, VIX).
    case index
    /// An annual rate as a fraction (0.05 = 5 %).
    case rate
}

/// A named series of observations.
public struct PriceSeries: Sendable, Hashable {
    public var id: PriceSeriesID
    public var name: String
    public var kind: PriceSeriesKind
    public var base: String?
    public var quote: Currency?
    public var collectionID: CollectionID?
    public var nftID: NFTID?
    public var lendingProtocol: LendingProtocol?
}

/// One observation of a series.
public struct PriceObservation: Sendable, Hashable {
    public var observedAt: Instant
    public var price: Double
    public init(observedAt: Instant, price: Double) {
        self.observedAt = observedAt
        self.price = price
    }
}

/// The observation used for an as-of lookup, with its age at the asked instant.
public struct AsOfPrice: Sendable, Hashable {
    public var series: String
    public var price: Double
    public var observedAt: Instant
    /// The instant asked for.
    public var asOf: Instant
    /// Seconds between the observation and the asked instant (≥ 0).
    public var ageSeconds: Int64 { observedAt.seconds(to: asOf) }
}

/// A quote of an option contract (index points; implied vol as a fraction).
public struct OptionQuote: Sendable, Hashable {
    public var contractID: OptionContractID
    public var quotedAt: Instant
    public var bid: Double?
    public var ask: Double?
    public var mark: Double?
    public var impliedVol: Double?
    public var underlying: Double?
    public init(contractID: OptionContractID, quotedAt: Instant, bid: Double? = nil, ask: Double? = nil, mark: Double? = nil,
                impliedVol: Double? = nil, underlying: Double? = nil) {
        self.contractID = contractID
        self.quotedAt = quotedAt
        self.bid = bid
        self.ask = ask
        self.mark = mark
        self.impliedVol = impliedVol
        self.underlying = underlying
    }

    /// The mark stored for this quote: its own, else the mid `(bid + ask) / 2` of a two-sided
    /// quote (both positive), else none. Every write path (API, CSV, JSON Lines) stores this, so a
    /// quote reads the same whichever way it came in.
    public var storedMark: Double? {
        if let mark { return mark }
        guard let bid, let ask, bid > 0, ask > 0, bid <= ask else { return nil }
        return (bid + ask) / 2
    }
}

/// Money moved into or out of the book.
public struct ExternalFlow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case deposit, withdrawal }
    public var id: ExternalFlowID
    public var kind: Kind
    public var flowedAt: Instant
    public var amount: Money
    public var note: String?
    public var recordedAt: Instant
    /// The user's wallet the money moved through, when named.
    public var wallet: String? = nil
    /// An opening cash balance (a deposit of cash held before the book starts).
    public var isOpening: Bool = false
}

/// An asserted cash balance of the book in one currency at an instant.
public struct BalanceAssertion: Sendable, Hashable {
    public var id: BalanceAssertionID
    public var assertedAt: Instant
    public var amount: Money
    public var recordedAt: Instant
}

/// Where imported rows came from.
public struct ImportSource: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case csv, jsonl, api, manual, demo }
    public var id: ImportSourceID
    public var kind: Kind
    public var name: String
    public var contentHash: String?
    public var importedAt: Instant
}
