/// Applies numbered migrations to a database, tracking them in `PRAGMA user_version` and in a
/// `schema_migration` table (name, checksum, applied_at).
///
/// Each migration runs in its own write transaction together with its bookkeeping, so a failure
/// leaves the database at the previous version. Before applying anything the migrator refuses a
/// database newer than it knows and a migration that was edited after being applied.
public struct Migrator: Sendable {
    /// The known migrations, numbered 1…n without gaps.
    public let migrations: [Migration]

    /// - Throws: ``MigrationError`` when the numbering has a gap or a duplicate.
    public init(files: [(fileName: String, sql: String)]) throws(MigrationError) {
        self.migrations = try Migration.fromFiles(files)
    }

    /// The version a fully migrated database has.
    public var latestVersion: Int { migrations.count }

    /// The state of a database relative to the known migrations.
    public struct Status: Sendable, Equatable {
        /// `PRAGMA user_version` of the database.
        public var databaseVersion: Int
        /// Migrations not yet applied, in order.
        public var pending: [String]
    }

    /// Checks the database against the known migrations without changing it.
    public func status(of db: Connection) throws -> Status {
        let version = try db.scalar("PRAGMA user_version", as: Int.self)
        try verifyHistory(of: db, version: version)
        return Status(databaseVersion: version, pending: migrations.dropFirst(version).map(\.name))
    }

    /// Applies every pending migration; returns the names applied (empty when up to date).
    ///
    /// Safe against other processes migrating the same file at the same time: each migration is
    /// applied only if the version read under the write lock still needs it, so it is applied
    /// once, and a migration another process applied first is not reported as applied here.
    /// - Parameters:
    ///   - db: the connection to migrate; each migration runs in a write transaction of its own.
    ///   - now: the `applied_at` instant to record, in Unix seconds.
    @discardableResult
    public func migrate(_ db: Connection, now: Int64) throws -> [String] {
        let pending = try status(of: db).pending
        var applied: [String] = []
        for name in pending {
            guard let migration = migrations.first(where: { $0.name == name }) else { continue }
            do {
                let didApply = try db.write { db -> Bool in
                    // Another process may have applied it since `status` was read; the write lock
                    // is held now, so this answer is final.
                    guard try db.scalar("PRAGMA user_version", as: Int.self) < migration.number else { return false }
                    try db.executeScript(Migrator.historyTableSQL)
                    try db.executeScript(migration.sql)
                    try db.execute("INSERT INTO schema_migration (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                                   migration.number, migration.name, migration.checksum, now)
                    // PRAGMA values cannot be bound; the number comes from our own file names.
                    try db.executeScript("PRAGMA user_version = \(migration.number)")
                    return true
                }
                if didApply { applied.append(name) }
            } catch let error as SQLiteError {
                throw MigrationError.failed(name: migration.name, error: error)
            }
        }
        return applied
    }

    static let historyTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_migration (
            version    INTEGER NOT NULL PRIMARY KEY CHECK (version > 0),
            name       TEXT    NOT NULL UNIQUE,
            checksum   TEXT    NOT NULL CHECK (length(checksum) = 16),
            applied_at INTEGER NOT NULL
        ) STRICT;
        """

    private func verifyHistory(of db: Connection, version: Int) throws {
        if version > latestVersion {
            throw MigrationError.newerSchema(databaseVersion: version, knownVersion: latestVersion)
        }
        guard version > 0 else { return }
        let hasTable = try db.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migration'", as: Int.self) == 1
        guard hasTable else {
            throw MigrationError.inconsistentHistory("user_version is \(version) but there is no schema_migration table")
        }
        var applied: [Int: (name: String, checksum: String)] = [:]
        try db.query("SELECT version, name, checksum FROM schema_migration") { row in
            applied[try row.column(0)] = (try row.column(1), try row.column(2))
        }
        for migration in migrations.prefix(version) {
            guard let record = applied[migration.number] else {
                throw MigrationError.inconsistentHistory("migration \(migration.name) is not recorded as applied")
            }
            guard record.name == migration.name else {
                throw MigrationError.inconsistentHistory("version \(migration.number) was applied as \(record.name), not \(migration.name)")
            }
            guard record.checksum == migration.checksum else {
                throw MigrationError.editedMigration(name: migration.name, appliedChecksum: record.checksum, currentChecksum: migration.checksum)
            }
        }
    }
}
