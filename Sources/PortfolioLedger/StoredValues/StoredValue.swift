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
}
