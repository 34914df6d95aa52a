import LedgerTestSupport
import Foundation
import LedgerMath
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// Every earlier schema version's fixture migrates to the current one with its data intact.
@Suite struct SchemaUpgradeTests {
    let dir = TemporaryDirectory()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    @Test func schemaV1LedgerMigratesWithItsDataIntact() throws {
        let path = dir.path("v1.ledger")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("schema-v1.ledger").path, toPath: path)
        #expect(throws: LedgerError.needsMigration(path: path, fileVersion: 1, knownVersion: LedgerFile.schemaVersion)) {
            _ = try LedgerFile.openReadOnly(at: path)
        }
        #expect(try LedgerFile.check(at: path).isClean)
        let applied = try LedgerFile.migrate(at: path)
        #expect(applied.first == "0002_ledger_core.sql" && applied.count == LedgerFile.schemaVersion - 1)
        let db = try LedgerFile.openReadOnly(at: path)
        #expect(try db.scalar("PRAGMA user_version", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try db.scalar("SELECT setting_value FROM ledger_setting WHERE setting_key = 'numeraire'", as: String.self) == "USD")
        #expect(try db.scalar("SELECT count(*) FROM schema_migration", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try LedgerFile.check(at: path).isClean)
        // The upgraded file is a working ledger.
        let ledger = try Ledger.open(at: path)
        let id = try ledger.write { tx in try tx.addCollection(chain: "ethereum", contractAddress: "0xabc", name: "Test") }
        #expect(try ledger.read { try $0.collection(id)?.name } == "Test")
    }
}
