import LedgerMath

/// Every error the PortfolioLedger library reports, each naming what and where.
public enum LedgerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is missing, not a SQLite database, or a database of another application.
    /// Nothing was written to it.
    case notALedger(path: String, reason: String)
    /// `create` was asked for a path that already holds a file.
    case alreadyExists(path: String)
    /// A file could not be created at `path` (a folder that cannot be written, a symbolic link in
    /// the way, …). Nothing was written.
    case cannotCreate(path: String, reason: String)
    /// The file was written by a newer version of this library.
    case newerSchema(path: String, fileVersion: Int, knownVersion: Int)
    /// The file's schema is older than this library; run `migrate` first (read-only opens only).
    case needsMigration(path: String, fileVersion: Int, knownVersion: Int)
    /// A migration applied to this file was edited afterwards, or the history is inconsistent.
    case migrationHistory(path: String, detail: String)
    /// A migration failed; the file stays at its previous version.
    case migrationFailed(path: String, detail: String)
    /// The database reported an error (``DatabaseFailure/isBusy`` when another process held the
    /// write lock for longer than the busy timeout).
    case database(DatabaseFailure)
    /// A value failed validation: which field, and why. Nothing was written.
    case invalidValue(field: String, reason: String)
    /// A referenced entity does not exist (or is not visible as known at the asked instant).
    case unknownEntity(kind: String, id: String)
    /// The write contradicts the ledger's state (e.g. pledging an NFT that backs an open loan).
    case conflict(String)
    /// No observation of `series` at or before `at`.
    case missingPrice(series: String, at: Instant)
    /// The only observation at or before `at` is older than the accepted age.
    case stalePrice(series: String, at: Instant, observedAt: Instant, maxAgeSeconds: Int64)

    public var description: String {
        switch self {
        case .notALedger(let path, let reason): "\(path) is not a PortfolioLedger file: \(reason)"
        case .alreadyExists(let path): "\(path) already exists; refusing to overwrite it"
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .newerSchema(let path, let file, let known):
            "\(path) has schema version \(file), newer than this version of portfolio-ledger knows (\(known)); upgrade portfolio-ledger"
        case .needsMigration(let path, let file, let known):
            "\(path) has schema version \(file); this version expects \(known): run `portfolio-ledger migrate \(path)`"
        case .migrationHistory(let path, let detail): "\(path): \(detail)"
        case .migrationFailed(let path, let detail): "\(path): \(detail)"
        case .database(let error): error.description
        case .invalidValue(let field, let reason): "invalid \(field): \(reason)"
        case .unknownEntity(let kind, let id): "no \(kind) with id \(id)"
        case .conflict(let reason): reason
        case .missingPrice(let series, let at): "no observation of '\(series)' at or before \(at)"
        case .stalePrice(let series, let at, let observed, let maxAge):
            "the latest observation of '\(series)' at or before \(at) is from \(observed), older than \(maxAge) s"
        }
    }
}
