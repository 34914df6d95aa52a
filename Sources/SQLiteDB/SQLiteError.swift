import CSQLite

/// An error reported by SQLite: its extended result code, its message, and the SQL it was running.
///
/// Bound values are never included: they may be private financial data. Match on
/// ``extendedCode`` or ``primaryCode`` (never on message text), e.g.
/// `error.primaryCode == .constraint` or `error.extendedCode == .constraintForeignKey`.
/// See <https://www.sqlite.org/rescode.html>.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The extended result code (e.g. `SQLITE_CONSTRAINT_CHECK` = 275).
    public var extendedCode: ResultCode
    /// SQLite's own English message for this error.
    public var message: String
    /// The SQL statement that failed, when there was one.
    public var sql: String?

    public init(extendedCode: ResultCode, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The primary result code (the low 8 bits of the extended code).
    public var primaryCode: ResultCode { ResultCode(rawValue: extendedCode.rawValue & 0xFF) }

    public var description: String {
        var text = "SQLite error \(extendedCode.rawValue) (\(extendedCode.name)): \(message)"
        if let sql { text += " — while running: \(sql)" }
        return text
    }

    /// Builds the error for `code` from the connection's current error message.
    @usableFromInline static func from(code: Int32, db: OpaquePointer?, sql: String?) -> SQLiteError {
        // sqlite3_extended_errcode reports the most recent API failure on this connection, which is
        // more precise than `code` when extended codes are on; fall back to `code` without a db.
        let extended = db.map { sqlite3_extended_errcode($0) } ?? code
        let message: String
        if let db, let cMessage = sqlite3_errmsg(db) {
            message = String(cString: cMessage)
        } else {
            message = String(cString: sqlite3_errstr(code))
        }
        return SQLiteError(extendedCode: ResultCode(rawValue: extended == 0 ? code : extended), message: message, sql: sql)
    }
}

/// A SQLite (extended) result code. See <https://www.sqlite.org/rescode.html>.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let ioError = ResultCode(rawValue: SQLITE_IOERR)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
    public static let tooBig = ResultCode(rawValue: SQLITE_TOOBIG)
    public static let auth = ResultCode(rawValue: SQLITE_AUTH)
    public static let interrupt = ResultCode(rawValue: SQLITE_INTERRUPT)
    // Extended codes used by the layers above (values from sqlite3.h; the macros are not imported).
    public static let constraintCheck = ResultCode(rawValue: SQLITE_CONSTRAINT | (1 << 8))
    public static let constraintForeignKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (3 << 8))
    public static let constraintNotNull = ResultCode(rawValue: SQLITE_CONSTRAINT | (5 << 8))
    public static let constraintPrimaryKey = ResultCode(rawValue: SQLITE_CONSTRAINT | (6 << 8))
    public static let constraintTrigger = ResultCode(rawValue: SQLITE_CONSTRAINT | (7 << 8))
    public static let constraintUnique = ResultCode(rawValue: SQLITE_CONSTRAINT | (8 << 8))
    public static let constraintDataType = ResultCode(rawValue: SQLITE_CONSTRAINT | (12 << 8))
    public static let readOnlyDatabaseMoved = ResultCode(rawValue: SQLITE_READONLY | (4 << 8))
    public static let busySnapshot = ResultCode(rawValue: SQLITE_BUSY | (2 << 8))

    /// SQLite's short name for the code's primary part, e.g. "constraint failed".
    public var name: String { String(cString: sqlite3_errstr(rawValue)) }
    public var description: String { "\(rawValue) (\(name))" }
}
