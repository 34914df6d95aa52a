import BigInt
import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Adds reserve states (`ReserveDataUpdated` events) in this transaction.
    ///
    /// Re-adding an identical point is skipped; different figures for a reserve and instant already
    /// recorded are a conflict (keep the last event of a block: it is the state compounding starts from).
    /// - Returns: the number of points actually inserted.
    @discardableResult
    public func addReservePoints<S: Sequence>(_ points: S, source: ImportSourceID? = nil) throws -> Int where S.Element == ReservePoint {
        var inserted = 0
        try db.withStatement("""
            INSERT INTO reserve_index (protocol, asset, updated_at, variable_borrow_index, variable_borrow_rate, liquidity_index,
                                       liquidity_rate, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { statement in
            for point in points {
                try point.validate()
                let key = (point.lendingProtocol.rawValue, point.asset.code, point.updatedAt.unixSeconds)
                let existing = try db.scalarIfAny("""
                    SELECT variable_borrow_index || '/' || variable_borrow_rate || '/' || ifnull(liquidity_index, '') || '/' || ifnull(liquidity_rate, '')
                    FROM reserve_index WHERE protocol = ? AND asset = ? AND updated_at = ?
                    """, key.0, key.1, key.2, as: String.self)
                let figures = "\(point.variableBorrowIndexRay)/\(point.variableBorrowRateRay)/\(point.liquidityIndexRay.map(String.init(describing:)) ?? "")/\(point.liquidityRateRay.map(String.init(describing:)) ?? "")"
                if let existing {
                    guard existing == figures else {
                        throw LedgerError.conflict("reserve \(key.0) \(key.1) already has other figures at \(point.updatedAt)")
                    }
                    continue
                }
                try statement.bind(key.0, key.1, key.2, point.variableBorrowIndexRay.description, point.variableBorrowRateRay.description,
                                   point.liquidityIndexRay?.description, point.liquidityRateRay?.description, recordedAt.unixSeconds,
                                   source?.rawValue)
                _ = try statement.step()
                inserted += db.changes
                statement.reset(clearingBindings: false)   // every parameter is bound again next row
            }
        }
        return inserted
    }
}
