/// A database's schema as comparable objects: every table, index, view and trigger of
/// `sqlite_schema`, each with its SQL text in a normalized form and the structure SQLite derived
/// from it (`pragma_table_xinfo`, `pragma_index_list`, `pragma_index_xinfo`).
///
/// Comparing two descriptions tells whether one database has the objects another has, unchanged,
/// and which objects it has besides. `sqlite_stat*` tables (written by `ANALYZE`) are left out:
/// they are statistics, not schema.
/// See <https://www.sqlite.org/schematab.html> and <https://www.sqlite.org/pragma.html#pragfunc>.
public struct SchemaDescription: Sendable, Equatable {
    /// Kinds of schema objects.
    public enum ObjectType: String, Sendable, Comparable {
        case table, index, view, trigger
        public static func < (a: ObjectType, b: ObjectType) -> Bool { a.rawValue < b.rawValue }
    }

    /// One schema object.
    public struct Object: Sendable, Equatable {
        public var type: ObjectType
        public var name: String
        /// The table an index or trigger belongs to (the object itself for a table or view).
        public var table: String
        /// The `CREATE` statement, normalized (see ``SchemaDescription/normalize(_:)``); `nil` for
        /// the indexes SQLite makes for `UNIQUE`/`PRIMARY KEY` constraints.
        public var sql: String?
        /// The structure SQLite derived: one line per column of a table or view, or the index's
        /// flags and key columns.
        public var structure: [String]
        /// For an index: unique, partial or on an expression — it can refuse a write (a duplicate
        /// key) or make one fail (an expression that raises an error), not only speed up reads.
        public var canRefuseWrites: Bool

        /// "trigger nft_trade_no_delete", "index i on t".
        public var label: String {
            type == .index || type == .trigger ? "\(type.rawValue) \(name) on \(table)" : "\(type.rawValue) \(name)"
        }
    }

    /// How one database's schema differs from an expected one.
    public enum Difference: Sendable, Equatable {
        /// An expected object is not there.
        case missing(Object)
        /// An object is there under the expected name but differs; `detail` says where first.
        case changed(expected: Object, found: Object, detail: String)
        /// An object that was not expected.
        case extra(Object)
    }

    /// The objects, ordered by type and name.
    public var objects: [Object]

    /// Reads the schema of `db` (in one read transaction).
    public init(of db: Connection) throws {
        objects = try db.read { db in
            var objects: [Object] = []
            try db.query("""
                SELECT type, name, tbl_name, sql FROM sqlite_schema
                WHERE type IN ('table', 'index', 'view', 'trigger') AND name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\'
                ORDER BY type, name
                """) { row in
                guard let type = ObjectType(rawValue: try row.column(0)) else { return }
                let sql: String? = row.isNull(3) ? nil : Self.normalize(try row.column(3, as: String.self))
                objects.append(Object(type: type, name: try row.column(1), table: try row.column(2), sql: sql,
                                      structure: [], canRefuseWrites: false))
            }
            for i in objects.indices {
                switch objects[i].type {
                case .table, .view: objects[i].structure = try Self.columns(of: objects[i].name, in: db)
                case .index: (objects[i].structure, objects[i].canRefuseWrites) = try Self.indexShape(objects[i], in: db)
                case .trigger: break
                }
            }
            return objects
        }
    }

    /// What `self` (the database found) lacks, changed or has besides `expected`, in `expected`'s
    /// order and then the extra objects'.
    public func differences(from expected: SchemaDescription) -> [Difference] {
        func key(_ object: Object) -> String { "\(object.type.rawValue) \(object.name.lowercased())" }
        let found = Dictionary(objects.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let expectedKeys = Set(expected.objects.map(key))
        var result: [Difference] = []
        for object in expected.objects {
            guard let actual = found[key(object)] else {
                result.append(.missing(object))
                continue
            }
            if let detail = Self.firstDifference(expected: object, found: actual) {
                result.append(.changed(expected: object, found: actual, detail: detail))
            }
        }
        result += objects.filter { !expectedKeys.contains(key($0)) }.map(Difference.extra)
        return result
    }

    /// SQL text in a form that ignores layout: comments removed, runs of white space reduced to
    /// one space (none next to punctuation), letters lowercased outside string literals.
    public static func normalize(_ sql: String) -> String {
        var out: [Unicode.Scalar] = []
        let scalars = Array(sql.unicodeScalars)
        var i = 0, pendingSpace = false, inString = false
        func isWordLike(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || "_$'\"`[]".unicodeScalars.contains(c) || c.value > 0x7F
        }
        while i < scalars.count {
            let c = scalars[i]
            if inString {
                out.append(c)
                if c == "'" { inString = false }
                i += 1
                continue
            }
            if c == "-", i + 1 < scalars.count, scalars[i + 1] == "-" {
                while i < scalars.count, scalars[i] != "\n" { i += 1 }
                pendingSpace = true
                continue
            }
            if c == "/", i + 1 < scalars.count, scalars[i + 1] == "*" {
                i += 2
                while i < scalars.count, !(scalars[i] == "*" && i + 1 < scalars.count && scalars[i + 1] == "/") { i += 1 }
                i += 2
                pendingSpace = true
                continue
            }
            if c.properties.isWhitespace {
                pendingSpace = true
                i += 1
                continue
            }
            if pendingSpace, let last = out.last, isWordLike(last), isWordLike(c) { out.append(" ") }
            pendingSpace = false
            if c == "'" { inString = true }
            out.append(("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32)! : c)
            i += 1
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: out)
        return text
    }

    // MARK: -

    private static func firstDifference(expected: Object, found: Object) -> String? {
        if expected.table.lowercased() != found.table.lowercased() { return "it belongs to \(found.table), not \(expected.table)" }
        for (e, f) in zip(expected.structure, found.structure) where e != f { return "expected \(e), found \(f)" }
        if expected.structure.count != found.structure.count {
            return expected.structure.count > found.structure.count
                ? "missing \(expected.structure[found.structure.count])" : "extra \(found.structure[expected.structure.count])"
        }
        return expected.sql == found.sql ? nil : "its SQL differs"
    }

    private static func columns(of table: String, in db: Connection) throws -> [String] {
        var lines: [String] = []
        try db.query("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", table) { row in
            let name: String = try row.column(0), type: String = try row.column(1)
            let notNull: Int64 = try row.column(2), primaryKey: Int64 = try row.column(4), hidden: Int64 = try row.column(5)
            let defaultValue = row.isNull(3) ? "none" : try row.column(3, as: String.self)
            lines.append("column \(name) \(type) notnull=\(notNull) default=\(defaultValue) pk=\(primaryKey) hidden=\(hidden)")
        }
        return lines
    }

    private static func indexShape(_ index: Object, in db: Connection) throws -> ([String], Bool) {
        var lines: [String] = []
        var refuses = false
        try db.query("SELECT \"unique\", origin, partial FROM pragma_index_list(?) WHERE name = ?", index.table, index.name) { row in
            let unique: Int64 = try row.column(0), origin: String = try row.column(1), partial: Int64 = try row.column(2)
            lines.append("unique=\(unique) origin=\(origin) partial=\(partial)")
            refuses = refuses || unique != 0 || partial != 0
        }
        try db.query("SELECT cid, name, \"desc\", coll, \"key\" FROM pragma_index_xinfo(?) ORDER BY seqno", index.name) { row in
            let cid: Int64 = try row.column(0), name = row.isNull(1) ? "(expression)" : try row.column(1, as: String.self)
            let descending: Int64 = try row.column(2), collation: String = try row.column(3), isKey: Int64 = try row.column(4)
            lines.append("key column \(name) cid=\(cid) desc=\(descending) collate=\(collation) key=\(isKey)")
            refuses = refuses || cid == -2
        }
        return (lines, refuses)
    }
}
