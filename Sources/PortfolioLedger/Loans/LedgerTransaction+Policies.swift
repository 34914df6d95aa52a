import LedgerMath
internal import SQLiteDB

extension LedgerTransaction {
    /// Books a collateral buffer target for `scope`, in force from `effectiveAt` until the scope's
    /// next policy row. An empty target clears the scope's target from then on. Booking a second
    /// row for the same scope and instant (in a later transaction) restates it: the later-recorded
    /// row is the one in force, and as-known-at reports before it still see the first.
    /// - Throws: ``LedgerError/invalidValue(field:reason:)`` for `minHealthFactor` outside [1, 1000]
    ///   or `maxLTV` outside (0, 1]; ``LedgerError/unknownEntity(kind:id:)`` for an unknown loan.
    public func setBufferPolicy(_ scope: BufferPolicyScope, effectiveAt: Instant, target: BufferTarget, note: String? = nil,
                                source: ImportSourceID? = nil) throws -> BufferPolicyID {
        try Validate.instant(effectiveAt, "effective_at")
        try Validate.optionalNote(note)
        if let hf = target.minHealthFactor {
            guard hf.isFinite, (1...1000).contains(hf) else {
                throw LedgerError.invalidValue(field: "min health factor", reason: "\(hf) is not in [1, 1000] (liquidation is at 1)")
            }
        }
        try Validate.fraction(target.maxLTV, "max LTV")
        if let loan = scope.loanID, try current.loan(loan) == nil { throw LedgerError.unknownEntity(kind: "loan", id: loan.description) }
        return BufferPolicyID(try insert("""
            INSERT INTO buffer_policy (loan_id, effective_at, min_health_factor, max_ltv, note, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, scope.loanID?.rawValue, effectiveAt.unixSeconds, target.minHealthFactor, target.maxLTV, note,
            recordedAt.unixSeconds, source?.rawValue))
    }

    /// Adds daily sales statistics of a collection (bulk; one prepared statement). Identical
    /// re-adds are skipped; different figures for a day already recorded are a conflict.
    /// - Returns: the number of days actually inserted.
    @discardableResult
    public func addCollectionDailySales<S: Sequence>(_ days: S, collection: CollectionID,
                                                     source: ImportSourceID? = nil) throws -> Int where S.Element == CollectionDailySales {
        guard try current.collection(collection) != nil else { throw LedgerError.unknownEntity(kind: "collection", id: collection.description) }
        var inserted = 0
        let recorded = recordedAt.unixSeconds
        try db.withStatement("""
            INSERT INTO collection_daily_sales (collection_id, day_at, quote, sales_count, volume, min_price, median_price, max_price,
                                                advancing, declining, recorded_at, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """) { statement in
            for day in days {
                try Self.validate(day)
                try statement.bind(collection.rawValue, day.day.unixSeconds, day.quote.code, day.salesCount, day.volume, day.minPrice,
                                   day.medianPrice, day.maxPrice, day.advancing, day.declining, recorded, source?.rawValue)
                _ = try statement.step()
                inserted += db.changes
                statement.reset()
            }
        }
        return inserted
    }

    private static func validate(_ day: CollectionDailySales) throws(LedgerError) {
        try Validate.instant(day.day, "day")
        guard day.day.unixSeconds % 86_400 == 0 else { throw .invalidValue(field: "day", reason: "\(day.day) is not midnight UTC") }
        guard day.salesCount >= 0 else { throw .invalidValue(field: "sales count", reason: "\(day.salesCount) is negative") }
        for (field, value) in [("volume", Optional(day.volume)), ("min price", day.minPrice), ("median price", day.medianPrice),
                               ("max price", day.maxPrice)] {
            guard let value else { continue }
            guard value.isFinite, value >= 0 else { throw .invalidValue(field: field, reason: "\(value) on \(day.day) is not a finite non-negative number") }
        }
        if day.salesCount == 0, day.volume != 0 || day.medianPrice != nil {
            throw .invalidValue(field: "sales", reason: "a day without sales (\(day.day)) has no volume and no median")
        }
        if let lo = day.minPrice, let mid = day.medianPrice, let hi = day.maxPrice, !(lo <= mid && mid <= hi) {
            throw .invalidValue(field: "prices", reason: "min ≤ median ≤ max does not hold on \(day.day)")
        }
        switch (day.advancing, day.declining) {
        case (nil, nil): break
        case let (a?, d?) where a >= 0 && d >= 0 && a + d <= day.salesCount: break
        default: throw .invalidValue(field: "advancing/declining", reason: "both or neither, non-negative, at most the day's sales count (\(day.day))")
        }
    }
}
