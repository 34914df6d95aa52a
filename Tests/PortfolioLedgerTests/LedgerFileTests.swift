import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing
@testable import PortfolioLedger

@Suite struct LedgerFileTests {
    let dir = TemporaryDirectory()

    @Test func createMakesAnOwnerOnlyWALLedgerWithStrictTables() throws {
        let path = dir.path("l.sqlite")
        let db = try LedgerFile.create(at: path, now: 1_700_000_000)
        #expect(try db.scalar("PRAGMA journal_mode", as: String.self) == "wal")
        #expect(try db.scalar("PRAGMA user_version", as: Int.self) == LedgerFile.schemaVersion)
        #expect(try db.scalar("PRAGMA application_id", as: Int32.self) == LedgerFile.applicationID)
        var nonStrict: [String] = []
        try db.query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND strict = 0") {
            nonStrict.append(try $0.column(0))
        }
        #expect(nonStrict.isEmpty)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
    }

    @Test func createRefusesAnExistingFile() throws {
        let path = dir.path("l.sqlite")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LedgerError.alreadyExists(path: path)) { _ = try LedgerFile.create(at: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }

    @Test func openRefusesOtherFilesWithoutTouchingThem() throws {
        let text = dir.path("notes.txt")
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let foreign = dir.path("other.sqlite")
        let other = try Connection(path: foreign)
        try other.executeScript("PRAGMA journal_mode = DELETE; CREATE TABLE t (a INTEGER) STRICT")
        other.close()
        let foreignBytes = try Data(contentsOf: URL(fileURLWithPath: foreign))
        for path in [text, foreign, dir.path("missing.sqlite")] {
            let error = #expect(throws: LedgerError.self) { _ = try LedgerFile.openForWriting(at: path) }
            guard case .notALedger(let reported, _) = error else { Issue.record("unexpected \(String(describing: error))"); continue }
            #expect(reported == path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: text)) == Data("hello".utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == foreignBytes)
    }

    @Test func newerSchemaIsRefused() throws {
        let path = dir.path("l.sqlite")
        let db = try LedgerFile.create(at: path)
        try db.executeScript("PRAGMA user_version = 999")
        db.close()
        #expect(throws: LedgerError.newerSchema(path: path, fileVersion: 999, knownVersion: LedgerFile.schemaVersion)) {
            _ = try LedgerFile.openForWriting(at: path)
        }
        #expect(throws: LedgerError.newerSchema(path: path, fileVersion: 999, knownVersion: LedgerFile.schemaVersion)) {
            _ = try LedgerFile.openReadOnly(at: path)
        }
    }

    @Test func readOnlyOpenCannotWrite() throws {
        let path = dir.path("l.sqlite")
        try LedgerFile.create(at: path).close()
        let db = try LedgerFile.openReadOnly(at: path)
        let error = #expect(throws: SQLiteError.self) {
            try db.execute("INSERT INTO ledger_setting VALUES ('k', 'v', 0)")
        }
        #expect(error?.primaryCode == .readOnly)
    }

    @Test func migrateIsIdempotentAndCheckIsClean() throws {
        let path = dir.path("l.sqlite")
        try LedgerFile.create(at: path).close()
        #expect(try LedgerFile.migrate(at: path) == [])
        #expect(try LedgerFile.check(at: path).isClean)
    }

    @Test func backupIsACleanLedgerAndNeverOverwrites() throws {
        let path = dir.path("l.sqlite"), copy = dir.path("copy.sqlite")
        let db = try LedgerFile.create(at: path)
        try db.execute("INSERT INTO ledger_setting VALUES (?, ?, ?)", "numeraire", "USD", Int64(1))
        try LedgerFile.backup(from: path, to: copy)
        let restored = try LedgerFile.openReadOnly(at: copy)
        #expect(try restored.scalar("SELECT setting_value FROM ledger_setting WHERE setting_key = 'numeraire'", as: String.self) == "USD")
        #expect(try LedgerFile.check(at: copy).isClean)
        #expect(throws: LedgerError.alreadyExists(path: copy)) { try LedgerFile.backup(from: path, to: copy) }
    }
}
