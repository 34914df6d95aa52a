import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Every earlier schema version has a fixture ledger, and every fixture migrates to the current
/// schema with all its data intact: each row of each table it had, in the columns it had, is still
/// there afterwards, and the file checks clean. Adding migration N+1 without a `schema-vN.ledger`
/// fixture fails here (SchemaUpgradeTests checks each fixture's own content in detail).
@Suite struct SchemaFixtureCoverageTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var fixtureVersions: [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("schema-v"), name.hasSuffix(".ledger") else { return nil }
            return Int(name.dropFirst("schema-v".count).dropLast(".ledger".count))
        }.sorted()
    }

    /// Tables whose rows are part of the schema (0009): a later migration may add rows, never change one.
    static let referenceTables: Set<String> = ["lending_protocol", "interest_model"]

    @Test func everyEarlierSchemaVersionHasAFixture() {
        for version in 1..<LedgerFile.schemaVersion {
            #expect(Self.fixtureVersions.contains(version), "no Fixtures/schema-v\(version).ledger: add one (written by that version) with its migration's successor")
        }
    }

    @Test(arguments: fixtureVersions)
    func fixtureMigratesWithAllItsData(version: Int) throws {
        let path = dir.path("v\(version).ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v\(version).ledger").path, toPath: path)
        let before = try rowsByTable(path)
        #expect(try Connection(path: path, mode: .readOnly).scalar("PRAGMA user_version", as: Int.self) == version)
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied.count == LedgerFile.schemaVersion - version)
        #expect(try LedgerFile.check(at: path).isClean)
        let after = try rowsByTable(path, columnsOf: before)
        for (table, rows) in before {
            if Self.referenceTables.contains(table) {
                // Reference data grows by migration (a new interest model is one INSERT); its rows never change.
                let kept = Set(after[table]?.rows ?? [])
                #expect(rows.rows.allSatisfy(kept.contains), "reference table \(table) lost or changed rows in the upgrade from schema \(version)")
            } else {
                #expect(after[table].map(\.rows) == rows.rows, "table \(table) lost or changed rows in the upgrade from schema \(version)")
            }
        }
        let ledger = try Ledger.openReadOnly(at: path)
        #expect(try ledger.check().isClean)
    }

    /// Every table's rows (sorted text), in the given columns or all of the table's columns.
    private func rowsByTable(_ path: String, columnsOf reference: [String: (columns: [String], rows: [String])]? = nil) throws
        -> [String: (columns: [String], rows: [String])] {
        let db = try Connection(path: path, mode: .readOnly)
        defer { db.close() }
        var tables: [String] = []
        try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migration'") {
            tables.append(try $0.column(0))
        }
        var result: [String: (columns: [String], rows: [String])] = [:]
        for table in tables {
            var columns: [String] = []
            try db.query("SELECT name FROM pragma_table_info(?)", table) { columns.append(try $0.column(0)) }
            if let reference {
                guard let old = reference[table] else { continue }
                columns = old.columns
            }
            var rows: [String] = []
            // Identifiers come from sqlite_schema and pragma_table_info, not from a user.
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try db.query("SELECT \(list) FROM \"\(table)\"") { row in
                rows.append((0..<row.columnCount).map { row.isNull($0) ? "NULL" : (try? row.column($0, as: String.self)) ?? "?" }.joined(separator: "|"))
            }
            result[table] = (columns, rows.sorted())
        }
        return result
    }
}
