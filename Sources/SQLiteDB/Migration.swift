/// One schema migration: a numbered SQL script, e.g. `0002_ledger_core.sql`.
public struct Migration: Sendable, Equatable {
    /// The number from the file name (1, 2, …); it becomes `PRAGMA user_version` once applied.
    public var number: Int
    /// The file name, e.g. `0001_foundation.sql`.
    public var name: String
    /// The exact SQL text.
    public var sql: String

    /// A stable fingerprint of ``sql`` (64-bit FNV-1a of its UTF-8 bytes, as 16 hex digits).
    ///
    /// It detects an applied file that was edited afterwards; it is not a security measure, so a
    /// tiny well-defined hash is enough and needs no crypto dependency.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public init(number: Int, name: String, sql: String) {
        self.number = number
        self.name = name
        self.sql = sql
    }

    /// Builds the migration list from `NNNN_description.sql` files, checking the numbering:
    /// it must start at 1 and have no gap and no duplicate.
    public static func fromFiles(_ files: [(fileName: String, sql: String)]) throws(MigrationError) -> [Migration] {
        var migrations: [Migration] = []
        for file in files {
            let parts = file.fileName.split(separator: "_", maxSplits: 1)
            guard file.fileName.hasSuffix(".sql"), parts.count == 2, parts[0].count == 4,
                  parts[0].allSatisfy(\.isASCII), let number = Int(parts[0]), number > 0
            else { throw .badFileName(file.fileName) }
            migrations.append(Migration(number: number, name: file.fileName, sql: file.sql))
        }
        migrations.sort { $0.number < $1.number }
        for (offset, migration) in migrations.enumerated() {
            let expected = offset + 1
            if migration.number < expected { throw .duplicateNumber(migration.number, migration.name) }
            if migration.number > expected { throw .gapInNumbering(missing: expected) }
        }
        return migrations
    }
}

/// Why the migrator refused to run.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A migration file is not named `NNNN_description.sql`.
    case badFileName(String)
    /// Two files carry the same number.
    case duplicateNumber(Int, String)
    /// A number is missing from the sequence.
    case gapInNumbering(missing: Int)
    /// The database was migrated by a newer version of the library.
    case newerSchema(databaseVersion: Int, knownVersion: Int)
    /// An already-applied migration's text differs from what was applied.
    case editedMigration(name: String, appliedChecksum: String, currentChecksum: String)
    /// The database's record of applied migrations disagrees with its version or with our files.
    case inconsistentHistory(String)
    /// A migration's SQL failed; nothing of it was applied.
    case failed(name: String, error: SQLiteError)

    public var description: String {
        switch self {
        case .badFileName(let name): "migration file '\(name)' is not named NNNN_description.sql"
        case .duplicateNumber(let number, let name): "migration number \(number) is used twice (\(name))"
        case .gapInNumbering(let missing): "migration number \(missing) is missing from the sequence"
        case .newerSchema(let found, let known):
            "the database has schema version \(found), newer than this library knows (\(known)); upgrade the library"
        case .editedMigration(let name, let applied, let current):
            "migration \(name) was edited after it was applied (checksum \(applied) applied, \(current) now)"
        case .inconsistentHistory(let detail): "inconsistent migration history: \(detail)"
        case .failed(let name, let error): "migration \(name) failed: \(error)"
        }
    }
}
