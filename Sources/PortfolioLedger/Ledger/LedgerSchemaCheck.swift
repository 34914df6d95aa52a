import LedgerMigrations
package import SQLiteDB

/// How a ledger's schema compares with the schema its embedded migrations create.
///
/// The append-only promise and the ledger's rules live in the schema (triggers, `CHECK`s, unique
/// keys), which anyone with the `sqlite3` shell can change. A missing or changed object of ours,
/// any trigger we did not create, and an extra index that can refuse or fail a write (unique,
/// partial, or on an expression) are **findings**: the ledger's guarantees may no longer hold.
/// A plain index, a view or a table a user added for their own queries changes nothing the
/// ledger relies on and is a **note**.
public struct SchemaCheckReport: Sendable, Equatable {
    /// One difference from the expected schema, with a sentence for people.
    public struct Item: Sendable, Equatable, CustomStringConvertible {
        package var difference: SchemaDescription.Difference
        public var description: String
    }

    /// Differences that break what the ledger relies on (`check` exits 3).
    public var findings: [Item]
    /// Objects a user added that change nothing the ledger relies on.
    public var notes: [Item]
    /// True when there is no finding (notes do not count).
    public var isClean: Bool { findings.isEmpty }
}

extension LedgerFile {
    /// The schema the first `version` embedded migrations create, built in an in-memory database
    /// when asked — so it stays right as migrations are added.
    package static func expectedSchema(version: Int) throws -> SchemaDescription {
        let files = EmbeddedMigrations.files.prefix(version).map { (fileName: $0.fileName, sql: $0.text) }
        let db = try Connection(path: ":memory:", mode: .memory)
        defer { db.close() }
        do {
            try Migrator(files: Array(files)).migrate(db, now: 0)
        } catch let error as MigrationError {
            throw LedgerError.migrationHistory(path: "<embedded migrations>", detail: error.description)
        }
        return try SchemaDescription(of: db)
    }

    /// Compares the schema of `db` with what its `user_version` of our migrations creates.
    package static func schemaCheck(_ db: Connection) throws -> SchemaCheckReport {
        try wrap {
            let version = try db.scalar("PRAGMA user_version", as: Int.self)
            let expected = try expectedSchema(version: version)
            let found = try SchemaDescription(of: db)
            let differences = found.differences(from: expected)
            let extraTables = Set(differences.compactMap { difference -> String? in
                if case .extra(let object) = difference, object.type == .table { return object.name.lowercased() }
                return nil
            })
            var report = SchemaCheckReport(findings: [], notes: [])
            for difference in differences {
                switch difference {
                case .missing(let object):
                    report.findings.append(.init(difference: difference, description: "\(object.label) is missing"))
                case .changed(let expected, _, let detail):
                    report.findings.append(.init(difference: difference, description: "\(expected.label) was changed: \(detail)"))
                case .extra(let object):
                    let ownTable = extraTables.contains(object.table.lowercased())
                    // The automatic index of a UNIQUE or PRIMARY KEY constraint of a user's table comes with it.
                    if object.type == .index, object.sql == nil, ownTable { continue }
                    switch object.type {
                    case .trigger:
                        report.findings.append(.init(difference: difference, description:
                            "\(object.label) was not created by portfolio-ledger; a trigger can change or block the ledger's writes"))
                    case .index where object.canRefuseWrites && !ownTable:
                        report.findings.append(.init(difference: difference, description:
                            "\(object.label) was not created by portfolio-ledger and can refuse the ledger's writes (unique, partial or on an expression)"))
                    case .index, .view, .table:
                        report.notes.append(.init(difference: difference, description: "\(object.label) was added (not part of the ledger's schema)"))
                    }
                }
            }
            return report
        }
    }
}
