import CSQLite

/// A prepared SQL statement.
///
/// Statements are prepared once and cached by their connection (keyed by SQL text); use them
/// through ``Connection/withStatement(_:_:)``, ``Connection/execute(_:_:)`` or
/// ``Connection/query(_:_:row:)``, which reset the statement and clear its bindings after every
/// use — a statement left mid-iteration would hold a WAL read snapshot open and block checkpoints.
/// The statement is finalized when it is released (`deinit`) or when its connection closes.
///
/// Not thread-safe: like its ``Connection``, use it from one thread at a time.
public final class Statement {
    @usableFromInline let handle: OpaquePointer
    @usableFromInline unowned(unsafe) let connection: Connection
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// True while a caller holds it; the cache hands out a fresh statement for re-entrant use.
    var isInUse = false
    private(set) var isFinalized = false
    /// Result-column positions by name, built on the first by-name read. A prepared statement's
    /// columns never change, and cached statements are reused, so this is built once per SQL text.
    @usableFromInline var columnIndexByName: [String: Int32]?
    /// The positions one caller's ``StatementColumns`` type resolved by name (see ``columns(_:)``).
    @usableFromInline var resolvedColumns: AnyObject?

    init(connection: Connection, sql: String) throws {
        var handle: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = sql.withCString { sqlite3_prepare_v3(connection.handle, $0, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, &tail) }
        guard code == SQLITE_OK, let handle else {
            throw SQLiteError.from(code: code, db: connection.handle, sql: sql)
        }
        if let tail, tail.pointee != 0, !String(cString: tail).allSatisfy({ $0.isWhitespace || $0 == ";" }) {
            sqlite3_finalize(handle)
            throw SQLiteError(extendedCode: .misuse, message: "a prepared statement must hold exactly one SQL statement", sql: sql)
        }
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    deinit { finalize() }

    func finalize() {
        guard !isFinalized else { return }
        isFinalized = true
        sqlite3_finalize(handle)
    }

    /// Number of `?` parameters.
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }
    /// Number of result columns.
    public var columnCount: Int32 { sqlite3_column_count(handle) }
    /// Name of result column `index` (0-based).
    public func columnName(_ index: Int32) -> String { String(cString: sqlite3_column_name(handle, index)) }
    /// True when the statement cannot change the database (e.g. a SELECT).
    /// See <https://www.sqlite.org/c3ref/stmt_readonly.html>.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    /// Binds values to parameters 1, 2, … in order. Generic over each value's type, so nothing is
    /// boxed. The count must match the statement's parameters.
    @inlinable public func bind<each V: SQLiteBindable>(_ values: repeat each V) throws {
        var index: Int32 = 0
        // One call per pack element, generic over that element's type: specialized and inlined
        // for concrete types. (A `for value in repeat each values` loop here was left calling each
        // type's `bind` through its witness table, copying optionals via value witnesses: about
        // twice the instructions of the binds themselves — measured with callgrind, docs/performance.md.)
        func next<T: SQLiteBindable>(_ value: T) throws {
            index += 1
            try value.bind(to: self, at: index)
        }
        repeat try next(each values)
        guard index == sqlite3_bind_parameter_count(handle) else {
            throw SQLiteError(extendedCode: .range, message: "bound \(index) value(s) to a statement with \(parameterCount) parameter(s)", sql: sql)
        }
    }

    /// Binds one value to the 1-based parameter `index`.
    @inlinable public func bind<V: SQLiteBindable>(_ value: V, at index: Int32) throws {
        try value.bind(to: self, at: index)
    }

    /// Advances to the next row: true when a row is available, false when done.
    @inlinable @discardableResult public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw SQLiteError.from(code: code, db: connection.handle, sql: sql)
    }

    /// Reads column `index` (0-based) of the current row as `T`.
    @inlinable public func column<T: SQLiteColumnReadable>(_ index: Int32, as type: T.Type = T.self) throws -> T {
        try T.read(from: self, at: index)
    }

    /// True when column `index` of the current row is NULL.
    @inlinable public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// The 0-based position of the result column called `name` (its `AS` alias, or the column's
    /// own name). Reading by name means a column added to a SELECT cannot shift the others.
    ///
    /// - Throws: ``SQLiteError`` (`SQLITE_RANGE`) naming the column and the SQL when the
    ///   statement has no such column, or has two columns of that name.
    @inlinable public func columnIndex(_ name: String) throws -> Int32 {
        if let index = columnIndexByName?[name] { return index }
        return try resolveColumn(name)
    }

    @usableFromInline func resolveColumn(_ name: String) throws -> Int32 {
        if columnIndexByName == nil {
            var byName: [String: Int32] = [:]
            for index in 0..<columnCount {
                let columnName = columnName(index)
                // -1 marks a name two columns share: reading it by name would be ambiguous.
                byName[columnName] = byName[columnName] == nil ? index : -1
            }
            columnIndexByName = byName
        }
        guard let index = columnIndexByName?[name], index >= 0 else {
            let problem = columnIndexByName?[name] == -1 ? "two result columns are named" : "no result column is named"
            throw SQLiteError(extendedCode: .range, message: "\(problem) \"\(name)\"", sql: sql)
        }
        return index
    }

    /// The positions of the columns `Columns` reads, resolved by name (``columnIndex(_:)``) on the
    /// first call and kept with this statement, as its name table is: a one-row read called many
    /// times on a cached statement (an as-of price lookup) then pays a type check per call, not a
    /// name lookup per column. A statement keeps one such set; another type replaces it.
    @inlinable public func columns<Columns: StatementColumns>(_ type: Columns.Type) throws -> Columns {
        if let resolved = resolvedColumns, ObjectIdentifier(Swift.type(of: resolved)) == ObjectIdentifier(Columns.self) {
            return unsafeDowncast(resolved, to: Columns.self)
        }
        let resolved = try Columns(resolvingIn: self)
        resolvedColumns = resolved
        return resolved
    }

    /// Reads the column called `name` of the current row as `T` (see ``columnIndex(_:)``).
    @inlinable public func column<T: SQLiteColumnReadable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try T.read(from: self, at: try columnIndex(name))
    }

    /// True when the column called `name` of the current row is NULL.
    @inlinable public func isNull(_ name: String) throws -> Bool { isNull(try columnIndex(name)) }

    /// Resets the statement so it can run again and, by default, clears its bindings.
    ///
    /// A bulk loop that rebinds every parameter before each step (``bind(_:)`` checks the count)
    /// may pass `clearingBindings: false` and skip the clearing pass on every row.
    @inlinable public func reset(clearingBindings: Bool = true) {
        // sqlite3_reset repeats the last step's error, which was already thrown by step().
        sqlite3_reset(handle)
        if clearingBindings { sqlite3_clear_bindings(handle) }
    }

    /// Throws the connection's error unless `code` is `SQLITE_OK`. The test is inlined at every
    /// bind; building the error is not.
    @inlinable func check(_ code: Int32) throws {
        if code != SQLITE_OK { try fail(code) }
    }

    @usableFromInline func fail(_ code: Int32) throws -> Never {
        throw SQLiteError.from(code: code, db: connection.handle, sql: sql)
    }

    /// Throws a type-mismatch error when column `index` of the current row is NULL.
    @inlinable func requireNonNull(_ index: Int32, as typeName: @autoclosure () -> String) throws {
        if sqlite3_column_type(handle, index) == SQLITE_NULL { try failNull(index, typeName()) }
    }

    @usableFromInline func failNull(_ index: Int32, _ typeName: String) throws -> Never {
        throw SQLiteError(extendedCode: .mismatch, message: "column \(index) (\(columnName(index))) is NULL, expected \(typeName)", sql: sql)
    }
}

/// A set of result-column positions found by name, for ``Statement/columns(_:)``: a final class
/// whose initializer calls ``Statement/columnIndex(_:)`` for each column it reads.
public protocol StatementColumns: AnyObject {
    init(resolvingIn statement: Statement) throws
}
