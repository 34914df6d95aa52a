import CSQLite

/// A column value of any storage class, for generic tools (e.g. a read-only SQL console) that do
/// not know the result's types in advance. Typed code should read columns with
/// ``Statement/column(_:as:)-(String,_)`` instead.
public enum DatabaseValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null
}

extension Statement {
    /// Column `index` of the current row in its own storage class.
    public func value(at index: Int32) throws -> DatabaseValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: .text(try String.read(from: self, at: index))
        case SQLITE_BLOB: .blob(try Blob.read(from: self, at: index).bytes)
        default: .null
        }
    }
}
