import CSQLite

/// A value that can be bound to a statement parameter.
///
/// Binding goes through generic functions (see ``Statement/bind(_:)``), so each concrete type is
/// bound by its own specialised code: no value is boxed into an existential on the hot path.
public protocol SQLiteBindable {
    /// Binds `self` to the 1-based parameter `index` of `statement`.
    func bind(to statement: Statement, at index: Int32) throws
}

/// A value that can be read from a result column.
public protocol SQLiteColumnReadable {
    /// Reads column `index` (0-based) of the current row of `statement`.
    ///
    /// Throws when the stored value cannot be this type (e.g. NULL for a non-optional).
    static func read(from statement: Statement, at index: Int32) throws -> Self
}

/// A SQL NULL for binding.
public struct SQLNull: SQLiteBindable, Sendable {
    public init() {}
    public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_null(statement.handle, index))
    }
}

extension Int64: SQLiteBindable, SQLiteColumnReadable {
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_int64(statement.handle, index, self))
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Int64 {
        try statement.requireNonNull(index, as: "Int64")
        return sqlite3_column_int64(statement.handle, index)
    }
}

extension Int: SQLiteBindable, SQLiteColumnReadable {
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_int64(statement.handle, index, Int64(self)))
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Int {
        try statement.requireNonNull(index, as: "Int")
        return Int(sqlite3_column_int64(statement.handle, index))
    }
}

extension Int32: SQLiteBindable, SQLiteColumnReadable {
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_int(statement.handle, index, self))
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Int32 {
        try statement.requireNonNull(index, as: "Int32")
        return sqlite3_column_int(statement.handle, index)
    }
}

extension Double: SQLiteBindable, SQLiteColumnReadable {
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_double(statement.handle, index, self))
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Double {
        try statement.requireNonNull(index, as: "Double")
        return sqlite3_column_double(statement.handle, index)
    }
}

extension Bool: SQLiteBindable, SQLiteColumnReadable {
    /// Stored as INTEGER 0 or 1 (SQLite has no boolean type).
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        try statement.check(sqlite3_bind_int(statement.handle, index, self ? 1 : 0))
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Bool {
        try statement.requireNonNull(index, as: "Bool")
        return sqlite3_column_int64(statement.handle, index) != 0
    }
}

extension String: SQLiteBindable, SQLiteColumnReadable {
    /// Bound as UTF-8 TEXT; SQLite copies the bytes (SQLITE_TRANSIENT).
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        var copy = self
        let code = copy.withUTF8 { buffer -> Int32 in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_text(statement.handle, index, "", 0, csqlite_transient())
            }
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(statement.handle, index, $0, Int32(buffer.count), csqlite_transient())
            }
        }
        try statement.check(code)
    }
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> String {
        try statement.requireNonNull(index, as: "String")
        guard let bytes = sqlite3_column_text(statement.handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement.handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}

/// Raw bytes, bound and read as a BLOB.
public struct Blob: Hashable, Sendable, SQLiteBindable, SQLiteColumnReadable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func bind(to statement: Statement, at index: Int32) throws {
        let code = bytes.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-NULL pointer, or SQLite stores NULL.
            sqlite3_bind_blob(statement.handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), csqlite_transient())
        }
        try statement.check(code)
    }
    public static func read(from statement: Statement, at index: Int32) throws -> Blob {
        try statement.requireNonNull(index, as: "Blob")
        let count = Int(sqlite3_column_bytes(statement.handle, index))
        guard count > 0, let pointer = sqlite3_column_blob(statement.handle, index) else { return Blob([]) }
        return Blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    /// `nil` binds NULL.
    @inlinable public func bind(to statement: Statement, at index: Int32) throws {
        switch self {
        case .none: try statement.check(sqlite3_bind_null(statement.handle, index))
        case .some(let value): try value.bind(to: statement, at: index)
        }
    }
}

extension Optional: SQLiteColumnReadable where Wrapped: SQLiteColumnReadable {
    /// NULL reads as `nil`.
    @inlinable public static func read(from statement: Statement, at index: Int32) throws -> Wrapped? {
        if sqlite3_column_type(statement.handle, index) == SQLITE_NULL { return nil }
        return try Wrapped.read(from: statement, at: index)
    }
}
