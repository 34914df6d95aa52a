import SQLiteDB

/// Every error the PortfolioLedger library reports, each naming what and where.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is missing, not a SQLite database, or a database of another application.
    /// Nothing was written to it.
    case notALedger(path: String, reason: String)
    /// `create` was asked for a path that already holds a file.
    case alreadyExists(path: String)
    /// The file was written by a newer version of this library.
    case newerSchema(path: String, fileVersion: Int, knownVersion: Int)
    /// The file's schema is older than this library; run `migrate` first (read-only opens only).
    case needsMigration(path: String, fileVersion: Int, knownVersion: Int)
    /// A migration applied to this file was edited afterwards, or the history is inconsistent.
    case migrationHistory(path: String, detail: String)
    /// A migration failed; the file stays at its previous version.
    case migrationFailed(path: String, detail: String)
    /// The database reported an error.
    case database(SQLiteError)
    /// A value failed validation: which field, and why.
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .notALedger(let path, let reason): "\(path) is not a PortfolioLedger file: \(reason)"
        case .alreadyExists(let path): "\(path) already exists; refusing to overwrite it"
        case .newerSchema(let path, let file, let known):
            "\(path) has schema version \(file), newer than this version of portfolio-ledger knows (\(known)); upgrade portfolio-ledger"
        case .needsMigration(let path, let file, let known):
            "\(path) has schema version \(file); this version expects \(known): run `portfolio-ledger migrate \(path)`"
        case .migrationHistory(let path, let detail): "\(path): \(detail)"
        case .migrationFailed(let path, let detail): "\(path): \(detail)"
        case .database(let error): error.description
        case .invalidValue(let field, let reason): "invalid \(field): \(reason)"
        }
    }
}
