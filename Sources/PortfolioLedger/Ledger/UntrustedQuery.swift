internal import SQLiteDB

/// One read-only SQL statement written outside the library (the CLI's `query`, a dashboard),
/// run against a ledger opened read-only.
///
/// The statement is refused before it runs when it could write (SQLite's own
/// `sqlite3_stmt_readonly`), and SQLite's authorizer refuses ATTACH/DETACH, PRAGMAs that change a
/// setting and functions that reveal memory addresses or load files. Rows are handed over as they
/// are read, so a caller can stream millions of them.
public enum UntrustedQuery {
    /// One column value as SQLite stored it (booked money is exact decimal TEXT).
    public enum Value: Sendable, Hashable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
        case null
    }

    /// How a query ended without an error.
    public enum Ending: Sendable, Equatable {
        /// Every row was read.
        case complete
        /// `row` returned `false`: the caller stopped reading.
        case stoppedByCaller
        /// The time limit interrupted the statement; the rows handed over so far are all there is.
        case timedOut
    }

    /// Why a query was refused or failed. Nothing was written in any case.
    public enum Failure: Error, Sendable, Equatable {
        /// The statement could write (INSERT, UPDATE, DELETE, DDL, a writing PRAGMA).
        case wouldWrite
        /// SQLite's authorizer refused it (ATTACH, DETACH, a setting PRAGMA, a refused function);
        /// SQLite's message.
        case notAuthorized(String)
        /// Any other SQL error (syntax, unknown table …); SQLite's message.
        case sql(String)
    }

    /// Runs `sql` on the ledger at `path`.
    /// - Parameters:
    ///   - path: the ledger file (opened read-only; a file that still needs migrations is accepted).
    ///   - sql: one statement (SELECT, WITH … SELECT, or a read-only PRAGMA).
    ///   - timeoutSeconds: interrupt the statement after this long; `nil` = no limit.
    ///   - columns: called once with the column names before the first row.
    ///   - row: called for each row; return `false` to stop reading.
    /// - Throws: ``Failure`` for a refused or failing statement; ``LedgerError`` when the file is not
    ///   a readable ledger.
    public static func run(ledgerAt path: String, sql: String, timeoutSeconds: Double? = nil,
                           columns: ([String]) throws -> Void, row: ([Value]) throws -> Bool) throws -> Ending {
        let db = try LedgerFile.openReadOnly(at: path, allowOlderSchema: true)
        defer { db.close() }
        try LedgerFile.wrap { try db.confineUntrustedSQL() }
        do {
            return try withTimeLimit(db, timeoutSeconds) {
                try db.withStatement(sql) { statement -> Ending in
                    guard statement.isReadOnly else { throw Failure.wouldWrite }
                    let count = statement.columnCount
                    try columns((0..<count).map { statement.columnName($0) })
                    do {
                        while try statement.step() {
                            guard try row((0..<count).map { Value(try statement.value(at: $0)) }) else { return .stoppedByCaller }
                        }
                    } catch let error as SQLiteError where error.primaryCode == .interrupt {
                        return .timedOut
                    }
                    return .complete
                }
            }
        } catch let error as SQLiteError {
            throw error.primaryCode == .auth ? Failure.notAuthorized(error.message) : Failure.sql(error.message)
        }
    }

    private static func withTimeLimit<R>(_ db: Connection, _ seconds: Double?, _ body: () throws -> R) throws -> R {
        if let seconds, seconds > 0 { try db.withDeadline(seconds: seconds, body) } else { try body() }
    }
}

extension UntrustedQuery.Value {
    init(_ value: DatabaseValue) {
        switch value {
        case .integer(let v): self = .integer(v)
        case .real(let v): self = .real(v)
        case .text(let v): self = .text(v)
        case .blob(let v): self = .blob(v)
        case .null: self = .null
        }
    }
}
