import Foundation
import LedgerMigrations
import SQLiteDB

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
    public static func migrator() throws -> Migrator {
        do {
            return try Migrator(files: EmbeddedMigrations.files.map { (fileName: $0.fileName, sql: $0.text) })
        } catch {
            throw LedgerError.migrationHistory(path: "<embedded migrations>", detail: error.description)
        }
    }

    /// The schema version of a fully migrated ledger of this library version.
    public static var schemaVersion: Int { EmbeddedMigrations.files.count }

    /// Creates a new ledger at `path` (readable and writable by its owner only) and migrates it to
    /// the current schema. Refuses an existing file.
    public static func create(at path: String, now: Int64 = currentUnixTime()) throws -> Connection {
        guard !FileManager.default.fileExists(atPath: path) else { throw LedgerError.alreadyExists(path: path) }
        // SQLite creates files 0644; a ledger holds private financial data, so pre-create it 0600.
        // The -wal and -shm files SQLite makes later copy the database file's permissions.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError.notALedger(path: path, reason: "cannot create the file")
        }
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
    public static func openForWriting(at path: String, now: Int64 = currentUnixTime()) throws -> Connection {
        let db = try open(path: path, mode: .readWrite(create: false))
        try migrate(db, path: path, now: now)
        return db
    }

    /// Opens an existing ledger read-only: nothing can be written through this connection.
    /// - Parameter allowOlderSchema: accept a file that still needs migrations (for `check`).
    public static func openReadOnly(at path: String, allowOlderSchema: Bool = false) throws -> Connection {
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

    /// SQLite's integrity and foreign-key checks on the ledger at `path` (opened read-only).
    public static func check(at path: String) throws -> IntegrityReport {
        let db = try openReadOnly(at: path, allowOlderSchema: true)
        defer { db.close() }
        return try wrap { try db.integrityCheck() }
    }

    /// Writes a consistent copy of the ledger at `path` to `destination` (online backup; other
    /// connections may keep writing meanwhile). Refuses to overwrite an existing destination.
    public static func backup(from path: String, to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else { throw LedgerError.alreadyExists(path: destination) }
        let db = try openReadOnly(at: path, allowOlderSchema: true)
        defer { db.close() }
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError.notALedger(path: destination, reason: "cannot create the backup file")
        }
        do {
            // One step (-1): every page is copied inside one read transaction, so the copy is that
            // snapshot and cannot be restarted by another process's commits. In steps, each commit
            // between two steps restarts the copy, and a writer committing often could keep a large
            // ledger's backup from ever finishing. In WAL mode the read transaction blocks no writer.
            try wrap { try db.backup(to: destination, pagesPerStep: -1) }
        } catch {
            try? FileManager.default.removeItem(atPath: destination)
            throw error
        }
    }

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
