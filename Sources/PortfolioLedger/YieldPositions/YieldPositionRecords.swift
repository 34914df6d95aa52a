import Foundation
import LedgerMath

/// What a yield position is invested in (the `yield_position.position_kind` value).
public enum YieldPositionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Shares of an ERC-4626-style vault.
    case vault
    /// Staked tokens (liquid-staking receipts, validator deposits).
    case staking
    /// A tokenized real-world asset (treasury bills, credit), low beta to crypto.
    case rwa
}

/// How a fixed APR accrues on an accrual-valued position; `t` is in years of 365 days
/// (`Instant.secondsPerYear`) since each flow.
public enum YieldAccrualRule: String, Sendable, Hashable, CaseIterable, Codable {
    /// Each flow grows by `1 + APR × t` (simple interest, no compounding).
    case simple
    /// Each flow grows by `exp(APR × t)` (continuous compounding).
    case continuous

    /// The growth of one unit over `seconds` at `apr`.
    public func growth(apr: Double, seconds: Int64) -> Double {
        let years = Double(seconds) / Double(Instant.secondsPerYear)
        return switch self {
        case .simple: 1 + apr * years
        case .continuous: Foundation.exp(apr * years)
        }
    }
}

/// How a yield position is valued.
public enum YieldValuation: Sendable, Hashable {
    /// Shares held × the share price series' observation as of the instant (a series of kind
    /// `index` quoted in the position's currency).
    case sharePrice(PriceSeriesID)
    /// The booked cash flows grown at a fixed APR by `rule`.
    case accrual(apr: Double, rule: YieldAccrualRule)

    /// `share_price` or `accrual`, as stored.
    public var storedName: String {
        switch self {
        case .sharePrice: "share_price"
        case .accrual: "accrual"
        }
    }

    /// True when deposits and withdrawals book shares.
    public var usesShares: Bool { if case .sharePrice = self { true } else { false } }
}

/// A yield position as booked: where borrowed or own money was put to work.
public struct YieldPositionRecord: Sendable, Hashable {
    public var id: YieldPositionID
    public var name: String
    public var kind: YieldPositionKind
    /// The currency its deposits, withdrawals and value are in.
    public var currency: Currency
    public var valuation: YieldValuation
    /// The loan whose proceeds funded it, when named: its yield is that loan's carry.
    public var fundingLoan: LoanID?
    public var note: String?
    public var recordedAt: Instant
}

/// A deposit into or a withdrawal from a yield position, with the cash it moved (and, for a
/// share-price position, the shares it bought or redeemed).
public struct YieldFlow: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable { case deposit, withdrawal }
    public var id: YieldFlowID
    public var position: YieldPositionID
    public var kind: Kind
    public var flowedAt: Instant
    /// Cash moved, in the position's currency (positive).
    public var amount: ExactDecimal
    /// Shares bought (deposit) or redeemed (withdrawal); `nil` for an accrual position.
    public var shares: ExactDecimal?
    public var note: String?
    public var recordedAt: Instant
}

extension YieldPositionKind: StoredEnum { static var storedName: String { "yield position kind" } }
extension YieldAccrualRule: StoredEnum { static var storedName: String { "accrual rule" } }
extension YieldFlow.Kind: StoredEnum { static var storedName: String { "yield flow kind" } }
