import Foundation
import Testing

/// No SQL in `Sources/` is built from user values: every value reaches SQLite as a bound
/// parameter. This test scans every Swift string literal that reads as SQL for interpolations
/// (`\(…)`), and every statement holding such a literal for pieces joined to it with `+` (on
/// either side, also across lines) or assembled with `.joined(…)`, and requires each spliced
/// expression to be on the allow-list below: SQL fragments and identifiers that are constants of
/// our own code, never input. A rule that no longer matches anything fails too (a stale rule would
/// silently allow a future splice).
@Suite struct SQLSafetyTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// (file name, pattern of the interpolated or concatenated expression, why it is safe).
    static let allowed: [(file: String, pattern: String, reason: String)] = [
        ("*", #"^(Self|LedgerSnapshot)\.visible\("[a-z]", "[a-z_]+", "[a-z_]+"\)$"#, "visibility fragment built from string literals"),
        ("LedgerSnapshot.swift", #"^(alias|table|idColumn|1)$"#, "visible(_:_:_:) parameters: callers pass literals (first pattern)"),
        ("LedgerSnapshot+Journal.swift", #"^(trade|event|loan|option|settlement|external|yieldFlow|Self\.cashFlowSQL)$"#,
         "local constants made by visible(_:_:_:) from literals, and a static SQL constant"),
        ("LedgerSnapshot+Loans.swift", #"^condition$"#, "LoanFilter.query: called only to build its four static statements from literal conditions"),
        ("Connection.swift", #"^(expected|options\.synchronous\.rawValue)$"#, "PRAGMA values (cannot be bound): an Int32 id and an enum's raw value"),
        ("Connection+Transactions.swift", #"^name$"#, "savepoint name made from an internal counter"),
        ("Migrator.swift", #"^migration\.number$"#, "PRAGMA user_version: the number parsed from our own migration file name"),
        ("ImportJob.swift", #"^(series|run\.status)$"#,
         "benchmark only: the baseline's series count (an Int from the bench's own configuration) in a script for the sqlite3 shell, and an exit status in an error message"),
        ("LedgerSnapshot+Policies.swift", #"^filter$"#, "one of two literal conditions chosen by a switch over the scope; the loan id is bound (?2)"),
        ("ObservationBatchInserter.swift",
         #"^\(0\.\.<rows\)\.map \{ r in "\(\?\\\(3 \* r \+ 3\), \?\\\(3 \* r \+ 4\), \?\\\(3 \* r \+ 5\), \?1, \?2\)" \}\.joined\(separator: ", "\)$"#,
         "sql(rows:): the VALUES groups of a multi-row INSERT are only parameter markers `(?N, ?N+1, ?N+2, ?1, ?2)`, N computed from the row index 0..<rows (an Int no larger than the batch size); every value is bound"),
    ]

    static let sqlKeyword = try! NSRegularExpression(
        pattern: #"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|WHERE|FROM|VALUES|ATTACH|REPLACE)\b"#)
    static let interpolation = try! NSRegularExpression(pattern: #"\\\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)"#)
    static let multiLine = try! NSRegularExpression(pattern: #"\"\"\"(.*?)\"\"\""#, options: [.dotMatchesLineSeparators])
    static let singleLine = try! NSRegularExpression(pattern: #""((?:[^"\\\n]|\\.)*)""#)
    /// Every (file, expression) spliced into SQL text in `Sources/`.
    static func splicedExpressions() throws -> [(file: String, expression: String)] {
        var found: [(String, String)] = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            found += spliced(in: try String(contentsOf: url, encoding: .utf8)).map { (url.lastPathComponent, $0) }
        }
        return found
    }

    /// The expressions spliced into SQL in one file's text.
    static func spliced(in text: String) -> [String] {
        var found: [String] = []
        // Multi-line literals: their interpolations, then each becomes a one-line stand-in that keeps
        // whether it is SQL, so the statement scan sees `"""…""" + x` too.
        var singleLineText = text
        for match in multiLine.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            let literal = String(text[Range(match.range(at: 1), in: text)!])
            if isSQL(literal) { found += expressions(in: literal) }
            singleLineText.replaceSubrange(Range(match.range, in: singleLineText)!, with: isSQL(literal) ? "\"SELECT\"" : "\"\"")
        }
        for statement in logicalLines(singleLineText) {
            let (masked, literals) = mask(statement)
            let sqlTokens = literals.indices.filter { isSQL(literals[$0]) }
            for index in sqlTokens { found += expressions(in: literals[index]) }
            guard !sqlTokens.isEmpty else { continue }
            var pieces: [String] = []
            for index in sqlTokens {
                let token = token(index)
                guard let range = masked.range(of: token) else { continue }
                // `"SQL" + piece` and `piece + "SQL"`.
                let after = masked[range.upperBound...].drop { $0 == " " }
                if after.first == "+" { pieces.append(operand(after.dropFirst(), forward: true)) }
                let before = masked[..<range.lowerBound].reversed().drop { $0 == " " }
                if before.first == "+" { pieces.append(operand(Substring(String(before.dropFirst().reversed())), forward: false)) }
            }
            // `[…].joined(…)`, `parts.joined(…)` anywhere in a statement that holds SQL text.
            var searchStart = masked.startIndex
            while let call = masked.range(of: ".joined(", range: searchStart..<masked.endIndex) {
                let receiver = operand(Substring(String(masked[..<call.lowerBound])), forward: false)
                let arguments = balanced(masked[call.upperBound...])
                pieces.append(receiver + ".joined(" + arguments + ")")
                searchStart = call.upperBound
            }
            for piece in pieces where !piece.isEmpty && !found.contains(unmask(piece, literals)) {
                let text = unmask(piece, literals)
                // A piece that is itself only SQL literals (`"A " + "B"`) splices nothing.
                if piece.replacingOccurrences(of: #"\u0001\d+\u0001"#, with: "", options: .regularExpression)
                    .trimmingCharacters(in: .whitespaces).isEmpty { continue }
                found.append(text)
            }
        }
        return found
    }

    /// Physical lines joined into statements where a line starts with `+` or `.` or the previous ends with `+`.
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("//") { continue }
            if let last = lines.last, line.hasPrefix("+") || line.hasPrefix(".") || last.hasSuffix("+") {
                lines[lines.count - 1] = last + " " + line
            } else {
                lines.append(line)
            }
        }
        return lines
    }

    static func token(_ index: Int) -> String { "\u{1}\(index)\u{1}" }

    /// The statement with each one-line literal replaced by a token, and the literals' contents.
    static func mask(_ statement: String) -> (String, [String]) {
        var masked = statement, literals: [String] = []
        let matches = singleLine.matches(in: statement, range: NSRange(statement.startIndex..., in: statement))
        for match in matches { literals.append(String(statement[Range(match.range(at: 1), in: statement)!])) }
        for (index, match) in matches.enumerated().reversed() {
            masked.replaceSubrange(Range(match.range, in: masked)!, with: token(index))
        }
        return (masked, literals)
    }

    static func unmask(_ text: String, _ literals: [String]) -> String {
        var result = text
        for (index, literal) in literals.enumerated() { result = result.replacingOccurrences(of: token(index), with: "\"" + literal + "\"") }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// The operand next to a `+` or before `.joined`: up to a top-level `,`, `=`, `+`, `:` or an
    /// unbalanced bracket (reading backwards when `forward` is false), or the statement's end.
    static func operand(_ text: Substring, forward: Bool) -> String {
        let characters = forward ? Array(text) : Array(text.reversed())
        let (open, close): (Set<Character>, Set<Character>) = forward ? (["(", "[", "{"], [")", "]", "}"]) : ([")", "]", "}"], ["(", "[", "{"])
        var depth = 0, taken: [Character] = []
        for character in characters {
            if open.contains(character) { depth += 1 }
            else if close.contains(character) { if depth == 0 { break }; depth -= 1 }
            else if depth == 0, [",", "=", "+", ";"].contains(character) { break }
            taken.append(character)
        }
        let piece = String(forward ? taken : taken.reversed()).trimmingCharacters(in: .whitespaces)
        // Reading backwards, stop at a keyword that starts the expression.
        for keyword in ["return ", "try ", "let ", "var "] where !forward {
            if let range = piece.range(of: keyword, options: .backwards) { return String(piece[range.upperBound...]) }
        }
        return piece
    }

    /// The text up to the bracket that closes one already open.
    static func balanced(_ text: Substring) -> String {
        var depth = 0, taken = ""
        for character in text {
            if "([{".contains(character) { depth += 1 }
            if ")]}".contains(character) { if depth == 0 { break }; depth -= 1 }
            taken.append(character)
        }
        return taken
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
        for rule in Self.allowed where !spliced.contains(where: { (rule.file == "*" || rule.file == $0.file) && $0.expression.range(of: rule.pattern, options: .regularExpression) != nil }) {
            Issue.record("stale allow-list rule (\(rule.file), \(rule.pattern)): it matches nothing in Sources/; remove it")
        }
    }

    @Test func theStatementScanCatchesConcatenationAndJoinedPieces() {
        let source = #"""
            let a = "SELECT * FROM nft WHERE token_id = " + tokenText
            let b = tokenText + " AND 1 = 1 WHERE x"
            let c = "INSERT INTO t (x) VALUES "
                + rows.map { "(\($0))" }.joined(separator: ", ")
            let d = ["SELECT * FROM loan", filter].joined(separator: " WHERE ")
            let e = "SELECT 1 FROM " + "loan" + " WHERE loan_id = ?"
            let f = """
                DELETE FROM loan WHERE
                """ + condition
            let g = parts.joined(separator: ", ") + " FROM loan"
            let h = "not sql" + value
            """#
        let found = Self.spliced(in: source)
        for expected in ["tokenText", #"rows.map { "(\($0))" }.joined(separator: ", ")"#,
                         #"["SELECT * FROM loan", filter].joined(separator: " WHERE ")"#, "condition", #"parts.joined(separator: ", ")"#] {
            #expect(found.contains(expected), "missed `\(expected)` in \(found)")
        }
        #expect(!found.contains("value"), "a literal that is not SQL is not SQL text")
        #expect(!found.contains { $0.contains("loan\" +") || $0 == "\"loan\"" }, "joining only literals splices nothing: \(found)")
    }

    @Test func theScannerCatchesInterpolatedAndConcatenatedValues() {
        // What a mistake looks like, to show the scanner would see it.
        let interpolated = #"SELECT * FROM loan WHERE external_ref = '\(ref)'"#
        #expect(Self.isSQL(interpolated) && Self.expressions(in: interpolated) == ["ref"])
        #expect(!Self.isAllowed(file: "LedgerSnapshot+Loans.swift", expression: "ref"))
        let line = #"try db.query("SELECT * FROM nft WHERE token_id = " + tokenText) { _ in }"#
        #expect(Self.spliced(in: line) == ["tokenText"])
        #expect(Self.isAllowed(file: "ImportBook.swift", expression: #"LedgerSnapshot.visible("t", "nft_trade", "nft_trade_id")"#))
        #expect(!Self.isAllowed(file: "ImportBook.swift", expression: #"LedgerSnapshot.visible(alias, "nft_trade", "nft_trade_id")"#))
    }
}
