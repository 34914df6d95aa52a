import Foundation
import LedgerMath
internal import SQLiteDB

/// Derived analytics: daily series other tools read with plain SQL (`v_loan_day`,
/// `v_hedge_leg_day`, `v_portfolio_day`, `v_return_layer`, `v_derived_status`; docs/schema.md).
extension Ledger {
    /// Computes the daily series from the book and replaces the derived rows in one transaction.
    ///
    /// The rows are computed in one read snapshot, then written in one write transaction that
    /// first checks the book is still the one they were computed from (else
    /// ``LedgerError/conflict(_:)``: run again). Incremental when the last refresh used the same
    /// parameters and the book only grew after its last day (only the later days are computed);
    /// unchanged when nothing was booked since. The journal is never written.
    /// - Parameter parameters: the price-age limit and option inputs, stored with the rows.
    /// - Returns: what was done and how many rows were written.
    @discardableResult
    public func refreshAnalytics(_ parameters: DerivedAnalyticsParameters = DerivedAnalyticsParameters()) throws -> DerivedRefreshReport {
        guard !isReadOnly else { throw LedgerError.conflict("\(path) is open read-only") }
        let clock = ContinuousClock()
        let started = clock.now
        var plan = try read { book in try book.derivedRefreshPlan(parameters) }
        let computed = clock.now
        let refreshedAt = self.clock().unixSeconds
        try withConnection { db in
            try db.write { db in
                let now = try db.scalar("SELECT book_version FROM v_book_version", as: Int64.self)
                guard now == plan.report.bookVersion else {
                    throw LedgerError.conflict("the book changed while the analytics were computed (version \(plan.report.bookVersion) → \(now)); refresh again")
                }
                let writer = DerivedRowWriter(db: db)
                switch plan.report.mode {
                case .unchanged: break
                case .full: try writer.clear(everything: true)
                case .incremental: try writer.clear(everything: false)
                }
                try writer.write(plan.rows)
                let p = parameters.market
                _ = try db.execute("DELETE FROM derived_refresh")
                _ = try db.execute("""
                    INSERT INTO derived_refresh (refresh_id, book_version, book_counts, from_day_at, through_day_at, rate, dividend_yield,
                        max_price_age_seconds, max_quote_age_seconds, underlying_series, rate_series, settlement_series, mode, rows_written,
                        refreshed_at)
                    VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, plan.report.bookVersion, plan.counts.json, plan.report.fromDay?.unixSeconds, plan.report.throughDay?.unixSeconds,
                    p.rate, p.dividendYield, parameters.maxPriceAgeSeconds, p.maxQuoteAgeSeconds, p.underlyingSeries, p.rateSeries,
                    p.settlementSeries, plan.report.mode.rawValue, plan.report.rowsWritten, refreshedAt)
            }
        }
        plan.report.computeSeconds = Self.seconds(computed - started)
        plan.report.writeSeconds = Self.seconds(clock.now - computed)
        return plan.report
    }

    /// `refreshAnalytics(_:)` (the synchronous form) without blocking the calling task's executor (on the ledger's queue,
    /// as the other `async` forms in Ledger+Async.swift).
    @discardableResult
    public func refreshAnalytics(_ parameters: DerivedAnalyticsParameters = DerivedAnalyticsParameters()) async throws -> DerivedRefreshReport {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { continuation in
            asyncQueue.async { continuation.resume(with: Result { try self.refreshAnalytics(parameters) }) }
        }
    }

    /// Whether the derived rows describe the book as it is now (`v_derived_status`).
    public func derivedStatus() throws -> DerivedAnalyticsStatus {
        try read { try $0.derivedStatus() }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// A refresh computed and ready to write.
struct DerivedRefreshPlan {
    var report: DerivedRefreshReport
    var rows: DerivedRows
    var counts: DerivedBookCounts
}

extension LedgerSnapshot {
    /// The book version: the number of booked rows, which every booking raises (`v_book_version`).
    public func bookVersion() throws -> Int64 {
        try db.scalar("SELECT book_version FROM v_book_version", as: Int64.self)
    }

    /// Whether the derived rows describe the book as it is now (`v_derived_status`).
    public func derivedStatus() throws -> DerivedAnalyticsStatus {
        var status: DerivedAnalyticsStatus?
        try db.query("SELECT status, stale, current_book_version, refreshed_book_version, through_day, refreshed_at FROM v_derived_status") { s in
            status = DerivedAnalyticsStatus(status: try s.column("status"), isStale: try s.column("stale", as: Int.self) != 0,
                                            currentBookVersion: try s.column("current_book_version"),
                                            refreshedBookVersion: try s.column("refreshed_book_version"),
                                            throughDay: try s.column("through_day"), refreshedAt: try s.column("refreshed_at"))
        }
        guard let status else { throw LedgerError.invalidValue(field: "v_derived_status", reason: "returned no row") }
        return status
    }

    /// What the last refresh stored: its book version, counts, last day and whether it used `parameters`.
    private func lastRefresh(_ parameters: DerivedAnalyticsParameters) throws -> (version: Int64, counts: DerivedBookCounts?, through: Int64?, same: Bool)? {
        var last: (Int64, DerivedBookCounts?, Int64?, Bool)?
        let p = parameters.market
        try db.query("""
            SELECT book_version, book_counts, through_day_at,
                   rate = ?1 AND dividend_yield = ?2 AND max_price_age_seconds IS ?3 AND max_quote_age_seconds IS ?4
                   AND underlying_series IS ?5 AND rate_series IS ?6 AND settlement_series IS ?7 AS same_parameters
            FROM derived_refresh WHERE refresh_id = 1
            """, p.rate, p.dividendYield, parameters.maxPriceAgeSeconds, p.maxQuoteAgeSeconds, p.underlyingSeries, p.rateSeries,
            p.settlementSeries) { s in
            last = (try s.column("book_version"), DerivedBookCounts(json: try s.column("book_counts")), try s.column("through_day_at"),
                    try s.column("same_parameters", as: Int.self) == 1)
        }
        return last
    }

    /// Decides full, incremental or unchanged, and computes the rows to write.
    func derivedRefreshPlan(_ parameters: DerivedAnalyticsParameters) throws -> DerivedRefreshPlan {
        let version = try bookVersion()
        let range = try derivedDayRange()
        let counts = try DerivedBookCounts.read(db, through: range?.through ?? 0)
        var report = DerivedRefreshReport(mode: .full, bookVersion: version, fromDay: range.map { Instant(unixSeconds: $0.from) },
                                          throughDay: range.map { Instant(unixSeconds: $0.through) })
        guard let range else { return DerivedRefreshPlan(report: report, rows: DerivedRows(), counts: counts) }
        var emitFrom = range.from
        if let last = try lastRefresh(parameters), last.same {
            if last.version == version {
                report.mode = .unchanged
                return DerivedRefreshPlan(report: report, rows: DerivedRows(), counts: counts)
            }
            if let through = last.through, let stored = last.counts, through <= range.through,
               try DerivedBookCounts.read(db, through: through) == stored {
                report.mode = .incremental
                emitFrom = through + DerivedDay.seconds
            }
        }
        let rows = try derivedRows(parameters, from: range.from, through: range.through, emitFrom: emitFrom)
        report.loanDays = rows.loanDays.count
        report.hedgeLegDays = rows.hedgeLegDays.count
        report.portfolioDays = rows.portfolioDays.count
        report.returnLayers = rows.returnLayers.count
        report.returnsProblem = rows.returnsProblem
        return DerivedRefreshPlan(report: report, rows: rows, counts: counts)
    }
}
