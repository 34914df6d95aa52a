import ArgumentParser
import Foundation
import PortfolioLedger
import SQLiteDB

/// `portfolio-ledger query LEDGER SQL`: one read-only SQL statement, for people and other tools.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement on a ledger (e.g. on the v_* views) and print the rows as they are read.",
        discussion: """
            The ledger is opened read-only, and a statement that could write (INSERT, UPDATE, DELETE, DDL, a \
            writing PRAGMA) is refused before it runs, as are ATTACH/DETACH, PRAGMAs that change a setting and \
            functions that reveal memory addresses or load files (fts3_tokenizer, load_extension). Rows are printed \
            as they are read. At --max-rows or --timeout the output is ended validly (the JSON array closed, the \
            table's row count printed), stderr says why it stopped, and the exit code is 8. The views are \
            documented in docs/schema.md. \
            Example: portfolio-ledger query book.ledger "SELECT loan_id, principal, status FROM v_loan" --format json
            """
    )

    static let defaultMaxRows = 100_000
    static let defaultTimeoutSeconds = 60.0
    /// Table output aligns its columns to the widest cell among the first rows; later rows are
    /// streamed with those widths (a wider cell widens only its own line).
    static let tableWidthSampleRows = 200

    @Argument(help: "Path of the ledger file (opened read-only).")
    var ledger: String

    @Argument(help: "One SQL statement (SELECT, WITH … SELECT, or a read-only PRAGMA).")
    var sql: String

    @Option(help: "Output format: table, json (an array of objects) or csv.")
    var format: ReportFormat = .table

    @Option(name: .customLong("max-rows"), help: "Stop after this many rows (0: no limit).")
    var maxRows: Int = Self.defaultMaxRows

    @Option(help: "Stop after this many seconds (0: no limit).")
    var timeout: Double = Self.defaultTimeoutSeconds

    func validate() throws {
        guard maxRows >= 0 else { throw ValidationError("--max-rows must be 0 (no limit) or positive") }
        guard timeout >= 0, timeout.isFinite else { throw ValidationError("--timeout must be 0 (no limit) or a positive number of seconds") }
    }

    func run() throws {
        let db = try LedgerFile.openReadOnly(at: ledger, allowOlderSchema: true)
        defer { db.close() }
        do { try db.confineUntrustedSQL() } catch let error as SQLiteError { throw LedgerError.database(error) }
        let output = StandardOutputBuffer()
        var stop: CLIFailure?
        do {
            try withTimeLimit(db) {
                try db.withStatement(sql) { statement in
                    guard statement.isReadOnly else {
                        throw CLIFailure(message: "query runs read-only statements only; this statement would write to the ledger",
                                         exitCode: CLIFailure.invalidInput)
                    }
                    var printer = QueryRowPrinter(format: format, columns: (0..<statement.columnCount).map { statement.columnName($0) },
                                                  output: output)
                    defer { printer.finish() }
                    do {
                        while try statement.step() {
                            if maxRows > 0 && printer.rowCount == maxRows {
                                printer.stoppedEarly = true
                                stop = CLIFailure(message: "query stopped at --max-rows \(maxRows): the output holds the first \(maxRows) rows; more were left",
                                                  exitCode: CLIFailure.queryLimitReached)
                                return
                            }
                            printer.print(try (0..<statement.columnCount).map { try statement.value(at: $0) })
                        }
                    } catch let error as SQLiteError where error.primaryCode == .interrupt {
                        printer.stoppedEarly = true
                        stop = CLIFailure(message: "query stopped at --timeout \(Self.seconds(timeout)) s after \(printer.rowCount) row(s): the output holds those rows",
                                          exitCode: CLIFailure.queryLimitReached)
                    }
                }
            }
        } catch let error as SQLiteError {
            output.flush()
            throw CLIFailure(message: Self.message(for: error), exitCode: CLIFailure.invalidInput)
        }
        output.flush()
        if let stop { throw stop }
    }

    /// Runs `body` under `--timeout` (SQLite's progress handler), or without a limit for 0.
    private func withTimeLimit(_ db: Connection, _ body: () throws -> Void) throws {
        if timeout > 0 { try db.withDeadline(seconds: timeout, body) } else { try body() }
    }

    /// SQLite's own words: a refused function reads "not authorized to use function: fts3_tokenizer";
    /// a refused ATTACH, DETACH or setting PRAGMA only "not authorized", so that one is explained.
    static func message(for error: SQLiteError) -> String {
        guard error.primaryCode == .auth else { return "SQL error: \(error.message)" }
        return "query does not allow this statement: it would attach or detach a database, or change a setting with a pragma (SQLite: \(error.message))"
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// Prints query rows one at a time in the chosen format, and ends the output validly whenever it
/// stops (all rows read, a limit reached, an error).
struct QueryRowPrinter {
    let format: ReportFormat
    let columns: [String]
    let output: StandardOutputBuffer
    private(set) var rowCount = 0
    var stoppedEarly = false
    private var widthSample: [[String]] = []
    private var widths: [Int]?

    init(format: ReportFormat, columns: [String], output: StandardOutputBuffer) {
        self.format = format
        self.columns = columns
        self.output = output
        switch format {
        case .csv: output.line(ReportOutput.csvLine(columns))
        case .json: output.append("[")
        case .table: break
        }
    }

    mutating func print(_ row: [DatabaseValue]) {
        rowCount += 1
        switch format {
        case .json:
            let object = OutputJSON.object(zip(columns, row).map { ($0, Self.json($1)) }).rendered
            output.append(rowCount == 1 ? "\n" : ",\n")
            output.append(object.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        case .csv:
            output.line(ReportOutput.csvLine(row.map(Self.text)))
        case .table:
            let cells = row.map(Self.text)
            if let widths {
                output.line(Self.tableLine(cells, widths: widths))
            } else {
                widthSample.append(cells)
                if widthSample.count == QueryCommand.tableWidthSampleRows { flushSample() }
            }
        }
    }

    mutating func finish() {
        switch format {
        case .json: output.line(rowCount == 0 ? "]" : "\n]")
        case .csv: break
        case .table:
            flushSample()
            output.line("(\(rowCount) row\(rowCount == 1 ? "" : "s")\(stoppedEarly ? "; stopped early, see stderr" : ""))")
        }
    }

    private mutating func flushSample() {
        guard widths == nil else { return }
        let all = [columns] + widthSample
        let found = (0..<columns.count).map { c in all.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        widths = found
        for row in all { output.line(Self.tableLine(row, widths: found)) }
        widthSample = []
    }

    static func tableLine(_ cells: [String], widths: [Int]) -> String {
        let line = cells.enumerated().map { c, cell in cell + String(repeating: " ", count: max(0, widths[c] - cell.count)) }
            .joined(separator: "  ")
        return String(line.reversed().drop(while: { $0 == " " }).reversed())
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

/// Standard output in 64 KiB writes, so streaming many rows is not one system call per row.
final class StandardOutputBuffer {
    private var buffer = Data()

    init() { buffer.reserveCapacity(1 << 16) }

    func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func line(_ text: String) { append(text + "\n") }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
