import Foundation
import LedgerMath
internal import SQLiteDB

/// A ledger file: the book of NFTs, loans, hedges and market history.
///
/// `Ledger` is `Sendable`: share one instance between tasks or threads. Writes are serialized
/// (one transaction at a time, each `BEGIN IMMEDIATE`, all or nothing); reads see one consistent
/// snapshot. Other processes may read the same file meanwhile (WAL).
///
/// ```swift
/// let ledger = try Ledger.create(at: "book.ledger")
/// let punk = try ledger.write { tx in
///     let punks = try tx.addCollection(chain: "ethereum", contractAddress: "0xb47e…", name: "CryptoPunks")
///     return try tx.addNFT(collection: punks, tokenID: TokenID("7804"))
/// }
/// let held = try ledger.read { try $0.nfts(at: ISO8601.parse("2024-01-01")) }
/// ```
public final class Ledger: @unchecked Sendable {
    // @unchecked: `connection` is only touched while `lock` is held, so one thread at a time.
    private let lock = NSLock()
    private let connection: Connection
    /// Where the `async` reads and writes run (Ledger+Async.swift): serial, because they share
    /// `connection`, so waiting tasks queue here instead of each holding a thread.
    let asyncQueue = DispatchQueue(label: "PortfolioLedger.Ledger")
    /// The file's path.
    public let path: String
    /// True when opened with ``openReadOnly(at:)``: every write throws.
    public let isReadOnly: Bool
    /// The clock that stamps `recorded_at` on every booked row (injectable for tests and imports).
    public let clock: @Sendable () -> Instant

    private init(connection: Connection, path: String, isReadOnly: Bool, clock: @escaping @Sendable () -> Instant) {
        self.connection = connection
        self.path = path
        self.isReadOnly = isReadOnly
        self.clock = clock
    }

    /// The system clock, in whole UTC seconds.
    public static let systemClock: @Sendable () -> Instant = { Instant(unixSeconds: LedgerFile.currentUnixTime()) }

    /// Creates a new ledger file (owner-only permissions) at `path`.
    public static func create(at path: String, clock: @escaping @Sendable () -> Instant = systemClock) throws -> Ledger {
        let db = try LedgerFile.create(at: path, now: clock().unixSeconds)
        return Ledger(connection: db, path: path, isReadOnly: false, clock: clock)
    }

    /// Opens an existing ledger for reading and writing, migrating it to the current schema.
    public static func open(at path: String, clock: @escaping @Sendable () -> Instant = systemClock) throws -> Ledger {
        let db = try LedgerFile.openForWriting(at: path, now: clock().unixSeconds)
        return Ledger(connection: db, path: path, isReadOnly: false, clock: clock)
    }

    /// Opens an existing ledger read-only (reports, `query`, other tools' use).
    public static func openReadOnly(at path: String) throws -> Ledger {
        let db = try LedgerFile.openReadOnly(at: path)
        return Ledger(connection: db, path: path, isReadOnly: true, clock: systemClock)
    }

    /// Runs `body` in one write transaction: everything it books commits together, or — when it
    /// throws — nothing does and the file is unchanged. Every row is stamped with one
    /// `recorded_at`, `clock()` at the start.
    @discardableResult
    public func write<R>(_ body: (LedgerTransaction) throws -> R) throws -> R {
        guard !isReadOnly else { throw LedgerError.conflict("\(path) is open read-only") }
        return try withConnection { db in
            try db.write { db in try body(LedgerTransaction(db: db, recordedAt: clock())) }
        }
    }

    /// Runs `body` against one consistent snapshot of the ledger.
    /// - Parameters:
    ///   - asKnownAt: show the book as it was known at that instant: rows recorded later, and
    ///     corrections recorded later, are invisible. `nil` = everything known now.
    ///   - body: the queries; valid only inside the closure.
    public func read<R>(asKnownAt: Instant? = nil, _ body: (LedgerSnapshot) throws -> R) throws -> R {
        try withConnection { db in
            try db.read { db in try body(LedgerSnapshot(db: db, knownAt: asKnownAt, memo: SnapshotMemo())) }
        }
    }

    /// Runs `body` with exclusive use of the connection; SQLite errors become ``LedgerError``.
    func withConnection<R>(_ body: (Connection) throws -> R) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body(connection)
        } catch let error as SQLiteError {
            throw LedgerError(sqlite: error)
        }
    }

    /// SQLite's integrity and foreign-key checks, the schema against what the embedded migrations
    /// create, and every balance assertion the journal contradicts.
    public func check() throws -> LedgerCheckReport {
        let (integrity, schema) = try withConnection { db in (try db.integrityCheck(), try LedgerFile.schemaCheck(db)) }
        let (failures, derived) = try read { (try $0.balanceAssertionFailures(), try $0.derivedStatus()) }
        return LedgerCheckReport(integrity: IntegrityFindings(integrity), schema: schema, balanceFailures: failures, pendingMigrations: [],
                                 balanceAssertionsChecked: true, derivedAnalytics: derived)
    }
}

/// What ``Ledger/check()-r33d`` and ``LedgerFile/check(at:)`` found.
public struct LedgerCheckReport: Sendable, Equatable {
    /// What `integrity_check` and `foreign_key_check` found.
    public var integrity: IntegrityFindings
    /// The schema against what the embedded migrations create.
    public var schema: SchemaCheckReport
    /// Balance assertions the journal contradicts.
    public var balanceFailures: [BalanceAssertionFailure]
    /// Migrations the file still needs (its balance assertions are then not checked).
    public var pendingMigrations: [String]
    /// False when the balance assertions were not checked: the file needs migrations, or the
    /// integrity or schema checks found something (the tables may not be what the queries expect).
    public var balanceAssertionsChecked = false
    /// Whether the derived analytics (`Ledger.refreshAnalytics(_:)`) describe the book as it
    /// is now: a notice, never a finding (``isClean`` ignores it). `nil` when not looked at (the
    /// file needs migrations, or the integrity or schema checks found something).
    public var derivedAnalytics: DerivedAnalyticsStatus? = nil
    /// True when nothing was found (schema notes do not count).
    public var isClean: Bool { integrity.isClean && schema.isClean && balanceFailures.isEmpty }
}

extension LedgerError {
    /// Maps a SQLite error to the library's: a trigger's or CHECK's refusal is a conflict or an
    /// invalid value with SQLite's message (which names the table and rule), the rest stays a
    /// database error.
    init(sqlite error: SQLiteError) {
        switch error.extendedCode {
        case .constraintTrigger: self = .conflict(error.message)
        case .constraintCheck, .constraintNotNull, .constraintDataType:
            self = .invalidValue(field: "database constraint", reason: error.message)
        default: self = .database(error)
        }
    }
}
