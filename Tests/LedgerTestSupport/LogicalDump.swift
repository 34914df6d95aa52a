import SQLiteDB

/// Every row of every table and the schema, as sorted text: equal dumps mean the ledger's
/// content is unchanged (a refused write, a failed import, a crash that left nothing half-done).
public func logicalDump(_ path: String) throws -> [String] {
    let db = try Connection(path: path, mode: .readOnly)
    defer { db.close() }
    var tables: [String] = []
    try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { tables.append(try $0.column(0)) }
    var lines: [String] = []
    try db.query("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name") { lines.append(try $0.column(0)) }
    for table in tables {
        // Names come from sqlite_schema, not from a user.
        try db.query("SELECT * FROM \"\(table)\"") { row in
            var cells = [table]
            for i in 0..<row.columnCount {
                cells.append(row.isNull(i) ? "NULL" : try row.column(i, as: String.self))
            }
            lines.append(cells.joined(separator: "|"))
        }
    }
    return lines.sorted()
}
