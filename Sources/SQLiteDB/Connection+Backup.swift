import CSQLite

extension Connection {
    /// Copies the whole database to `destinationPath` with SQLite's online backup API, while other
    /// connections keep reading and writing; the copy is one consistent snapshot.
    ///
    /// The destination is created (or overwritten, but never through a symbolic link) and left in the same journal mode as the copy
    /// it received. Pages are copied in steps, and the copy restarts by itself if another
    /// connection writes meanwhile, so it never yields a torn file.
    /// See <https://www.sqlite.org/backup.html>.
    public func backup(to destinationPath: String, pagesPerStep: Int32 = 4_096) throws {
        let destination = try Connection.openRaw(path: destinationPath)
        defer { sqlite3_close_v2(destination) }
        guard let backup = sqlite3_backup_init(destination, "main", handle, "main") else {
            throw SQLiteError.from(code: sqlite3_errcode(destination), db: destination, sql: nil)
        }
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, pagesPerStep)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(10) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finish == SQLITE_OK else {
            throw SQLiteError.from(code: code == SQLITE_DONE ? finish : code, db: destination, sql: nil)
        }
    }

    /// A bare read-write connection without the open sequence, for a backup destination.
    private static func openRaw(path: String) throws -> OpaquePointer {
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, nil)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteError.from(code: code, db: db, sql: nil)
            sqlite3_close_v2(db)
            throw error
        }
        return db
    }
}
