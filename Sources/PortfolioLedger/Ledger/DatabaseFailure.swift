internal import SQLiteDB

/// An error SQLite reported, as the library's API shows it: no SQLiteDB type crosses the
/// PortfolioLedger boundary, so apps and the CLI depend on this module alone.
///
/// Match on ``extendedCode`` / ``primaryCode`` (SQLite's result codes,
/// <https://www.sqlite.org/rescode.html>) or on ``isBusy``, never on the message text.
public struct DatabaseFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// SQLite's extended result code (e.g. 275 for `SQLITE_CONSTRAINT_CHECK`).
    public var extendedCode: Int32
    /// SQLite's own English message.
    public var message: String
    /// The SQL statement that failed, when there was one (bound values are never included).
    public var sql: String?
    /// One line for people: the code, its name, the message and the statement.
    public let description: String

    /// The primary result code (the low 8 bits of the extended one).
    public var primaryCode: Int32 { extendedCode & 0xFF }
    /// True when another connection held the lock for longer than the busy timeout: nothing was
    /// written, and trying again later can succeed.
    public var isBusy: Bool { primaryCode == ResultCode.busy.rawValue }

    init(_ error: SQLiteError) {
        extendedCode = error.extendedCode.rawValue
        message = error.message
        sql = error.sql
        description = error.description
    }
}

extension LedgerError {
    /// A SQLite error that is not one of the library's own refusals, as a ``LedgerError/database(_:)``.
    static func database(_ error: SQLiteError) -> LedgerError { .database(DatabaseFailure(error)) }
}
