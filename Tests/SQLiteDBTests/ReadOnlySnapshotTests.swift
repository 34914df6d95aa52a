import LedgerTestSupport
import Testing
@testable import SQLiteDB

/// Read-only opens of a WAL database whose folder is not writable use SQLite's `immutable` URI
/// (see `Connection.isReadOnlySnapshot`); CLITests' PermissionsTests runs the real case.
@Suite struct ReadOnlySnapshotTests {
    @Test func immutableURIEscapesWhatURIsReserve() {
        #expect(Connection.immutableURI("/tmp/a b/c?d#e%f.ledger") == "file:/tmp/a%20b/c%3Fd%23e%25f.ledger?immutable=1")
        #expect(Connection.immutableURI("book.ledger") == "file:book.ledger?immutable=1")
        #expect(Connection.immutableURI("/é") == "file:/%C3%A9?immutable=1")
    }

    @Test func aWritableFolderIsNotASnapshot() {
        let dir = TemporaryDirectory()
        #expect(!Connection.isReadOnlySnapshot(dir.path("x.ledger")))
    }
}
