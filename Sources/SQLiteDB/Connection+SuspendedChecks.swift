import CSQLite

/// Schema checks that ``Connection/withSuspended(_:_:)`` can switch off for a while.
public struct SuspendableChecks: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Every trigger (`SQLITE_DBCONFIG_ENABLE_TRIGGER`).
    public static let triggers = SuspendableChecks(rawValue: 1)
    /// Foreign-key enforcement (`SQLITE_DBCONFIG_ENABLE_FKEY`, the setting of `PRAGMA foreign_keys`).
    public static let foreignKeys = SuspendableChecks(rawValue: 2)

    var options: [Int32] {
        (contains(.triggers) ? [SQLITE_DBCONFIG_ENABLE_TRIGGER] : []) + (contains(.foreignKeys) ? [SQLITE_DBCONFIG_ENABLE_FKEY] : [])
    }
}

extension Connection {
    /// Runs `body` with `checks` switched off for this connection, and switches them back on
    /// afterwards, even when `body` throws. Other connections are not affected. A check that is
    /// already off stays off (so nested calls compose).
    ///
    /// Only for a caller that has established, for every row the statements in `body` write,
    /// that the suspended checks could not change anything: they are the schema's guarantees, and
    /// while they are off none of them runs. SQLite expires every prepared statement when such a
    /// setting changes (each is prepared again on its next use), so a switch costs a re-prepare
    /// of the statements used next — suspend per thousands of rows, not per row. Unlike
    /// `PRAGMA foreign_keys`, this also works inside a transaction.
    /// See <https://www.sqlite.org/c3ref/c_dbconfig_defensive.html>.
    public func withSuspended<R>(_ checks: SuspendableChecks, _ body: () throws -> R) throws -> R {
        var switched: [Int32] = []
        defer {
            for option in switched {
                var restored: Int32 = 0
                _ = csqlite_db_config_flag(handle, option, 1, &restored)
            }
        }
        for option in checks.options where flag(option) {
            var current: Int32 = 1
            let code = csqlite_db_config_flag(handle, option, 0, &current)
            guard code == SQLITE_OK, current == 0 else {
                throw SQLiteError(extendedCode: ResultCode(rawValue: code == SQLITE_OK ? SQLITE_MISUSE : code),
                                  message: "could not switch off sqlite3_db_config option \(option)")
            }
            switched.append(option)
        }
        return try body()
    }

    /// Whether `check` is switched on for this connection (triggers always are, except inside
    /// ``withSuspended(_:_:)``; foreign keys as the ledger opens its connections).
    public func isEnabled(_ check: SuspendableChecks) -> Bool {
        check.options.allSatisfy(flag)
    }

    private func flag(_ option: Int32) -> Bool { configFlag(option) }
}
