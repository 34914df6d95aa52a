import ArgumentParser
import Foundation
import PortfolioLedger
import SQLiteDB

/// `portfolio-ledger query LEDGER SQL`: one read-only SQL statement, for people and other tools.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement on a ledger (e.g. on the v_* views) and print the rows.",
        discussion: """
            The ledger is opened read-only, and a statement that could write (INSERT, UPDATE, DELETE, DDL, a \
            writing PRAGMA) is refused before it runs. The views are documented in docs/schema.md. \
            Example: portfolio-ledger query book.ledger "SELECT loan_id, principal, status FROM v_loan" --format json
            """
    )

    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @Argument(help: "One SQL statement (SELECT, WITH … SELECT, or a read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, json (an array of objects) or csv.")
    var format: ReportFormat = .table

    func run() throws {
        let db = try LedgerFile.openReadOnly(at: ledger, allowOlderSchema: true)
        defer { db.close() }
        var columns: [String] = []
        var rows: [[DatabaseValue]] = []
        do {
            try db.withStatement(sql) { statement in
                guard statement.isReadOnly else {
                    throw CLIFailure(message: "query runs read-only statements only; this statement would write to the ledger",
                                     exitCode: CLIFailure.invalidInput)
                }
                columns = (0..<statement.columnCount).map { statement.columnName($0) }
                while try statement.step() {
                    rows.append(try (0..<statement.columnCount).map { try statement.value(at: $0) })
                }
            }
        } catch let error as SQLiteError {
            throw CLIFailure(message: "SQL error: \(error.message)", exitCode: CLIFailure.invalidInput)
        }
        switch format {
        case .json:
            printLine(OutputJSON.array(rows.map { row in .object(zip(columns, row).map { ($0, Self.json($1)) }) }).rendered)
        case .csv:
            printLine(([columns] + rows.map { $0.map(Self.text) }).map(ReportOutput.csvLine).joined(separator: "\n"))
        case .table:
            printLine(PlainTable.grid(header: columns, rows: rows.map { $0.map(Self.text) }, rightAligned: []))
            printLine("(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
        }
    }

    /// Text columns stay strings in JSON (booked money is exact decimal TEXT); numbers are numbers.
    static func json(_ value: DatabaseValue) -> OutputJSON {
        switch value {
        case .integer(let v): .integer(Int(v))
        case .real(let v): .number(v)
        case .text(let v): .string(v)
        case .blob(let v): .string(v.map { String(format: "%02x", $0) }.joined())
        case .null: .null
        }
    }

    static func text(_ value: DatabaseValue) -> String {
        switch value {
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "x'" + v.map { String(format: "%02x", $0) }.joined() + "'"
        case .null: ""
        }
    }
}
