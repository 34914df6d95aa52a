import LedgerMath
internal import SQLiteDB

/// Reading the library's value types back from result columns. A stored value that does not
/// parse means the file was edited behind the library's back; the error names the column.
enum StoredValue {
    static func decimal(_ row: Statement, _ index: Int32, _ field: String) throws -> ExactDecimal {
        let text = try row.column(index, as: String.self)
        do { return try ExactDecimal(parsing: text) } catch {
            throw LedgerError.invalidValue(field: "stored \(field)", reason: error.description)
        }
    }

    static func optionalDecimal(_ row: Statement, _ index: Int32, _ field: String) throws -> ExactDecimal? {
        row.isNull(index) ? nil : try decimal(row, index, field)
    }

    static func currency(_ row: Statement, _ index: Int32) throws -> Currency {
        let text = try row.column(index, as: String.self)
        do { return try Currency(text) } catch { throw LedgerError.invalidValue(field: "stored currency", reason: error.description) }
    }

    static func instant(_ row: Statement, _ index: Int32) throws -> Instant {
        Instant(unixSeconds: try row.column(index, as: Int64.self))
    }

    static func optionalInstant(_ row: Statement, _ index: Int32) throws -> Instant? {
        try row.column(index, as: Int64?.self).map(Instant.init(unixSeconds:))
    }

    static func enumeration<E: StoredEnum>(_ row: Statement, _ index: Int32, as type: E.Type) throws -> E {
        try E.decode(try row.column(index, as: String.self), field: "stored \(row.columnName(index))")
    }

    // By column name: the record layer's way to read (a column added to a SELECT cannot shift
    // the others). Errors name the column as stored.

    static func decimal(_ row: Statement, _ column: String) throws -> ExactDecimal {
        try decimal(row, try row.columnIndex(column), column)
    }

    static func optionalDecimal(_ row: Statement, _ column: String) throws -> ExactDecimal? {
        try optionalDecimal(row, try row.columnIndex(column), column)
    }

    static func currency(_ row: Statement, _ column: String) throws -> Currency {
        try currency(row, try row.columnIndex(column))
    }

    static func instant(_ row: Statement, _ column: String) throws -> Instant {
        try instant(row, try row.columnIndex(column))
    }

    static func optionalInstant(_ row: Statement, _ column: String) throws -> Instant? {
        try optionalInstant(row, try row.columnIndex(column))
    }

    static func enumeration<E: StoredEnum>(_ row: Statement, _ column: String, as type: E.Type) throws -> E {
        try enumeration(row, try row.columnIndex(column), as: type)
    }
}
