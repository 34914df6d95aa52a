import LedgerTestSupport
import Foundation
import Testing
@testable import SQLiteDB

@Suite struct OpenSequenceTests {
    let dir = TemporaryDirectory()
    let ours: Int32 = 0x1234_5678

    @Test func openSetsWALForeignKeysSynchronousAndApplicationID() throws {
        let db = try Connection(path: dir.path("o.sqlite"), options: .init(synchronous: .full, applicationID: ours))
        #expect(try db.scalar("PRAGMA journal_mode", as: String.self) == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA synchronous", as: Int.self) == 2)
        #expect(try db.scalar("PRAGMA application_id", as: Int32.self) == ours)
    }

    @Test func fileOfAnotherApplicationIsRefusedUnmodified() throws {
        let path = dir.path("other.sqlite")
        let other = try Connection(path: path)
        try other.executeScript("PRAGMA journal_mode = DELETE; CREATE TABLE x (a INTEGER) STRICT")
        other.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = #expect(throws: OpenError.self) {
            _ = try Connection(path: path, options: .init(applicationID: ours))
        }
        guard case .foreignFile(_, 0, false) = error else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func textFileIsRefusedUnmodified() throws {
        let path = dir.path("notes.txt")
        let text = Data("this is not a database, but it is long enough to look like a header maybe\n".utf8)
        try text.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: OpenError.self) {
            _ = try Connection(path: path, mode: .readWrite(create: false), options: .init(applicationID: ours))
        }
        #expect(error == .notADatabase(path: path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == text)
    }

    @Test func missingFileWithoutCreateIsCannotOpen() throws {
        let error = #expect(throws: OpenError.self) {
            _ = try Connection(path: dir.path("missing.sqlite"), mode: .readWrite(create: false))
        }
        guard case .cannotOpen = error else { Issue.record("unexpected \(String(describing: error))"); return }
    }

    @Test func emptyDatabaseIsClaimedOnlyWhenCreating() throws {
        let path = dir.path("empty.sqlite")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        #expect(throws: OpenError.self) { _ = try Connection(path: path, mode: .readWrite(create: false), options: .init(applicationID: ours)) }
        let db = try Connection(path: path, mode: .readWrite(create: true), options: .init(applicationID: ours))
        #expect(try db.scalar("PRAGMA application_id", as: Int32.self) == ours)
    }

    @Test func asOfLookupOnCompositePrimaryKeyIsAnIndexSeek() throws {
        let db = try Connection(path: dir.path("plan.sqlite"))
        try db.executeScript("""
            CREATE TABLE observation (series_id INTEGER NOT NULL, observed_at INTEGER NOT NULL, value REAL NOT NULL,
                                      PRIMARY KEY (series_id, observed_at)) STRICT, WITHOUT ROWID;
            """)
        var plan: [String] = []
        try db.query("""
            EXPLAIN QUERY PLAN SELECT observed_at, value FROM observation
            WHERE series_id = ? AND observed_at <= ? ORDER BY observed_at DESC LIMIT 1
            """, Int64(1), Int64(0)) { plan.append(try $0.column(3)) }
        #expect(plan.count == 1)
        #expect(plan.first?.hasPrefix("SEARCH observation USING PRIMARY KEY (series_id=? AND observed_at<?)") == true)
        #expect(plan.allSatisfy { !$0.contains("TEMP B-TREE") && !$0.hasPrefix("SCAN") })
    }
}
