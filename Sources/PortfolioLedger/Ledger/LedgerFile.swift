import Foundation
import LedgerMigrations
package import SQLiteDB

/// Opening, creating, migrating, checking and backing up ledger files.
///
/// A ledger file is a SQLite database stamped with ``applicationID`` whose schema comes from the
/// embedded `migrations/`. Every open refuses a file that is not a ledger before writing anything
/// to it, and refuses a file from a newer library version.
public enum LedgerFile {
    /// `PRAGMA application_id` of ledger files: ASCII "PLdg" (0x504C6467), so `file(1)` and the
    /// `sqlite3` shell can tell a ledger from other SQLite files.
    public static let applicationID: Int32 = 0x504C_6467

    /// The migrations compiled into this library, in order.
    package static func migrator() throws -> Migrator {
        do {
            return try Migrator(files: EmbeddedMigrations.files.map { (fileName: $0.fileName, sql: $0.text) })
        } catch {
            throw LedgerError.migrationHistory(path: "<embedded migrations>", detail: error.description)
        }
    }

    /// The schema version of a fully migrated ledger of this library version.
    public static var schemaVersion: Int { EmbeddedMigrations.files.count }

    /// Creates a new ledger at `path` (readable and writable by its owner only) and migrates it to
    /// the current schema. Refuses an existing file or link (``LedgerError/alreadyExists(path:)``),
    /// a leftover `-wal` or `-journal` file beside the path (SQLite would apply it to the new
    /// ledger), and a path that cannot be created (``LedgerError/cannotCreate(path:reason:)``).
    package static func create(at path: String, now: Int64 = currentUnixTime()) throws -> Connection {
        try refuseLeftoverJournals(beside: path, existing: .refuse)
        // SQLite creates files 0644; a ledger holds private financial data, so pre-create it 0600.
        // The -wal and -shm files SQLite makes later copy the database file's permissions.
        try OutputFile.reserve(path)
        do {
            let db = try open(path: path, mode: .readWrite(create: true))
            try migrate(db, path: path, now: now)
            return db
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Opens an existing ledger for reading and writing, applying pending migrations.
    package static func openForWriting(at path: String, now: Int64 = currentUnixTime()) throws -> Connection {
        let db = try open(path: path, mode: .readWrite(create: false))
        try migrate(db, path: path, now: now)
        return db
    }

    /// Opens an existing ledger read-only: nothing can be written through this connection.
    /// - Parameters:
    ///   - path: the ledger file.
    ///   - allowOlderSchema: accept a file that still needs migrations (for `check`).
    package static func openReadOnly(at path: String, allowOlderSchema: Bool = false) throws -> Connection {
        let db = try open(path: path, mode: .readOnly)
        let status = try migrationStatus(db, path: path)
        if !status.pending.isEmpty && !allowOlderSchema {
            throw LedgerError.needsMigration(path: path, fileVersion: status.databaseVersion, knownVersion: schemaVersion)
        }
        return db
    }

    /// Applies pending migrations to the ledger at `path`; returns the names applied.
    @discardableResult
    public static func migrate(at path: String, now: Int64 = currentUnixTime()) throws -> [String] {
        let db = try open(path: path, mode: .readWrite(create: false))
        defer { db.close() }
        return try migrate(db, path: path, now: now)
    }

    /// Checks the ledger at `path` (opened read-only): SQLite's integrity and foreign-key checks,
    /// its schema against what the embedded migrations create (``SchemaCheckReport``), and —
    /// when both are clean and the file is at the current schema — every balance assertion.
    public static func check(at path: String) throws -> LedgerCheckReport {
        let db = try openReadOnly(at: path, allowOlderSchema: true)
        defer { db.close() }
        let integrity = try wrap { try db.integrityCheck() }
        let schema = try schemaCheck(db)
        let pending = try migrationStatus(db, path: path).pending
        var report = LedgerCheckReport(integrity: IntegrityFindings(integrity), schema: schema, balanceFailures: [], pendingMigrations: pending)
        if integrity.isClean, schema.isClean, pending.isEmpty {
            (report.balanceFailures, report.derivedAnalytics) = try wrap {
                try db.read { db in
                    let book = LedgerSnapshot(db: db, knownAt: nil)
                    return (try book.balanceAssertionFailures(), try book.derivedStatus())
                }
            }
            report.balanceAssertionsChecked = true
        }
        return report
    }

    /// Writes a consistent copy of the ledger at `path` to `destination` (online backup; other
    /// connections may keep writing meanwhile), owner-only. Refuses an existing destination unless
    /// `existing` is ``OutputFile/Existing/replace``, and never writes through a symbolic link.
    public static func backup(from path: String, to destination: String, existing: OutputFile.Existing = .refuse) throws {
        try refuseLeftoverJournals(beside: destination, existing: existing)
        try OutputFile.write(to: destination, existing: existing) { copy in
            let db = try openReadOnly(at: path, allowOlderSchema: true)
            defer { db.close() }
            // One step (-1): every page is copied inside one read transaction, so the copy is that
            // snapshot and cannot be restarted by another process's commits. In steps, each commit
            // between two steps restarts the copy, and a writer committing often could keep a large
            // ledger's backup from ever finishing. In WAL mode the read transaction blocks no writer.
            try wrap { try db.backup(to: copy.temporaryPath, pagesPerStep: -1) }
        }
    }

    /// A `-wal` or `-journal` file beside `path` belongs to another database (or to the file a
    /// `--force` would replace): SQLite would apply it to a new file at `path` on the first open,
    /// so a new file is not put there. (When `path` exists and is not to be replaced, the refusal
    /// to overwrite it comes first.)
    static func refuseLeftoverJournals(beside path: String, existing: OutputFile.Existing) throws {
        var info = stat()
        if existing == .refuse, lstat(path, &info) == 0 { return }
        for suffix in ["-wal", "-journal"] {
            if lstat(path + suffix, &info) == 0 {
                throw LedgerError.cannotCreate(path: path, reason: "\(path + suffix) is there (left by another database); move it away first")
            }
        }
    }

    /// How long a write waits for another connection's write lock before it fails with a
    /// ``DatabaseFailure`` whose ``DatabaseFailure/isBusy`` is true (nothing written).
    public static var busyTimeoutSeconds: Int { Int(Connection.Options().busyTimeoutMilliseconds / 1000) }

    /// Seconds since the Unix epoch, now.
    public static func currentUnixTime() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    // MARK: -

    static func open(path: String, mode: Connection.Mode) throws -> Connection {
        if mode != .readWrite(create: true) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LedgerError.notALedger(path: path, reason: "no such file")
            }
            guard !isDirectory.boolValue else { throw LedgerError.notALedger(path: path, reason: "it is a directory") }
        }
        do {
            return try Connection(path: path, mode: mode, options: .init(applicationID: applicationID))
        } catch let error as OpenError {
            switch error {
            case .notADatabase: throw LedgerError.notALedger(path: path, reason: "not a SQLite database")
            case .foreignFile(_, let id, let isEmpty):
                throw LedgerError.notALedger(path: path, reason: isEmpty ? "an empty database not created by portfolio-ledger"
                                                : "a SQLite database of another application (application_id \(id))")
            case .cannotOpen(_, let reason): throw LedgerError.notALedger(path: path, reason: reason)
            default: throw LedgerError.notALedger(path: path, reason: error.description)
            }
        } catch let error as SQLiteError {
            throw LedgerError.database(error)
        }
    }

    @discardableResult
    static func migrate(_ db: Connection, path: String, now: Int64) throws -> [String] {
        do {
            return try migrator().migrate(db, now: now)
        } catch let error as MigrationError {
            throw ledgerError(error, path: path)
        } catch let error as SQLiteError {
            throw LedgerError.database(error)
        }
    }

    static func migrationStatus(_ db: Connection, path: String) throws -> Migrator.Status {
        do {
            return try migrator().status(of: db)
        } catch let error as MigrationError {
            throw ledgerError(error, path: path)
        } catch let error as SQLiteError {
            throw LedgerError.database(error)
        }
    }

    private static func ledgerError(_ error: MigrationError, path: String) -> LedgerError {
        switch error {
        case .newerSchema(let found, let known): .newerSchema(path: path, fileVersion: found, knownVersion: known)
        case .failed: .migrationFailed(path: path, detail: error.description)
        default: .migrationHistory(path: path, detail: error.description)
        }
    }

    static func wrap<R>(_ body: () throws -> R) throws -> R {
        do { return try body() } catch let error as SQLiteError { throw LedgerError.database(error) }
    }
}
