import LedgerMath
internal import SQLiteDB

/// The write side of one ``Ledger/write(_:)-3rkxe`` transaction. Valid only inside that closure.
///
/// Every method validates its input in Swift before touching SQL (and the schema's CHECKs and
/// triggers validate again), returns a typed id, and stamps the row with the transaction's
/// ``recordedAt``. A thrown error rolls back the whole transaction.
public struct LedgerTransaction {
    let db: Connection
    /// The `recorded_at` of every row booked in this transaction.
    public let recordedAt: Instant
    /// Holding checks put off until the end of a ``deferringHoldingChecks(_:)`` scope; shared by
    /// the copies of this transaction that stamp another `recorded_at` (a journal import).
    let holdingChecks: DeferredHoldingChecks

    init(db: Connection, recordedAt: Instant, holdingChecks: DeferredHoldingChecks = DeferredHoldingChecks()) {
        self.db = db
        self.recordedAt = recordedAt
        self.holdingChecks = holdingChecks
    }

    /// This transaction, stamping the rows it books with `recordedAt` instead (restoring an
    /// exported book's history).
    func recording(at recordedAt: Instant) -> LedgerTransaction {
        LedgerTransaction(db: db, recordedAt: recordedAt, holdingChecks: holdingChecks)
    }

    /// Queries over the current state, for validation (and for callers that need to look up
    /// before they write, inside the same transaction).
    public var current: LedgerSnapshot { LedgerSnapshot(db: db, knownAt: nil) }

    func insert<each V: SQLiteBindable>(_ sql: String, _ values: repeat each V) throws -> Int64 {
        try db.execute(sql, repeat each values)
        return db.lastInsertRowID
    }
}

// MARK: - Validation helpers shared by the write methods

enum Validate {
    static func nonNegative(_ value: ExactDecimal, _ field: String) throws(LedgerError) {
        guard !value.isNegative else { throw .invalidValue(field: field, reason: "\(value) is negative") }
    }

    static func positive(_ value: ExactDecimal, _ field: String) throws(LedgerError) {
        guard value.signum > 0 else { throw .invalidValue(field: field, reason: "\(value) must be greater than zero") }
    }

    static func finite(_ value: Double, _ field: String) throws(LedgerError) {
        guard value.isFinite else { throw .invalidValue(field: field, reason: "\(value) is not a finite number") }
    }

    static func instant(_ value: Instant, _ field: String) throws(LedgerError) {
        guard (0...253_402_300_799).contains(value.unixSeconds) else {
            throw .invalidValue(field: field, reason: "\(value.unixSeconds) is outside 1970-01-01…9999-12-31")
        }
    }

    /// Lengths count Unicode scalars, as SQLite's `length()` in the tables' CHECKs does (a
    /// `Character` may hold several: "é" written as e + U+0301 is one Character, two scalars).
    static func text(_ value: String, _ field: String, maxLength: Int) throws(LedgerError) {
        guard !value.isEmpty, value.unicodeScalars.count <= maxLength else {
            throw .invalidValue(field: field, reason: "must be 1 to \(maxLength) characters")
        }
    }

    static func optionalNote(_ value: String?) throws(LedgerError) {
        if let value, value.unicodeScalars.count > 1000 { throw .invalidValue(field: "note", reason: "longer than 1,000 characters") }
    }

    /// A fraction in (0, 1], e.g. a max LTV or liquidation threshold.
    static func fraction(_ value: Double?, _ field: String) throws(LedgerError) {
        guard let value else { return }
        guard value.isFinite, value > 0, value <= 1 else {
            throw .invalidValue(field: field, reason: "\(value) is not a fraction in (0, 1]")
        }
    }
}
