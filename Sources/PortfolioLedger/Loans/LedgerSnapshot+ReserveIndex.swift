import BigInt
import LedgerMath
internal import SQLiteDB

/// A moment at which a loan's reserve was updated, as a loan on it sees it (see
/// ``LedgerSnapshot/reserveAnchors(of:)``).
enum ReserveAnchor: Sendable, Hashable {
    /// A stored state: the index at `at` and the rate from then on (`nil`: the rate is not known,
    /// the one in force continues — a per-loan `index_observation` event of a book from before
    /// the reserve table).
    case point(at: Instant, indexRay: BigInt, rateRay: BigInt?)
    /// Another booked loan on the reserve borrowed or repaid: `updateState()` ran, with no stored state.
    case interaction(at: Instant)

    var at: Instant {
        switch self {
        case .point(let at, _, _), .interaction(let at): at
        }
    }
}

extension LedgerSnapshot {
    /// The stored history of the reserve (`lendingProtocol`, `asset`), oldest first.
    public func reservePoints(lendingProtocol: LendingProtocol, asset: Currency) throws -> [ReservePoint] {
        var points: [ReservePoint] = []
        try db.query("""
            SELECT updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index, liquidity_rate
            FROM reserve_index WHERE protocol = ?2 AND asset = ?3 AND recorded_at <= ?1 ORDER BY updated_at
            """, k, lendingProtocol.rawValue, asset.code) { s in
            points.append(ReservePoint(lendingProtocol: lendingProtocol, asset: asset, updatedAt: try StoredValue.instant(s, "updated_at"),
                                       variableBorrowIndexRay: try Self.ray(s, "variable_borrow_index"),
                                       variableBorrowRateRay: try Self.ray(s, "variable_borrow_rate"),
                                       liquidityIndexRay: try Self.optionalRay(s, "liquidity_index"),
                                       liquidityRateRay: try Self.optionalRay(s, "liquidity_rate")))
        }
        return points
    }

    private static func ray(_ s: Statement, _ column: String) throws -> BigInt {
        try ray(try s.column(column, as: String.self), column)
    }

    private static func optionalRay(_ s: Statement, _ column: String) throws -> BigInt? {
        try s.column(column, as: String?.self).map { try ray($0, column) }
    }

    private static func ray(_ text: String, _ field: String) throws -> BigInt {
        guard let value = BigInt(text) else { throw LedgerError.invalidValue(field: "stored \(field)", reason: "'\(text)' is not an integer") }
        return value
    }

    /// What an index loan's reserve did after the loan's start, in time order, besides the loan's
    /// own events: the reserve's stored points; the `index_observation` events of the other
    /// index loans on the same reserve (same protocol and currency), read as points of the reserve;
    /// and those loans' borrows and repays, which re-anchor the index where no point is stored.
    func reserveAnchors(of loan: LoanRecord) throws -> [ReserveAnchor] {
        guard case .aaveIndex = loan.terms else { return [] }
        var points: [Instant: ReserveAnchor] = [:]
        for p in try reservePoints(lendingProtocol: loan.lendingProtocol, asset: loan.currency) {
            points[p.updatedAt] = .point(at: p.updatedAt, indexRay: p.variableBorrowIndexRay, rateRay: p.variableBorrowRateRay)
        }
        var interactions = Set<Instant>()
        for other in try loans() where other.id != loan.id && other.lendingProtocol == loan.lendingProtocol && other.currency == loan.currency {
            guard case .aaveIndex = other.terms else { continue }
            interactions.insert(other.startedAt)
            for event in try loanEvents(of: other.id) {
                switch event.detail {
                case .indexObservation(let text):
                    if points[event.occurredAt] == nil, let index = BigInt(text) {
                        points[event.occurredAt] = .point(at: event.occurredAt, indexRay: index, rateRay: nil)
                    }
                case .borrowMore, .repay, .redeem: interactions.insert(event.occurredAt)
                default: break
                }
            }
        }
        let anchors = Array(points.values) + interactions.filter { points[$0] == nil }.map { ReserveAnchor.interaction(at: $0) }
        // The loan's own booked index and rate at its start supersede anything before it.
        return anchors.filter { $0.at > loan.startedAt }.sorted { $0.at < $1.at }
    }
}
