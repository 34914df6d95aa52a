import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Books risk parameters for `scope`, in force from `effectiveAt` until the scope's next row:
    /// a protocol's governance change for a collection, or a dated override for one loan. Booking a
    /// second row for the same scope and instant (in a later transaction) restates it: the
    /// later-recorded row is the one in force, and as-known-at reports before it still see the first.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` for a threshold or max LTV outside
    ///   (0, 1] or a max LTV above the threshold; ``LedgerError/unknownEntity(kind:id:)`` for an
    ///   unknown collection or loan.
    public func setRiskParameters(_ scope: RiskParameterScope, effectiveAt: Instant, maxLTV: Double? = nil,
                                  liquidationThreshold: Double, note: String? = nil,
                                  source: ImportSourceID? = nil) throws -> RiskParameterID {
        try Validate.instant(effectiveAt, "effective_at")
        try Validate.optionalNote(note)
        try Validate.fraction(liquidationThreshold, "liquidation_threshold")
        try Validate.fraction(maxLTV, "max_ltv")
        if let maxLTV, maxLTV > liquidationThreshold {
            throw LedgerError.invalidValue(field: "max_ltv", reason: "\(maxLTV) is above the liquidation threshold \(liquidationThreshold)")
        }
        var protocolName: String?, collectionID: Int64?, loanID: Int64?
        switch scope {
        case .collection(let lendingProtocol, let collection):
            guard try current.collection(collection) != nil else { throw LedgerError.unknownEntity(kind: "collection", id: collection.description) }
            (protocolName, collectionID) = (lendingProtocol.rawValue, collection.rawValue)
        case .loan(let loan):
            guard try current.loan(loan) != nil else { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
            loanID = loan.rawValue
        }
        return RiskParameterID(try insert("""
            INSERT INTO risk_parameter (protocol, collection_id, loan_id, effective_at, max_ltv, liquidation_threshold, note, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, protocolName, collectionID, loanID, effectiveAt.unixSeconds, maxLTV, liquidationThreshold, note,
            recordedAt.unixSeconds, source?.rawValue))
    }
}
