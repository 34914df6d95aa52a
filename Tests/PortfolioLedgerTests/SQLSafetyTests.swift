import Foundation
import Testing

/// No SQL in `Sources/` is built from user values: every value reaches SQLite as a bound
/// parameter. This test scans every Swift string literal that reads as SQL for interpolations
/// (`\(…)`) and concatenations (`"…" + x`), and requires each to be on the allow-list below: SQL
/// fragments and identifiers that are constants of our own code, never input.
@Suite struct SQLSafetyTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// (file name, pattern of the interpolated or concatenated expression, why it is safe).
    static let allowed: [(file: String, pattern: String, reason: String)] = [
        ("*", #"^(Self|LedgerSnapshot)\.visible\("[a-z]", "[a-z_]+", "[a-z_]+"\)$"#, "visibility fragment built from string literals"),
        ("LedgerSnapshot.swift", #"^(alias|table|idColumn|1)$"#, "visible(_:_:_:) parameters: callers pass literals (first pattern)"),
        ("LedgerSnapshot+Journal.swift", #"^(trade|event|loan|option|settlement|external|Self\.cashFlowSQL)$"#,
         "local constants made by visible(_:_:_:) from literals, and a static SQL constant"),
        ("LedgerSnapshot+Loans.swift", #"^condition$"#, "LoanFilter.query: called only to build its four static statements from literal conditions"),
        ("Connection.swift", #"^(expected|options\.synchronous\.rawValue)$"#, "PRAGMA values (cannot be bound): an Int32 id and an enum's raw value"),
        ("Connection+Transactions.swift", #"^name$"#, "savepoint name made from an internal counter"),
        ("Migrator.swift", #"^migration\.number$"#, "PRAGMA user_version: the number parsed from our own migration file name"),
        ("ImportJob.swift", #"^(series|run\.status)$"#,
         "benchmark only: the baseline's series count (an Int from the bench's own configuration) in a script for the sqlite3 shell, and an exit status in an error message"),
        ("LedgerSnapshot+Policies.swift", #"^filter$"#, "one of two literal conditions chosen by a switch over the scope; the loan id is bound (?2)"),
        ("ObservationBatchInserter.swift", #"^repeatElement$"#,
         "placeholder groups for a multi-row INSERT: only `?`s, their count from our batch size"),
    ]

    static let sqlKeyword = try! NSRegularExpression(
        pattern: #"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|WHERE|FROM|VALUES|ATTACH|REPLACE)\b"#)
    static let interpolation = try! NSRegularExpression(pattern: #"\\\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)"#)
    static let multiLine = try! NSRegularExpression(pattern: #"\"\"\"(.*?)\"\"\""#, options: [.dotMatchesLineSeparators])
    static let singleLine = try! NSRegularExpression(pattern: #""((?:[^"\\\n]|\\.)*)""#)
    /// A SQL literal joined to something else with `+`, on either side.
    static let concatenation = try! NSRegularExpression(pattern: #"("(?:[^"\\\n]|\\.)*")\s*\+\s*([A-Za-z_][\w.]*(?:\([^()\n]*\))?)|([A-Za-z_][\w.]*(?:\([^()\n]*\))?)\s*\+\s*("(?:[^"\\\n]|\\.)*")"#)

    /// Every (file, expression) spliced into SQL text in `Sources/`.
    static func splicedExpressions() throws -> [(file: String, expression: String)] {
        var found: [(String, String)] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let name = url.lastPathComponent
            var singleLineText = text
            for match in multiLine.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
                let literal = String(text[Range(match.range(at: 1), in: text)!])
                if isSQL(literal) { found += expressions(in: literal).map { (name, $0) } }
                singleLineText.replaceSubrange(Range(match.range, in: singleLineText)!, with: "\"\"")
            }
            let ns = NSRange(singleLineText.startIndex..., in: singleLineText)
            for match in singleLine.matches(in: singleLineText, range: ns) {
                let literal = String(singleLineText[Range(match.range(at: 1), in: singleLineText)!])
                if isSQL(literal) { found += expressions(in: literal).map { (name, $0) } }
            }
            for match in concatenation.matches(in: singleLineText, range: ns) {
                let (literalGroup, expressionGroup) = match.range(at: 1).location != NSNotFound ? (1, 2) : (4, 3)
                let literal = String(singleLineText[Range(match.range(at: literalGroup), in: singleLineText)!])
                if isSQL(literal) { found.append((name, String(singleLineText[Range(match.range(at: expressionGroup), in: singleLineText)!]))) }
            }
        }
        return found
    }

    static func isSQL(_ literal: String) -> Bool {
        sqlKeyword.firstMatch(in: literal, range: NSRange(literal.startIndex..., in: literal)) != nil
    }

    static func expressions(in literal: String) -> [String] {
        interpolation.matches(in: literal, range: NSRange(literal.startIndex..., in: literal)).map {
            String(literal[Range($0.range(at: 1), in: literal)!])
        }
    }

    static func isAllowed(file: String, expression: String) -> Bool {
        allowed.contains { rule in
            (rule.file == "*" || rule.file == file) && expression.range(of: rule.pattern, options: .regularExpression) != nil
        }
    }

    @Test func noSQLIsBuiltFromUserValues() throws {
        let spliced = try Self.splicedExpressions()
        #expect(spliced.count >= 20, "the scanner found too little; is it still reading Sources/?")
        for (file, expression) in spliced where !Self.isAllowed(file: file, expression: expression) {
            Issue.record("\(file): `\(expression)` is spliced into SQL text; bind it as a parameter (or, for an identifier of our own, add it to the allow-list with the reason)")
        }
    }

    @Test func theScannerCatchesInterpolatedAndConcatenatedValues() {
        // What a mistake looks like, to show the scanner would see it.
        let interpolated = #"SELECT * FROM loan WHERE external_ref = '\(ref)'"#
        #expect(Self.isSQL(interpolated) && Self.expressions(in: interpolated) == ["ref"])
        #expect(!Self.isAllowed(file: "LedgerSnapshot+Loans.swift", expression: "ref"))
        let line = #"try db.query("SELECT * FROM nft WHERE token_id = " + tokenText) { _ in }"#
        let match = Self.concatenation.firstMatch(in: line, range: NSRange(line.startIndex..., in: line))
        #expect(match.map { String(line[Range($0.range(at: 2), in: line)!]) } == "tokenText")
        #expect(Self.isAllowed(file: "ImportBook.swift", expression: #"LedgerSnapshot.visible("t", "nft_trade", "nft_trade_id")"#))
        #expect(!Self.isAllowed(file: "ImportBook.swift", expression: #"LedgerSnapshot.visible(alias, "nft_trade", "nft_trade_id")"#))
    }
}
