import LedgerMath

/// The kind of a loan event: the `loan_event.event_kind` value, the `event_kind` of a JSON Lines
/// or CSV loan event. Its raw value is the stored text.
public enum LoanEventKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case borrowMore = "borrow_more"
    case repay
    case fee
    case rateChange = "rate_change"
    case indexObservation = "index_observation"
    case renegotiate
    case auctionStart = "auction_start"
    case redeem
    case liquidation
    case foreclosure
    case close
    case collateralAdded = "collateral_added"
    case collateralReleased = "collateral_released"

    /// The stored text, so messages read as the journal spells the kind.
    public var description: String { rawValue }
}

extension LoanEventKind: StoredEnum { static var storedName: String { "event kind" } }

/// The optional fields of a loan event as one source reads them: a stored row, a JSON Lines
/// entry or a CSV row. Each reader supplies its own access and errors (naming the column or key
/// as that source spells it); ``LoanEventDetail/init(kind:fields:)`` decides, in one place, which
/// fields each kind needs.
struct LoanEventFields {
    var amount: () throws -> ExactDecimal?
    var interestPart: () throws -> ExactDecimal?
    var principalPart: () throws -> ExactDecimal?
    var fee: () throws -> ExactDecimal?
    var newRateBps: () throws -> Int?
    var indexRay: () throws -> String?
    var newMaturity: () throws -> Instant?
    var newTerms: () throws -> LoanTerms?
    /// The NFT of a collateral change.
    var nft: () throws -> NFTID?
    /// The error for a field (`amount`, `nft`, … as the journal names it) that `kind` requires
    /// and the source left empty.
    var missing: (_ field: String, _ kind: LoanEventKind) -> any Error
}

extension LoanEventDetail {
    /// The event of `kind` built from `fields`. A repayment's missing part is zero (stored rows
    /// always carry both); a liquidation's amount is the optional surplus.
    init(kind: LoanEventKind, fields f: LoanEventFields) throws {
        func required<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw f.missing(field, kind) }
            return value
        }
        switch kind {
        case .borrowMore: self = .borrowMore(amount: try required(f.amount(), "amount"))
        case .repay: self = .repay(interest: try f.interestPart() ?? .zero, principal: try f.principalPart() ?? .zero)
        case .fee: self = .fee(amount: try required(f.fee(), "fee"))
        case .rateChange: self = .rateChange(newRateBps: try required(f.newRateBps(), "new_rate_bps"))
        case .indexObservation: self = .indexObservation(indexRay: try required(f.indexRay(), "index_ray"))
        case .renegotiate: self = .renegotiate(newMaturity: try f.newMaturity(), newRateBps: try f.newRateBps(), newTerms: try f.newTerms())
        case .auctionStart: self = .auctionStart
        case .redeem: self = .redeem(amount: try required(f.amount(), "amount"))
        case .liquidation: self = .liquidation(surplus: try f.amount())
        case .foreclosure: self = .foreclosure
        case .close: self = .close
        case .collateralAdded: self = .collateralAdded(nft: try required(f.nft(), "nft"))
        case .collateralReleased: self = .collateralReleased(nft: try required(f.nft(), "nft"))
        }
    }
}
