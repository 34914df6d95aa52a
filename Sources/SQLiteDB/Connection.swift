import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One connection to a SQLite database file, opened with the sequence of DESIGN §3.
///
/// Not thread-safe by design: a connection belongs to one owner at a time (the ledger wraps its
/// connections in a lock). Several connections — in this process or others — may use one file;
/// WAL lets readers proceed while one writer writes.
/// See <https://www.sqlite.org/wal.html> and <https://www.sqlite.org/pragma.html>.
public final class Connection {
    /// How to open the file.
    public enum Mode: Sendable, Equatable {
        /// Read and write; create the file when `create` is true and it does not exist.
        case readWrite(create: Bool)
        /// Read only: every write statement fails with `SQLITE_READONLY`.
        case readOnly
        /// A private, empty database in memory (the path is ignored), e.g. to build a reference
        /// schema. No WAL: an in-memory database has no journal file.
        case memory
    }

    /// `PRAGMA synchronous` levels. See <https://www.sqlite.org/pragma.html#pragma_synchronous>.
    public enum Synchronous: String, Sendable {
        /// In WAL mode, durable across power loss: every commit syncs the WAL.
        case full = "FULL"
        /// In WAL mode, consistent but the last commits may be lost on power loss.
        case normal = "NORMAL"
    }

    /// Settings applied when opening.
    public struct Options: Sendable {
        /// How long a statement waits for another connection's lock before `SQLITE_BUSY` (ms).
        public var busyTimeoutMilliseconds: Int32 = 5_000
        /// Durability level; FULL by default because the files hold financial history.
        public var synchronous: Synchronous = .full
        /// The file's `application_id`: a read-write open stamps it on an empty database and every
        /// open refuses a non-empty database that carries another id (`nil` = no check).
        public var applicationID: Int32?
        public init(busyTimeoutMilliseconds: Int32 = 5_000, synchronous: Synchronous = .full, applicationID: Int32? = nil) {
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.synchronous = synchronous
            self.applicationID = applicationID
        }
    }

    /// The oldest SQLite accepted: 3.37.0 introduced STRICT tables.
    public static let minimumSQLiteVersionNumber: Int32 = 3_037_000

    /// The version of the SQLite library in use, e.g. "3.40.1".
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    @usableFromInline let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String
    /// How the connection was opened.
    public let mode: Mode
    private var statementCache: [String: Statement] = [:]
    /// The most recently checked-out statements, looked at before ``statementCache``: callers
    /// pass the same constant SQL string again and again, and comparing it with the string a
    /// statement was prepared from is then a pointer comparison, while a dictionary lookup hashes
    /// every byte of it (≈ 1,200 instructions for a 150-character query, measured with callgrind).
    private var recentStatements: [Statement] = []
    private static let recentStatementLimit = 8
    /// Nesting depth of savepoints opened by ``write(_:)`` inside a transaction.
    var savepointDepth = 0
    private var isClosed = false

    /// Opens `path` (see ``Mode`` and ``Options``) and runs the open sequence: extended result
    /// codes, SQLite ≥ 3.37, busy timeout, application id check, `foreign_keys=ON`, WAL (verified),
    /// explicit `synchronous`. The application id is checked before anything is written, so a file
    /// that is not ours (another database, or not a database at all) is refused unmodified.
    ///
    /// - Throws: ``OpenError`` for a file that is not acceptable, ``SQLiteError`` otherwise.
    public init(path: String, mode: Mode = .readWrite(create: true), options: Options = Options()) throws {
        guard sqlite3_libversion_number() >= Connection.minimumSQLiteVersionNumber else {
            throw OpenError.sqliteTooOld(found: Connection.sqliteVersion, required: "3.37.0")
        }
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var openPath = path
        switch mode {
        case .readOnly:
            flags |= SQLITE_OPEN_READONLY
            if Connection.isReadOnlySnapshot(path) {
                openPath = Connection.immutableURI(path)
                flags |= SQLITE_OPEN_URI
            }
        case .readWrite(let create):
            // A file being created is never reached through a symbolic link: a link planted at the
            // path must not redirect the new file's writes to its target. (An existing ledger
            // opened for writing may be the user's own link, e.g. into a synced folder.)
            // See <https://www.sqlite.org/c3ref/open.html> (SQLITE_OPEN_NOFOLLOW).
            flags |= SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW : 0)
        case .memory:
            flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY
            openPath = ":memory:"
        }
        var db: OpaquePointer?
        let code = sqlite3_open_v2(openPath, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let error = SQLiteError.from(code: code, db: db, sql: nil)
            sqlite3_close_v2(db)
            if code == SQLITE_CANTOPEN { throw OpenError.cannotOpen(path: path, reason: error.message) }
            throw error
        }
        self.handle = db
        self.path = path
        self.mode = mode
        do {
            sqlite3_extended_result_codes(db, 1)
            sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
            try runOpenSequence(options: options)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// True when a read-only open could not work normally: reading a WAL database needs its `-shm`
    /// (and `-wal`) file, which SQLite creates when missing, and here neither exists and the folder
    /// is not writable (e.g. a ledger archived read-only, `chmod 0400` in a `0555` folder). With no
    /// `-wal` file no connection has uncheckpointed commits, so the database file alone is the whole
    /// database, and it is opened with `immutable=1` (no locks, no shared memory).
    /// See <https://www.sqlite.org/wal.html#readonly> and <https://www.sqlite.org/uri.html#uriimmutable>.
    static func isReadOnlySnapshot(_ path: String) -> Bool {
        guard access(path + "-wal", F_OK) != 0, access(path + "-shm", F_OK) != 0 else { return false }
        let folder = path.lastIndex(of: "/").map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        return access(folder, W_OK) != 0
    }

    /// `file:PATH?immutable=1`, the path percent-encoded as SQLite's URI filenames require.
    static func immutableURI(_ path: String) -> String {
        var uri = "file:"
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                uri.unicodeScalars.append("%")
                uri.unicodeScalars.append(hex[Int(byte >> 4)])
                uri.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return uri + "?immutable=1"
    }

    private func runOpenSequence(options: Options) throws {
        // The first read: a file that is not a database fails here, before anything is written.
        let foundID: Int32
        let isEmpty: Bool
        do {
            foundID = try scalar("PRAGMA application_id", as: Int32.self)
            isEmpty = try scalar("SELECT count(*) FROM sqlite_schema", as: Int64.self) == 0
        } catch let error as SQLiteError where error.primaryCode == .notADatabase {
            throw OpenError.notADatabase(path: path)
        }
        if let expected = options.applicationID, foundID != expected {
            // Only an empty database opened for writing may be claimed: anything else is not ours.
            let canClaim = isEmpty && foundID == 0 && mode == .readWrite(create: true)
            guard canClaim else { throw OpenError.foreignFile(path: path, applicationID: foundID, isEmpty: isEmpty) }
        }
        try execute("PRAGMA foreign_keys = ON")
        guard try scalar("PRAGMA foreign_keys", as: Int64.self) == 1 else {
            throw OpenError.pragmaRefused(pragma: "foreign_keys", answer: "0")
        }
        if case .readWrite = mode {
            // Switching a rollback-journal file to WAL needs an exclusive lock, and SQLite answers
            // SQLITE_BUSY at once, without the busy handler, when another connection opening the
            // same file holds a shared lock (e.g. two processes migrating an old file together).
            let journal = try retryingWhileBusy(upTo: options.busyTimeoutMilliseconds) {
                try scalar("PRAGMA journal_mode = WAL", as: String.self)
            }
            guard journal.lowercased() == "wal" else { throw OpenError.pragmaRefused(pragma: "journal_mode=WAL", answer: journal) }
            try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
            if let expected = options.applicationID, foundID != expected {
                // PRAGMA arguments cannot be bound; the value is an Int32 from our own code.
                try execute("PRAGMA application_id = \(expected)")
            }
        }
    }

    /// Runs `body` again every 10 ms while it fails with `SQLITE_BUSY`, for up to `milliseconds`,
    /// for the statements that SQLite does not retry through the busy handler.
    private func retryingWhileBusy<R>(upTo milliseconds: Int32, _ body: () throws -> R) throws -> R {
        var waited: Int32 = 0
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.primaryCode == .busy && waited < milliseconds {
                sqlite3_sleep(10)
                waited += 10
            }
        }
    }

    /// Finalizes every cached statement and closes the connection. Safe to call twice.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        for statement in statementCache.values { statement.finalize() }
        statementCache.removeAll()
        recentStatements.removeAll()
        // close_v2 defers the close until any statement still held elsewhere is finalized.
        sqlite3_close_v2(handle)
    }

    // MARK: Statements

    /// Runs `body` with the cached prepared statement for `sql`, then resets it and clears its
    /// bindings — even when `body` throws. A nested use of the same SQL gets a fresh statement.
    @inlinable public func withStatement<R>(_ sql: String, _ body: (Statement) throws -> R) throws -> R {
        let statement = try checkOutStatement(sql)
        defer { checkIn(statement) }
        return try body(statement)
    }

    @usableFromInline func checkOutStatement(_ sql: String) throws -> Statement {
        for recent in recentStatements where !recent.isInUse && recent.sql == sql {
            recent.isInUse = true
            return recent
        }
        if let cached = statementCache[sql], !cached.isInUse {
            cached.isInUse = true
            remember(cached)
            return cached
        }
        let statement = try Statement(connection: self, sql: sql)
        statement.isInUse = true
        if statementCache[sql] == nil {
            statementCache[sql] = statement
            remember(statement)
        }
        return statement
    }

    /// Puts a cached statement at the front of ``recentStatements``, dropping the oldest.
    private func remember(_ statement: Statement) {
        if recentStatements.count == Self.recentStatementLimit { recentStatements.removeLast() }
        recentStatements.insert(statement, at: 0)
    }

    @usableFromInline func checkIn(_ statement: Statement) {
        statement.reset()
        statement.isInUse = false
    }

    /// Finalizes every cached statement not in use, so the next use prepares it again (e.g. after
    /// a setting that applies at prepare time, such as an authorizer, changed).
    func clearStatementCache() {
        for (sql, statement) in statementCache where !statement.isInUse {
            statement.finalize()
            statementCache[sql] = nil
        }
        recentStatements.removeAll { $0.isFinalized }
    }

    /// Number of statements currently cached (for tests and diagnostics).
    public var cachedStatementCount: Int { statementCache.count }

    /// Runs one statement with bound values to completion; returns the number of rows changed.
    @inlinable @discardableResult
    public func execute<each V: SQLiteBindable>(_ sql: String, _ values: repeat each V) throws -> Int {
        try withStatement(sql) { statement in
            try statement.bind(repeat each values)
            while try statement.step() {}
            return Int(sqlite3_changes64(handle))
        }
    }

    /// Runs a script of several statements without parameters (e.g. a migration file).
    /// Never pass user values here: they cannot be bound.
    public func executeScript(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        if code != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: ResultCode(rawValue: sqlite3_extended_errcode(handle)), message: text, sql: sql)
        }
    }

    /// Runs a query with bound values and calls `row` for each result row.
    @inlinable public func query<each V: SQLiteBindable>(_ sql: String, _ values: repeat each V, row: (Statement) throws -> Void) throws {
        try withStatement(sql) { statement in
            try statement.bind(repeat each values)
            while try statement.step() { try row(statement) }
        }
    }

    /// The first column of the first row, or `nil` when there is no row.
    @inlinable public func scalarIfAny<T: SQLiteColumnReadable, each V: SQLiteBindable>(_ sql: String, _ values: repeat each V, as type: T.Type = T.self) throws -> T? {
        try withStatement(sql) { statement in
            try statement.bind(repeat each values)
            return try statement.step() ? try statement.column(0, as: T.self) : nil
        }
    }

    /// The first column of the first row; throws when the query returns no row.
    @inlinable public func scalar<T: SQLiteColumnReadable, each V: SQLiteBindable>(_ sql: String, _ values: repeat each V, as type: T.Type = T.self) throws -> T {
        guard let value = try scalarIfAny(sql, repeat each values, as: T.self) else {
            throw SQLiteError(extendedCode: .error, message: "query returned no row", sql: sql)
        }
        return value
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True when no transaction is open (autocommit mode).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE (0 for a row skipped by
    /// `RAISE(IGNORE)` or `INSERT OR IGNORE`).
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Total rows changed by this connection since it opened.
    public var totalChanges: Int64 { sqlite3_total_changes64(handle) }
}

/// Why a file could not be opened as a database of ours.
public enum OpenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The linked SQLite is older than the minimum (STRICT tables need 3.37).
    case sqliteTooOld(found: String, required: String)
    /// The file could not be opened (missing, a directory, no permission…).
    case cannotOpen(path: String, reason: String)
    /// The file is not a SQLite database at all.
    case notADatabase(path: String)
    /// A SQLite database that belongs to another application (or an unclaimed non-empty one).
    case foreignFile(path: String, applicationID: Int32, isEmpty: Bool)
    /// SQLite did not accept a setting the open sequence requires.
    case pragmaRefused(pragma: String, answer: String)

    public var description: String {
        switch self {
        case .sqliteTooOld(let found, let required): "SQLite \(found) is too old: \(required) or newer is required (STRICT tables)"
        case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
        case .notADatabase(let path): "\(path) is not a SQLite database"
        case .foreignFile(let path, let id, let isEmpty):
            isEmpty ? "\(path) is an empty database that was not created by this library (application_id \(id))"
                : "\(path) is a SQLite database of another application (application_id \(id))"
        case .pragmaRefused(let pragma, let answer): "SQLite refused \(pragma) (answered \(answer))"
        }
    }
}
