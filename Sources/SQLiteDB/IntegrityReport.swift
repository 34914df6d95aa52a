/// Findings of SQLite's own consistency checks on one database.
public struct IntegrityReport: Sendable, Equatable {
    /// A row whose foreign key points at a parent row that does not exist.
    public struct ForeignKeyViolation: Sendable, Equatable {
        /// The child table.
        public var table: String
        /// The child row's rowid (`nil` for WITHOUT ROWID tables).
        public var rowID: Int64?
        /// The parent table the key refers to.
        public var parentTable: String
        /// Index of the foreign key in `PRAGMA foreign_key_list(table)`.
        public var foreignKeyIndex: Int64
    }

    /// Lines of `PRAGMA integrity_check` other than "ok" (structural damage).
    public var integrityProblems: [String]
    /// Rows of `PRAGMA foreign_key_check`.
    public var foreignKeyViolations: [ForeignKeyViolation]

    /// True when both checks found nothing.
    public var isClean: Bool { integrityProblems.isEmpty && foreignKeyViolations.isEmpty }
}

extension Connection {
    /// Runs `PRAGMA integrity_check` and `PRAGMA foreign_key_check` and returns what they found.
    /// See <https://www.sqlite.org/pragma.html#pragma_integrity_check>.
    public func integrityCheck() throws -> IntegrityReport {
        try read { db in
            var problems: [String] = []
            try db.query("PRAGMA integrity_check") { row in
                let line = try row.column(0, as: String.self)
                if line != "ok" { problems.append(line) }
            }
            var violations: [IntegrityReport.ForeignKeyViolation] = []
            try db.query("PRAGMA foreign_key_check") { row in
                violations.append(.init(table: try row.column(0), rowID: try row.column(1),
                                        parentTable: try row.column(2), foreignKeyIndex: try row.column(3)))
            }
            return IntegrityReport(integrityProblems: problems, foreignKeyViolations: violations)
        }
    }
}
