import LedgerTestSupport
import Foundation
import SQLiteDB
import Testing
@testable import PortfolioLedger

/// The one safe way to create an output file: owner-only, never through a link, never over an
/// existing file unless asked, and nothing left behind when the producer fails.
@Suite struct OutputFileTests {
    let dir = TemporaryDirectory()
    struct Boom: Error {}

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.url.path).sorted() }

    @Test func writesANewOwnerOnlyFile() throws {
        let path = dir.path("a.txt")
        let returned = try OutputFile.write(to: path, existing: .refuse) { file in
            try file.write(Data("hello ".utf8))
            try file.write(Data("world".utf8))
            return 42
        }
        #expect(returned == 42)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello world")
        #expect(try mode(path) == 0o600)
        #expect(try entries() == ["a.txt"])
    }

    @Test func refusesAnExistingFileUnlessReplacing() throws {
        let path = dir.path("a.txt")
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: LedgerError.alreadyExists(path: path)) {
            try OutputFile.write(to: path, existing: .refuse) { try $0.write(Data("new".utf8)) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        try OutputFile.write(to: path, existing: .replace) { try $0.write(Data("new".utf8)) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try mode(path) == 0o600)
        #expect(try entries() == ["a.txt"])
    }

    @Test func neverWritesThroughOrReplacesALink() throws {
        let target = dir.path("target"), link = dir.path("link")
        try Data("target".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(throws: LedgerError.alreadyExists(path: link)) { try OutputFile.write(to: link, existing: .refuse) { _ in } }
        #expect(throws: LedgerError.cannotCreate(path: link, reason: "it is a symbolic link; portfolio-ledger never writes through or replaces a link")) {
            try OutputFile.write(to: link, existing: .replace) { _ in }
        }
        #expect(throws: LedgerError.alreadyExists(path: link)) { try OutputFile.reserve(link) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "target")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
    }

    @Test func aFailingProducerLeavesNothingAndKeepsTheOldFile() throws {
        let fresh = dir.path("fresh"), kept = dir.path("kept")
        try Data("kept".utf8).write(to: URL(fileURLWithPath: kept))
        #expect(throws: Boom.self) { try OutputFile.write(to: fresh, existing: .refuse) { try $0.write(Data("x".utf8)); throw Boom() } }
        #expect(throws: Boom.self) { try OutputFile.write(to: kept, existing: .replace) { try $0.write(Data("x".utf8)); throw Boom() } }
        #expect(try entries() == ["kept"])
        #expect(try String(contentsOfFile: kept, encoding: .utf8) == "kept")
    }

    @Test func aFolderThatCannotBeWrittenIsCannotCreate() throws {
        let path = dir.path("missing/x")
        #expect(throws: LedgerError.cannotCreate(path: path, reason: "No such file or directory")) { try OutputFile.reserve(path) }
        #expect(throws: LedgerError.cannotCreate(path: path, reason: "No such file or directory")) {
            try OutputFile.write(to: path, existing: .refuse) { _ in }
        }
        #expect(throws: LedgerError.cannotCreate(path: dir.url.path, reason: "it is a directory")) {
            try OutputFile.write(to: dir.url.path, existing: .replace) { _ in }
        }
    }

    @Test func ledgerCreateAndBackupGoThroughIt() throws {
        let path = dir.path("l.ledger"), copy = dir.path("copy.ledger")
        _ = try Ledger.create(at: path)
        #expect(try mode(path) == 0o600)
        #expect(throws: LedgerError.alreadyExists(path: path)) { _ = try Ledger.create(at: path) }
        try LedgerFile.backup(from: path, to: copy)
        #expect(throws: LedgerError.alreadyExists(path: copy)) { try LedgerFile.backup(from: path, to: copy) }
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: copy)
        try LedgerFile.backup(from: path, to: copy, existing: .replace)
        #expect(try mode(copy) == 0o600)
        #expect(try LedgerFile.check(at: copy).isClean)
        #expect(try entries().filter { $0.contains(".tmp-") }.isEmpty)
    }
}

/// The schema check through the API: a fresh ledger matches its migrations; tampering is found.
@Suite struct LedgerSchemaCheckTests {
    let dir = TemporaryDirectory()

    @Test func aFreshLedgerMatchesTheSchemaItsMigrationsCreate() throws {
        let path = dir.path("s.ledger")
        let ledger = try Ledger.create(at: path)
        let report = try ledger.check()
        #expect(report.isClean && report.schema.findings.isEmpty && report.schema.notes.isEmpty)
        let expected = try LedgerFile.expectedSchema(version: LedgerFile.schemaVersion)
        #expect(expected.objects.contains { $0.type == .trigger && $0.name == "nft_trade_no_delete" })
        #expect(expected.objects.contains { $0.type == .table && $0.name == "schema_migration" })
        #expect(try LedgerFile.check(at: path).balanceAssertionsChecked)
    }

    @Test func aDroppedTriggerIsAFindingThroughTheAPI() throws {
        let path = dir.path("s.ledger")
        _ = try Ledger.create(at: path)
        let raw = try Connection(path: path, mode: .readWrite(create: false))
        try raw.executeScript("DROP TRIGGER nft_trade_no_delete; CREATE VIEW mine AS SELECT 1 AS one;")
        raw.close()
        let report = try LedgerFile.check(at: path)
        #expect(!report.isClean)
        #expect(report.schema.findings.map(\.description) == ["trigger nft_trade_no_delete on nft_trade is missing"])
        #expect(report.schema.notes.map(\.description) == ["view mine was added (not part of the ledger's schema)"])
        #expect(!report.balanceAssertionsChecked)
        let ledger = try Ledger.openReadOnly(at: path)
        #expect(try !ledger.check().isClean)
    }
}
