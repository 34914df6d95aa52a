import LedgerTestSupport
import Foundation
import Testing

/// `query` streams, stops at `--max-rows`/`--timeout` with valid output and exit 8, and cannot
/// call functions that reveal addresses or touch files.
@Suite struct QueryLimitsTests {
    static var demo: String { SharedDemoLedger.path }
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, 'r' || x AS label FROM c"
    static let endlessBeforeTheFirstRow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"

    /// The output parsed as its format says: the rows' `x` values.
    static func rows(_ stdout: String, format: String) throws -> [String] {
        switch format {
        case "json":
            let array = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [[String: Any]], "not a JSON array: \(stdout)")
            return array.map { "\($0["x"] ?? $0["max(x)"] ?? "?")" }
        case "csv":
            let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "", "a CSV ends with a line break")
            return lines.dropFirst().dropLast().map { String($0.split(separator: ",")[0]) }
        default:
            let lines = stdout.split(separator: "\n").map(String.init)
            #expect(lines.last?.hasPrefix("(") == true, "the table ends with its row count: \(lines.last ?? "")")
            return lines.dropFirst().dropLast().map { String($0.split(separator: " ")[0]) }
        }
    }

    @Test(arguments: ["table", "json", "csv"])
    func maxRowsEndsTheOutputValidlyAndExits8(format: String) throws {
        let result = try CLIRunner.run(["query", Self.demo, Self.endless, "--max-rows", "5", "--format", format])
        #expect(result.exitCode == 8)
        #expect(try Self.rows(result.stdout, format: format) == ["1", "2", "3", "4", "5"])
        #expect(result.stderr == "portfolio-ledger: error: query stopped at --max-rows 5: the output holds the first 5 rows; more were left\n")
        if format == "table" { #expect(result.stdout.hasSuffix("(5 rows; stopped early, see stderr)\n")) }
    }

    @Test func exactlyMaxRowsRowsIsNotAStop() throws {
        let result = try CLIRunner.run(["query", Self.demo, "SELECT loan_id AS x FROM v_loan ORDER BY loan_id", "--max-rows", "2", "--format", "csv"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "x\n1\n2\n")
    }

    @Test(arguments: ["table", "json", "csv"])
    func timeoutEndsTheOutputValidlyAndExits8(format: String) throws {
        for sql in [Self.endless, Self.endlessBeforeTheFirstRow] {
            let result = try CLIRunner.run(["query", Self.demo, sql, "--max-rows", "0", "--timeout", "0.5", "--format", format])
            #expect(result.exitCode == 8)
            let rows = try Self.rows(result.stdout, format: format)
            if sql == Self.endless { #expect(rows.count > 0 && rows == (1...rows.count).map(String.init)) } else { #expect(rows.isEmpty) }
            #expect(result.stderr.hasPrefix("portfolio-ledger: error: query stopped at --timeout 0.5 s after \(rows.count) row(s)"))
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    /// Rows reach stdout while the statement still runs: with neither limit, an endless query
    /// prints its first MiB (a query that collected every row first would print nothing and is
    /// killed after 60 s). `head` closes the pipe after 1 MiB, which ends the query.
    @Test func rowsAreStreamedAsTheyAreRead() throws {
        let dir = TemporaryDirectory()
        let received = dir.path("first-mib.csv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "out=\"$1\"; shift; timeout -s KILL 60 \"$@\" | head -c 1048576 > \"$out\"", "sh", received,
                             CLIRunner.binary.path, "query", Self.demo, Self.endless, "--max-rows", "0", "--timeout", "0", "--format", "csv"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: received))
        #expect(bytes.count == 1 << 20, "an endless query printed only \(bytes.count) bytes before it was killed")
        #expect(String(decoding: bytes.prefix(20), as: UTF8.self).hasPrefix("x,label\n1,r1\n2,r2\n"))
    }

    @Test(arguments: [
        ("SELECT fts3_tokenizer('simple')", "SQL error: not authorized to use function: fts3_tokenizer"),
        ("SELECT hex(fts3_tokenizer('porter'))", "SQL error: not authorized to use function: fts3_tokenizer"),
        ("SELECT load_extension('/tmp/evil.so')", "SQL error: not authorized to use function: load_extension"),
        ("SELECT * FROM (SELECT FTS3_TOKENIZER('unicode61'))", "SQL error: not authorized to use function: FTS3_TOKENIZER"),
        ("ATTACH DATABASE '/tmp/other.db' AS other", "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma"),
        ("DETACH DATABASE main", "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma"),
        ("PRAGMA trusted_schema = 1", "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma"),
        ("PRAGMA temp_store_directory = '/tmp'", "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma"),
    ])
    func addressRevealingFunctionsAttachAndSettingPragmasAreRefused(sql: String, message: String) throws {
        let result = try CLIRunner.run(["query", Self.demo, sql])
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("portfolio-ledger: error: \(message)"), "\(sql): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func everyViewAndIntrospectionPragmaStillWorks() throws {
        let views = try CLIRunner.run(["query", Self.demo, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name", "--format", "csv"])
        let names = views.stdout.split(separator: "\n").dropFirst().map(String.init)
        #expect(names.count >= 10)
        for name in names {
            let result = try CLIRunner.run(["query", Self.demo, "SELECT * FROM \(name)", "--format", "json"])
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
        }
        for sql in ["PRAGMA table_info(loan)", "PRAGMA user_version", "SELECT * FROM pragma_index_list('nft_trade')"] {
            let result = try CLIRunner.run(["query", Self.demo, sql])
            #expect(result.exitCode == 0, "\(sql): \(result.stderr)")
        }
    }

    @Test func badLimitsAreUsageErrors() throws {
        #expect(try CLIRunner.run(["query", Self.demo, "SELECT 1", "--max-rows", "-1"]).exitCode == 64)
        #expect(try CLIRunner.run(["query", Self.demo, "SELECT 1", "--timeout", "-2"]).exitCode == 64)
    }
}
