import LedgerMath
internal import SQLiteDB

/// A consistent read-only view of the ledger, optionally as it was known at a past instant.
///
/// Obtained from ``Ledger/read(asKnownAt:_:)-62mf2``; valid only inside that closure. With
/// ``knownAt`` set, rows recorded after it — and corrections recorded after it — are invisible,
/// so every report can be reproduced as it was known then.
public struct LedgerSnapshot {
    let db: Connection
    /// The knowledge cut-off, or `nil` for everything known now.
    public let knownAt: Instant?
    /// What this snapshot has already read, when it is a read transaction's (nothing can change
    /// under it); `nil` for ``LedgerTransaction/current``, which sees the transaction's own writes.
    let memo: SnapshotMemo?

    init(db: Connection, knownAt: Instant?, memo: SnapshotMemo? = nil) {
        self.db = db
        self.knownAt = knownAt
        self.memo = memo
    }

    /// `recorded_at` bound for visibility: everything when `knownAt` is nil.
    var k: Int64 { knownAt?.unixSeconds ?? Int64.max }

    /// SQL condition: row `alias` of `table` (primary key `idColumn`) is visible as known at `?`
    /// (bound twice: recorded_at and the correction's recorded_at). Built from constants only.
    static func visible(_ alias: String, _ table: String, _ idColumn: String) -> String {
        "\(alias).recorded_at <= ?\(1) AND NOT EXISTS (SELECT 1 FROM entry_correction x WHERE x.entry_table = '\(table)' AND x.entry_id = \(alias).\(idColumn) AND x.recorded_at <= ?\(1))"
    }

    /// True when the row `id` of `table` exists and is visible.
    func entryExists(table: String, id: Int64) throws -> Bool {
        let idColumn = table == "loan" ? "loan_id" : table + "_id"
        let sql: String = switch table {
        case "nft_trade": "SELECT 1 FROM nft_trade e WHERE e.nft_trade_id = ?2 AND " + Self.visible("e", "nft_trade", "nft_trade_id")
        case "loan": "SELECT 1 FROM loan e WHERE e.loan_id = ?2 AND " + Self.visible("e", "loan", "loan_id")
        case "loan_event": "SELECT 1 FROM loan_event e WHERE e.loan_event_id = ?2 AND " + Self.visible("e", "loan_event", "loan_event_id")
        case "option_trade": "SELECT 1 FROM option_trade e WHERE e.option_trade_id = ?2 AND " + Self.visible("e", "option_trade", "option_trade_id")
        case "option_settlement": "SELECT 1 FROM option_settlement e WHERE e.option_settlement_id = ?2 AND " + Self.visible("e", "option_settlement", "option_settlement_id")
        case "external_flow": "SELECT 1 FROM external_flow e WHERE e.external_flow_id = ?2 AND " + Self.visible("e", "external_flow", "external_flow_id")
        case "balance_assertion": "SELECT 1 FROM balance_assertion e WHERE e.balance_assertion_id = ?2 AND " + Self.visible("e", "balance_assertion", "balance_assertion_id")
        case "yield_flow": "SELECT 1 FROM yield_flow e WHERE e.yield_flow_id = ?2 AND " + Self.visible("e", "yield_flow", "yield_flow_id")
        default: throw LedgerError.invalidValue(field: "entry table", reason: "\(table) (\(idColumn)) cannot be corrected")
        }
        return try db.scalarIfAny(sql, k, id, as: Int64.self) != nil
    }
}

/// Entities a read snapshot has loaded, kept for the rest of its read transaction.
///
/// Reports ask for the same rows again and again — every loan's record and events for each
/// status or principal, every hedge to find one, the journal up to each instant — which made
/// reports over a longer history cost more per day of history (decisions D29). Inside one read
/// transaction the data cannot change, so each is read once; results are the same rows in the
/// same order. Only ``Ledger/read(asKnownAt:_:)-62mf2`` makes snapshots with a memo.
final class SnapshotMemo {
    /// Every visible loan, by start (``LedgerSnapshot/loans()``), and by id.
    var loans: [LoanRecord]?
    var loansByID: [LoanID: LoanRecord] = [:]
    /// Visible events per loan, in time order.
    var loanEvents: [LoanID: [LoanEvent]] = [:]
    /// Every visible hedge by id, and by id.
    var hedges: [HedgeRecord]?
    var hedgesByID: [HedgeID: HedgeRecord] = [:]
    /// The whole journal in time order, and per currency the running balance after each of its
    /// entries in that currency (instants ascending).
    var journal: [JournalEntry]?
    var cash: [Currency: (at: [Int64], balance: [ExactDecimal])] = [:]
    /// Each NFT's holding timeline (reports ask for an NFT's state at many instants).
    var holdingTimelines: [NFTID: HoldingTimeline] = [:]
    /// Each loan's risk-parameter rows (reports ask for the parameters at every sample).
    var riskParameterTimelines: [LoanID: RiskParameterTimeline] = [:]
    /// Each hedge's trades and settlements, and option contracts by id (a daily series values
    /// every hedge's positions each day; reading them again each time made it cost per row what a
    /// whole hedge's rows cost).
    var optionTrades: [HedgeID: [OptionTrade]] = [:]
    var optionSettlements: [HedgeID: [OptionSettlement]] = [:]
    var optionContracts: [OptionContractID: OptionContract?] = [:]
    /// Each iron condor's metrics from its opening trades.
    var condorMetrics: [HedgeID: CondorMetrics?] = [:]
    /// Every series, by name (every NFT price and FX lookup picks its series from them).
    var allSeries: [PriceSeries]?
    /// NFTs and collections by id (valuing a scope looks up every NFT and its collection at each
    /// flow instant; reading and parsing the rows each time cost more than the valuation).
    var nfts: [NFTID: NFTRecord?] = [:]
    var collections: [CollectionID: CollectionRecord?] = [:]

    init() {}
}
