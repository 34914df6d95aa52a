import CSQLite

extension Connection {
    /// SQL functions that an untrusted statement may not call: they reveal process memory
    /// addresses (`fts3_tokenizer` returns a pointer) or load code from files (`load_extension`).
    /// `readfile`, `writefile` and `edit` exist only in the `sqlite3` shell but are listed so the
    /// rule holds if a build ever registers them.
    public static let untrustedDeniedFunctions: Set<String> = [
        "fts3_tokenizer", "load_extension", "readfile", "writefile", "edit",
    ]

    /// PRAGMAs that may take an argument in untrusted SQL: they only read the schema or check the
    /// file. Any other PRAGMA given a value (`PRAGMA trusted_schema = 1`, `temp_store_directory`…)
    /// is refused, so a statement cannot undo the settings of ``confineUntrustedSQL()``.
    public static let untrustedAllowedPragmasWithArgument: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "function_list",
        "pragma_list", "collation_list", "module_list", "database_list",
    ]

    /// Prepares this connection for SQL text written by someone else (e.g. a command-line user's
    /// query): `SQLITE_DBCONFIG_DEFENSIVE` on, `TRUSTED_SCHEMA` off (functions with side effects
    /// cannot run from views or triggers), extension loading and the two-argument
    /// `fts3_tokenizer` off, and an authorizer that refuses ``untrustedDeniedFunctions``, `ATTACH`
    /// and `DETACH` (which open other files) and PRAGMAs that change settings. A refused statement
    /// fails to prepare with `SQLITE_AUTH`. Combine with a read-only open.
    ///
    /// See <https://www.sqlite.org/security.html>, <https://www.sqlite.org/c3ref/set_authorizer.html>
    /// and <https://www.sqlite.org/c3ref/c_dbconfig_defensive.html>.
    public func confineUntrustedSQL() throws {
        let settings: [(option: DatabaseConfigOption, value: Int32)] = [
            (.defensive, 1), (.trustedSchema, 0), (.loadExtension, 0), (.fts3Tokenizer, 0),
        ]
        for (setting, value) in settings {
            let option = setting.rawValue
            var current: Int32 = -1
            let code = csqlite_db_config_flag(handle, option, value, &current)
            guard code == SQLITE_OK, current == value else {
                throw SQLiteError(extendedCode: ResultCode(rawValue: code == SQLITE_OK ? SQLITE_MISUSE : code),
                                  message: "could not set sqlite3_db_config option \(option) to \(value)")
            }
        }
        let code = sqlite3_set_authorizer(handle, untrustedSQLAuthorizer, nil)
        guard code == SQLITE_OK else { throw SQLiteError.from(code: code, db: handle, sql: nil) }
        // Statements prepared before the authorizer was set were never checked by it.
        clearStatementCache()
    }

    /// Whether `option` is on for this connection.
    public func isEnabled(_ option: DatabaseConfigOption) -> Bool { configFlag(option.rawValue) }

    /// Whether the `SQLITE_DBCONFIG_*` on/off setting `option` is on for this connection.
    func configFlag(_ option: Int32) -> Bool {
        var current: Int32 = 0
        _ = csqlite_db_config_flag(handle, option, -1, &current)
        return current != 0
    }
}

/// `sqlite3_db_config` on/off settings that ``Connection/confineUntrustedSQL()`` sets.
/// See <https://www.sqlite.org/c3ref/c_dbconfig_defensive.html>.
public struct DatabaseConfigOption: Sendable {
    let rawValue: Int32
    /// `SQLITE_DBCONFIG_DEFENSIVE`: no direct writes to the schema or to shadow tables.
    public static let defensive = DatabaseConfigOption(rawValue: SQLITE_DBCONFIG_DEFENSIVE)
    /// `SQLITE_DBCONFIG_TRUSTED_SCHEMA`: views and triggers may call functions with side effects.
    public static let trustedSchema = DatabaseConfigOption(rawValue: SQLITE_DBCONFIG_TRUSTED_SCHEMA)
    /// `SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION`: extensions may be loaded.
    public static let loadExtension = DatabaseConfigOption(rawValue: SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION)
    /// `SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER`: the two-argument `fts3_tokenizer()`.
    public static let fts3Tokenizer = DatabaseConfigOption(rawValue: SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER)
}

/// The authorizer of ``Connection/confineUntrustedSQL()``: no captures (a C function pointer),
/// so its rules are the static sets above.
private let untrustedSQLAuthorizer: @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                                    UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32 = { _, action, first, second, _, _ in
    switch action {
    case SQLITE_ATTACH, SQLITE_DETACH:
        return SQLITE_DENY
    case SQLITE_FUNCTION:
        // The function's name is the second argument.
        guard let name = second else { return SQLITE_DENY }
        return Connection.untrustedDeniedFunctions.contains(String(cString: name).lowercased()) ? SQLITE_DENY : SQLITE_OK
    case SQLITE_PRAGMA:
        guard second != nil else { return SQLITE_OK }  // no argument: a query of the setting
        guard let name = first else { return SQLITE_DENY }
        return Connection.untrustedAllowedPragmasWithArgument.contains(String(cString: name).lowercased()) ? SQLITE_OK : SQLITE_DENY
    default:
        return SQLITE_OK
    }
}
