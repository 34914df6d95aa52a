import LedgerMath
internal import SQLiteDB

/// Reading the library's value types back from result columns, by column name (the record
/// layer's way to read: a column added to a SELECT cannot shift the others; docs/architecture.md,
/// "Record layer"). A stored value that does not parse means the file was edited behind the
/// library's back; the error names the column as stored ("stored principal").
enum StoredValue {
    static func decimal(_ row: Statement, _ column: String) throws -> ExactDecimal {
        let text = try row.column(column, as: String.self)
        do { return try ExactDecimal(parsing: text) } catch {
            throw LedgerError.invalidValue(field: "stored \(column)", reason: error.description)
        }
    }

    static func optionalDecimal(_ row: Statement, _ column: String) throws -> ExactDecimal? {
        try row.isNull(column) ? nil : try decimal(row, column)
    }

    static func currency(_ row: Statement, _ column: String) throws -> Currency {
        let text = try row.column(column, as: String.self)
        do { return try Currency(text) } catch { throw LedgerError.invalidValue(field: "stored currency", reason: error.description) }
    }

    static func instant(_ row: Statement, _ column: String) throws -> Instant {
        Instant(unixSeconds: try row.column(column, as: Int64.self))
    }

    static func optionalInstant(_ row: Statement, _ column: String) throws -> Instant? {
        try row.column(column, as: Int64?.self).map(Instant.init(unixSeconds:))
    }

    static func enumeration<E: StoredEnum>(_ row: Statement, _ column: String, as type: E.Type) throws -> E {
        try E.decode(try row.column(column, as: String.self), field: "stored \(column)")
    }
}
