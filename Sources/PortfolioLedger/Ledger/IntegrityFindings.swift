internal import SQLiteDB

/// What SQLite's own checks found in a ledger file, one sentence per finding.
///
/// `PRAGMA integrity_check` reports structural damage (pages, indexes out of step with their
/// tables); `PRAGMA foreign_key_check` rows that point at a parent row that does not exist.
public struct IntegrityFindings: Sendable, Equatable {
    /// Lines of `integrity_check` other than "ok", as SQLite words them.
    public var structural: [String]
    /// One sentence per `foreign_key_check` row, e.g.
    /// "nft_trade rowid 3 refers to a missing row of nft".
    public var foreignKeys: [String]

    /// True when neither check found anything.
    public var isClean: Bool { structural.isEmpty && foreignKeys.isEmpty }
    /// Number of findings.
    public var count: Int { structural.count + foreignKeys.count }

    init(_ report: IntegrityReport) {
        structural = report.integrityProblems
        foreignKeys = report.foreignKeyViolations.map { violation in
            "\(violation.table) \(violation.rowID.map { "rowid \($0)" } ?? "a row") refers to a missing row of \(violation.parentTable)"
        }
    }
}
